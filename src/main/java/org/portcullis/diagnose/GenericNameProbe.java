package org.portcullis.diagnose;

import java.util.List;
import java.util.Optional;
import org.portcullis.dns.ReverseDns;
import org.portcullis.policy.checks.ClientGenericPtrCheck;

/** {@code rdns.generic}: the PTR name is not one of a dynamic pool, by the gateway's own patterns. */
public final class GenericNameProbe implements Probe {

  public static final String ID = "rdns.generic";

  private final ClientGenericPtrCheck patterns;

  /** @param patterns the gateway's {@code client-generic-ptr} check, with its configured patterns */
  public GenericNameProbe(ClientGenericPtrCheck patterns) {
    this.patterns = patterns;
  }

  @Override
  public List<Finding> run(Subject subject, Lookups lookups, long deadlineNanos) {
    ReverseDns r = lookups.reverse(subject.ip(), deadlineNanos);
    if (r == null || r.names().isEmpty()) {
      return List.of(); // rdns.ptr reports the missing or unanswered PTR
    }
    String name = r.names().getFirst();
    Optional<String> reason = patterns.genericReason(name, subject.ip());
    Values v = new Values(subject).put("name", name).fact("PTR name", name);
    return List.of(reason.map(why -> v.put("reason", why).fact("why", why).finding(ID, Status.WARN))
        .orElseGet(() -> v.finding(ID, Status.PASS)));
  }
}
