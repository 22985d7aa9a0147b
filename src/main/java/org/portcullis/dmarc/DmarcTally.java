package org.portcullis.dmarc;

import java.net.InetAddress;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
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
   * @param evidence the SPF and DKIM results behind {@code dkim} and {@code spf}, uninterpreted
   */
  public record Row(LocalDate day, String headerFrom, String policyDomain, String source, String disposition,
      String dkim, String spf, String override, Evidence evidence) {}

  /**
   * The raw results an aggregate report's {@code auth_results} lists (RFC 7489 appendix C).
   *
   * @param spfDomain the domain SPF was asked about (the MAIL FROM domain, or the HELO name for
   *     {@code <>}); empty when SPF was not evaluated
   * @param spfScope {@code mfrom} or {@code helo}
   * @param spfResult none, neutral, pass, fail, softfail, temperror or permerror
   * @param signatures one per DKIM signature verified, at most {@value #SIGNATURES_MAX}
   */
  public record Evidence(String spfDomain, String spfScope, String spfResult, List<Signature> signatures) {

    /** Signatures kept per row; more are rare and would only multiply the rows. */
    public static final int SIGNATURES_MAX = 5;

    /** Nothing evaluated: the check that would have was off. */
    public static final Evidence NONE = new Evidence("", "mfrom", "none", List.of());

    public Evidence {
      signatures = List.copyOf(signatures.subList(0, Math.min(signatures.size(), SIGNATURES_MAX)));
    }

    /** The signatures as one text, {@code domain/selector/result} separated by spaces (how the store keeps them). */
    public String signaturesText() {
      StringBuilder out = new StringBuilder();
      for (Signature s : signatures) {
        out.append(out.isEmpty() ? "" : " ").append(s.domain()).append('/').append(s.selector()).append('/')
            .append(s.result());
      }
      return out.toString();
    }

    /** The reverse of {@link #signaturesText}; parts that do not have three fields are skipped. */
    public static List<Signature> signatures(String text) {
      List<Signature> out = new ArrayList<>();
      for (String part : text.split(" ")) {
        String[] f = part.split("/", -1);
        if (f.length == 3 && !f[0].isEmpty()) {
          out.add(new Signature(f[0], f[1], f[2]));
        }
      }
      return out;
    }
  }

  /**
   * One DKIM signature's result.
   *
   * @param domain {@code d=}
   * @param selector {@code s=}, or empty
   * @param result none, pass, fail, policy, neutral, temperror or permerror
   */
  public record Signature(String domain, String selector, String result) {
    public Signature {
      // The store joins signatures with these characters; a hostile d= cannot split a row.
      domain = domain.replaceAll("[\\s/]", "_");
      selector = selector.replaceAll("[\\s/]", "_");
    }
  }

  private final DmarcTallyStore store;
  private final Map<Row, LongAdder> pending = new ConcurrentHashMap<>();
  private final LongAdder dropped = new LongAdder();

  public DmarcTally(DmarcTallyStore store) {
    this.store = store;
  }

  /** Counts one message whose author domain publishes a policy; others are not reported. */
  public void count(Instant at, InetAddress source, DmarcOutcome outcome, Evidence evidence) {
    if (outcome.record().isEmpty()) {
      return;
    }
    Row row = new Row(LocalDate.ofInstant(at, ZoneOffset.UTC), outcome.fromDomain(), outcome.recordDomain().orElse(""),
        Addresses.toText(source), outcome.disposition().label(), outcome.dkimAligned() ? "pass" : "fail",
        outcome.spfAligned() ? "pass" : "fail", outcome.override().orElse(""), evidence);
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
