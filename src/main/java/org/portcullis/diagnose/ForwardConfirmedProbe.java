package org.portcullis.diagnose;

import java.util.List;
import org.portcullis.dns.ReverseDns;

/** {@code rdns.fcrdns}: a PTR name resolves back to the address (forward-confirmed reverse DNS). */
public final class ForwardConfirmedProbe implements Probe {

  public static final String ID = "rdns.fcrdns";

  @Override
  public List<Finding> run(Subject subject, Lookups lookups, long deadlineNanos) {
    ReverseDns r = lookups.reverse(subject.ip(), deadlineNanos);
    if (r == null || r.names().isEmpty() && r.ptr().status().isDefinite()) {
      return r == null ? List.of(new Values(subject).put("dns-status", "TIMEOUT").put("name", "the PTR name")
          .finding(ID, Status.UNKNOWN)) : List.of(); // no PTR: rdns.ptr says so
    }
    List<String> names = r.names();
    Values v = new Values(subject).put("names", names.isEmpty() ? "(none)" : String.join(", ", names))
        .put("name", names.isEmpty() ? "the PTR name" : names.getFirst());
    r.forward().forEach((name, answers) -> v.fact("addresses of " + name, answers.stream()
        .map(a -> a.status().isDefinite() ? a.summary() : a.status().name()).reduce((x, y) -> x + "; " + y)
        .orElse("")));
    return switch (r.status()) {
      case CONFIRMED -> List.of(v.fact("confirmed name", r.displayName()).finding(ID, Status.PASS));
      case NOT_CONFIRMED -> List.of(v.finding(ID, Status.FAIL));
      case UNKNOWN, NO_PTR -> List.of(v.put("dns-status", "no answer").finding(ID, Status.UNKNOWN));
    };
  }
}
