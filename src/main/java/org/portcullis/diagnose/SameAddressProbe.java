package org.portcullis.diagnose;

import java.util.ArrayList;
import java.util.List;
import org.portcullis.dns.DnsAnswer;
import org.portcullis.dns.DnsRecord;
import org.portcullis.dns.DnsType;

/**
 * {@code mx.same-ip}: seed 001's "one IP in and out": the sending address is among the addresses
 * of the domain's MX hosts. A warning at most: large senders send from other addresses than they
 * receive on.
 */
public final class SameAddressProbe implements Probe {

  public static final String ID = "mx.same-ip";

  @Override
  public List<Finding> run(Subject subject, Lookups lookups, long deadlineNanos) {
    if (subject.domain().isEmpty()) {
      return List.of();
    }
    DnsAnswer mx = lookups.answer(subject.domain().get(), DnsType.MX, deadlineNanos);
    List<DnsRecord.Mx> hosts = mx.recordsOf(DnsRecord.Mx.class).stream().filter(h -> !h.isNullMx()).toList();
    if (hosts.isEmpty()) {
      return List.of(); // mx.hosts says why
    }
    List<String> addresses = new ArrayList<>();
    boolean unknown = false;
    for (DnsRecord.Mx host : hosts) {
      for (DnsAnswer a : lookups.addresses(host.exchange(), deadlineNanos)) {
        unknown |= !a.status().isDefinite();
        a.recordsOf(DnsRecord.Address.class).forEach(x -> addresses.add(x.toString()));
      }
    }
    Values v = new Values(subject).put("mx-addresses", addresses.isEmpty() ? "none" : String.join(", ", addresses))
        .fact("MX addresses", addresses.isEmpty() ? "none" : String.join(", ", addresses));
    String ip = org.portcullis.mail.Addresses.toText(subject.ip());
    if (addresses.contains(ip)) {
      return List.of(v.finding(ID, Status.PASS));
    }
    return List.of(unknown ? v.put("dns-status", "an address lookup did not answer").finding(ID, Status.UNKNOWN)
        : v.finding(ID, Status.WARN));
  }
}
