package org.portcullis.diagnose;

import java.util.ArrayList;
import java.util.List;
import org.portcullis.dns.DnsAnswer;
import org.portcullis.dns.DnsRecord;
import org.portcullis.dns.DnsStatus;
import org.portcullis.dns.DnsType;
import org.portcullis.mail.Addresses;

/**
 * {@code mx.hosts}: the domain has MX hosts (replies and bounces must reach it), each a name that
 * resolves, not an IP address and not a CNAME (RFC 5321 5.1, RFC 2181 10.3); a null MX (RFC 7505)
 * says the domain takes no mail, which receivers may hold against mail sent from it.
 */
public final class MxProbe implements Probe {

  public static final String ID = "mx.hosts";

  @Override
  public List<Finding> run(Subject subject, Lookups lookups, long deadlineNanos) {
    if (subject.domain().isEmpty()) {
      return List.of();
    }
    String domain = subject.domain().get();
    DnsAnswer mx = lookups.answer(domain, DnsType.MX, deadlineNanos);
    Values v = new Values(subject);
    if (!mx.status().isDefinite()) {
      return List.of(v.put("dns-status", mx.status().name()).fact("MX lookup", mx.status().name())
          .finding(ID, Status.UNKNOWN));
    }
    List<DnsRecord.Mx> hosts = mx.recordsOf(DnsRecord.Mx.class);
    if (hosts.isEmpty()) {
      return List.of(v.fact("MX lookup", mx.status().name()).put("problem", domain + " has no MX record"
          + (mx.status() == DnsStatus.NXDOMAIN ? " (the domain does not exist)" : "") + ". Replies and bounces to "
          + "its senders have nowhere to go, and many receivers refuse mail from such a domain. Publish an MX record "
          + "naming the server that receives its mail.").finding(ID, Status.FAIL));
    }
    if (hosts.stream().anyMatch(DnsRecord.Mx::isNullMx)) {
      return List.of(v.fact("MX", "0 . (null MX)").put("problem", domain + " publishes a null MX (RFC 7505): it "
          + "says it takes no mail, so no reply or bounce can reach its senders and receivers may refuse its mail. "
          + "If the domain sends mail, give it a real MX.").finding(ID, Status.WARN));
    }
    List<String> problems = new ArrayList<>();
    boolean unknown = false;
    for (DnsRecord.Mx host : hosts) {
      String name = host.exchange();
      if (Addresses.parseLiteral(name).isPresent()) {
        problems.add(name + " is an address, not a host name (RFC 5321 5.1 wants a name)");
        v.fact("MX " + host.preference(), name + " (an address)");
        continue;
      }
      DnsAnswer cname = lookups.answer(name, DnsType.CNAME, deadlineNanos);
      if (cname.status() == DnsStatus.NOERROR && !cname.recordsOf(DnsRecord.Name.class).isEmpty()) {
        problems.add(name + " is a CNAME (for " + cname.recordsOf(DnsRecord.Name.class).getFirst().name()
            + "); an MX must name a host's own A or AAAA record (RFC 2181 10.3)");
      }
      List<DnsAnswer> addresses = lookups.addresses(name, deadlineNanos);
      List<String> found = addresses.stream().flatMap(a -> a.recordsOf(DnsRecord.Address.class).stream())
          .map(DnsRecord.Address::toString).toList();
      boolean answered = addresses.stream().allMatch(a -> a.status().isDefinite());
      v.fact("MX " + host.preference(), name + " -> " + (found.isEmpty() ? answered ? "no address" : "no answer"
          : String.join(", ", found)));
      if (found.isEmpty()) {
        if (answered) {
          problems.add(name + " has no address");
        } else {
          unknown = true;
        }
      }
    }
    if (!problems.isEmpty()) {
      boolean anyUsable = problems.size() < hosts.size();
      return List.of(v.put("problem", "MX hosts of " + domain + ": " + String.join("; ", problems) + ". Fix the MX "
          + "records so each names a host with its own address.").finding(ID, anyUsable ? Status.WARN : Status.FAIL));
    }
    if (unknown) {
      return List.of(v.put("dns-status", "an MX host's address lookup did not answer").finding(ID, Status.UNKNOWN));
    }
    return List.of(v.finding(ID, Status.PASS));
  }
}
