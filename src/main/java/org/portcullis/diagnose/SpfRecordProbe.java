package org.portcullis.diagnose;

import java.util.List;
import java.util.Locale;
import org.portcullis.dns.DnsAnswer;
import org.portcullis.dns.DnsRecord;
import org.portcullis.dns.DnsType;

/**
 * {@code spf.record}: the domain publishes exactly one SPF record (two are a permanent error,
 * RFC 7208 4.5), and it does not end in {@code +all}, which authorises every address on the Internet.
 */
public final class SpfRecordProbe implements Probe {

  public static final String ID = "spf.record";

  @Override
  public List<Finding> run(Subject subject, Lookups lookups, long deadlineNanos) {
    if (subject.domain().isEmpty()) {
      return List.of();
    }
    String domain = subject.domain().get();
    DnsAnswer txt = lookups.answer(domain, DnsType.TXT, deadlineNanos);
    Values v = new Values(subject);
    if (!txt.status().isDefinite()) {
      return List.of(v.put("dns-status", txt.status().name()).fact("TXT lookup", txt.status().name())
          .finding(ID, Status.UNKNOWN));
    }
    List<String> records = txt.recordsOf(DnsRecord.Txt.class).stream().map(DnsRecord.Txt::text)
        .filter(t -> t.toLowerCase(Locale.ROOT).equals("v=spf1") || t.toLowerCase(Locale.ROOT).startsWith("v=spf1 "))
        .toList();
    records.forEach(r -> v.fact("SPF record", r));
    if (records.isEmpty()) {
      return List.of(v.finding(ID, Status.WARN));
    }
    if (records.size() > 1) {
      return List.of(v.put("problem", domain + " publishes " + records.size() + " SPF records; RFC 7208 4.5 makes "
          + "that a permanent error, so every receiver treats the domain as having a broken policy. Merge them into "
          + "one TXT record that starts with v=spf1.").finding(ID, Status.FAIL));
    }
    List<String> terms = List.of(records.getFirst().toLowerCase(Locale.ROOT).split("\\s+"));
    if (terms.contains("+all") || terms.contains("all")) {
      return List.of(v.put("problem", "The SPF record of " + domain + " ends in " + (terms.contains("+all") ? "+all"
          : "all") + ", which authorises every address on the Internet to send as " + domain + ": it is worse "
          + "than none. End it with -all (or ~all while you test) after listing your servers.")
          .finding(ID, Status.FAIL));
    }
    return List.of(v.finding(ID, Status.PASS));
  }
}
