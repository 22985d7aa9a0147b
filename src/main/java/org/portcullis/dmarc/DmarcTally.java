package org.portcullis.dmarc;

import java.net.InetAddress;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.portcullis.mail.Addresses;

/**
 * What DMARC aggregate reports (RFC 7489 7.2) are made of, counted as mail arrives: per UTC day,
 * author domain, source address, disposition and results, messages. Counts are kept in memory and
 * written to the {@link DmarcTallyStore} in batches ({@link #flush}), so the check never waits on
 * the store. At most {@value #PENDING_MAX} distinct rows wait between flushes; beyond, rows are
 * counted as dropped rather than let a flood of source addresses grow the heap. Thread-safe.
 */
public final class DmarcTally {

  /** Rows waiting between two flushes, at most. */
  public static final int PENDING_MAX = 100_000;

  /**
   * One line of an aggregate report.
   *
   * @param day the UTC day
   * @param headerFrom the author domain
   * @param policyDomain where the policy was found
   * @param source the sending client's address, as text
   * @param disposition none, quarantine or reject, after overrides
   * @param dkim the DMARC-relevant DKIM result: pass when an aligned signature passed, else fail
   * @param spf likewise for SPF
   * @param override RFC 7489's reason when the disposition is lower than the policy, else empty
   */
  public record Row(LocalDate day, String headerFrom, String policyDomain, String source, String disposition,
      String dkim, String spf, String override) {}

  private final DmarcTallyStore store;
  private final Map<Row, LongAdder> pending = new ConcurrentHashMap<>();
  private final LongAdder dropped = new LongAdder();

  public DmarcTally(DmarcTallyStore store) {
    this.store = store;
  }

  /** Counts one message whose author domain publishes a policy; others are not reported. */
  public void count(Instant at, InetAddress source, DmarcOutcome outcome) {
    if (outcome.record().isEmpty()) {
      return;
    }
    Row row = new Row(LocalDate.ofInstant(at, ZoneOffset.UTC), outcome.fromDomain(), outcome.recordDomain().orElse(""),
        Addresses.toText(source), outcome.disposition().label(), outcome.dkimAligned() ? "pass" : "fail",
        outcome.spfAligned() ? "pass" : "fail", outcome.override().orElse(""));
    LongAdder count = pending.get(row);
    if (count == null) {
      if (pending.size() >= PENDING_MAX) {
        dropped.increment();
        return;
      }
      count = pending.computeIfAbsent(row, r -> new LongAdder());
    }
    count.increment();
  }

  /** Writes what is pending; what cannot be written stays for the next flush. */
  public void flush() {
    Map<Row, Long> batch = new HashMap<>();
    for (Row row : pending.keySet()) {
      LongAdder count = pending.remove(row);
      if (count != null && count.sum() > 0) {
        batch.put(row, count.sum());
      }
    }
    if (batch.isEmpty()) {
      return;
    }
    try {
      store.add(batch);
    } catch (RuntimeException e) {
      batch.forEach((row, n) -> pending.computeIfAbsent(row, r -> new LongAdder()).add(n));
      throw e;
    }
  }

  /** Rows not counted because too many were pending. */
  public long dropped() {
    return dropped.sum();
  }
}
