package org.portcullis.diagnose;

import java.util.List;

/**
 * One check of the list. Implementations are thread-safe, never throw for anything DNS or the
 * network says (a missing answer is {@link Status#UNKNOWN}), and finish by {@code deadlineNanos}.
 */
public interface Probe {

  /**
   * What this probe finds about {@code subject}: one finding, or one per item it checks (a DNS
   * list each); none when the subject gives it nothing to check (no domain, say).
   */
  List<Finding> run(Subject subject, Lookups lookups, long deadlineNanos);
}
