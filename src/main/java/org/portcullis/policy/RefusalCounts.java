package org.portcullis.policy;

import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * A {@link RefusalLog} that counts what passes through it by check and outcome (reject,
 * tempfail, disconnect, tag, observe) before handing it on: the figures behind the metrics and
 * the admin dashboard. Thread-safe.
 */
public final class RefusalCounts implements RefusalLog {

  private final RefusalLog next;
  private final Map<String, Map<String, LongAdder>> counts = new ConcurrentHashMap<>();

  public RefusalCounts(RefusalLog next) {
    this.next = next;
  }

  @Override
  public void record(RefusalRecord record) {
    counts.computeIfAbsent(record.outcome(), o -> new ConcurrentHashMap<>())
        .computeIfAbsent(record.check(), c -> new LongAdder()).increment();
    next.record(record);
  }

  @Override
  public Optional<RefusalRecord> find(String reference) {
    return next.find(reference);
  }

  @Override
  public void flush() {
    next.flush();
  }

  /** Every outcome's counts by check, since start. */
  public Map<String, Map<String, Long>> snapshot() {
    Map<String, Map<String, Long>> out = new TreeMap<>();
    counts.forEach((outcome, byCheck) -> {
      Map<String, Long> checks = new TreeMap<>();
      byCheck.forEach((check, n) -> checks.put(check, n.sum()));
      out.put(outcome, checks);
    });
    return out;
  }

  /** The total for one outcome over all checks, or for one check when {@code check} is given. */
  public long total(String outcome, Optional<String> check) {
    Map<String, LongAdder> byCheck = counts.getOrDefault(outcome, Map.of());
    if (check.isPresent()) {
      LongAdder n = byCheck.get(check.get());
      return n == null ? 0 : n.sum();
    }
    return byCheck.values().stream().mapToLong(LongAdder::sum).sum();
  }
}
