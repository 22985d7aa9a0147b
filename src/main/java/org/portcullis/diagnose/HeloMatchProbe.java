package org.portcullis.diagnose;

import java.util.List;
import java.util.Locale;
import org.portcullis.dns.ReverseDns;

/** {@code helo.matches}: the HELO name equals a PTR name (a warning at most: RFC 5321 4.1.4). */
public final class HeloMatchProbe implements Probe {

  public static final String ID = "helo.matches";

  @Override
  public List<Finding> run(Subject subject, Lookups lookups, long deadlineNanos) {
    if (subject.helo().isEmpty()) {
      return List.of();
    }
    ReverseDns r = lookups.reverse(subject.ip(), deadlineNanos);
    if (r == null || r.names().isEmpty()) {
      return List.of();
    }
    String helo = subject.helo().get().toLowerCase(Locale.ROOT);
    Values v = new Values(subject).put("name", r.names().getFirst()).fact("HELO", subject.helo().get())
        .fact("PTR names", String.join(", ", r.names()));
    return List.of(v.finding(ID, r.names().contains(helo) ? Status.PASS : Status.WARN));
  }
}
