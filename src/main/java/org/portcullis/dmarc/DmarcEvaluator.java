package org.portcullis.dmarc;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.portcullis.dns.DnsAnswer;
import org.portcullis.dns.DnsRecord;
import org.portcullis.dns.DnsResolver;
import org.portcullis.dns.DnsType;
import org.portcullis.mail.OrganizationalDomain;

/**
 * Evaluates DMARC for one message (RFC 7489 6.6): finds the policy at {@code _dmarc.<From domain>},
 * else at {@code _dmarc.<organisational domain>}; checks identifier alignment, relaxed or strict,
 * of the SPF-authenticated MAIL FROM domain and of every passing DKIM {@code d=}; samples with
 * {@code pct}; and returns the result and the disposition. Thread-safe.
 */
public final class DmarcEvaluator {

  private final DnsResolver resolver;
  private final Duration timeout;

  /** @param timeout the time both policy lookups of one message must fit in */
  public DmarcEvaluator(DnsResolver resolver, Duration timeout) {
    this.resolver = resolver;
    this.timeout = timeout;
  }

  /**
   * @param fromDomain the domain of the message's one From address
   * @param spfPassed the MAIL FROM domain when SPF passed for it
   * @param dkimPassed the {@code d=} of every DKIM signature that passed
   * @param sample a number in [0, 1) from the caller's random source: the message is sampled in
   *     when {@code sample * 100 < pct}
   */
  public DmarcOutcome evaluate(String fromDomain, Optional<String> spfPassed, List<String> dkimPassed, double sample) {
    String from = fromDomain.toLowerCase(Locale.ROOT);
    String organisation = OrganizationalDomain.of(from).orElse(from);
    long deadline = System.nanoTime() + timeout.toNanos();
    List<String> lookups = new ArrayList<>(2);
    Discovery found = discover(from, deadline, lookups);
    if (found.kind == Discovery.Kind.NOTHING && !organisation.equals(from)) {
      found = discover(organisation, deadline, lookups);
    }
    switch (found.kind) {
      case UNANSWERED:
        return outcome(DmarcResult.TEMPERROR, from, null, lookups, "the policy lookup of " + found.domain
            + " did not answer");
      case NOTHING:
        return outcome(DmarcResult.NONE, from, null, lookups, from + " publishes no DMARC policy");
      case SEVERAL:
        return outcome(DmarcResult.NONE, from, found.domain, lookups, found.domain + " publishes several DMARC records, which count as none (RFC 7489 6.6.3)");
      case BROKEN:
        return outcome(DmarcResult.PERMERROR, from, found.domain, lookups, "the DMARC record of " + found.domain + " is broken: " + found.problem);
      default:
        break;
    }
    DmarcRecord record = found.record;
    boolean subdomain = !found.domain.equals(from);
    DmarcPolicy requested = subdomain ? record.subdomainPolicy().orElse(record.policy()) : record.policy();
    boolean spfAligned = spfPassed.map(d -> aligned(d, from, record.strictSpf())).orElse(false);
    boolean dkimAligned = dkimPassed.stream().anyMatch(d -> aligned(d, from, record.strictDkim()));
    if (spfAligned || dkimAligned) {
      return new DmarcOutcome(DmarcResult.PASS, from, Optional.of(found.domain), Optional.of(record), requested,
          DmarcPolicy.NONE, spfAligned, dkimAligned, Optional.empty(), lookups,
          (dkimAligned ? "a DKIM signature" : "SPF") + " passed for a domain aligned with " + from);
    }
    String why = "neither SPF nor DKIM passed for a domain aligned with " + from
        + " (SPF: " + spfPassed.map(d -> "pass for " + d).orElse("no pass") + "; DKIM: "
        + (dkimPassed.isEmpty() ? "no passing signature" : "passing signatures of " + String.join(", ", dkimPassed)) + ")";
    boolean sampled = sample * 100 < record.percent();
    return new DmarcOutcome(DmarcResult.FAIL, from, Optional.of(found.domain), Optional.of(record), requested,
        sampled ? requested : requested.lower(), false, false,
        sampled || requested == DmarcPolicy.NONE ? Optional.empty() : Optional.of("sampled_out"), lookups, why);
  }

  /**
   * What {@code domain} itself publishes at {@code _dmarc.<domain>} now, for the aggregate reports.
   *
   * @return the record; empty when it publishes none (or several, or a broken one)
   * @throws java.io.UncheckedIOException when DNS did not answer: ask again later
   */
  public Optional<DmarcRecord> published(String domain) {
    Discovery found = discover(domain.toLowerCase(Locale.ROOT), System.nanoTime() + timeout.toNanos(),
        new ArrayList<>(1));
    if (found.kind == Discovery.Kind.UNANSWERED) {
      throw new java.io.UncheckedIOException(new java.io.IOException("the lookup of _dmarc." + domain
          + " did not answer"));
    }
    return Optional.ofNullable(found.record);
  }

  /** RFC 7489 3.1: strict, the same name; relaxed, the same organisational domain. */
  static boolean aligned(String authenticated, String from, boolean strict) {
    String a = authenticated.toLowerCase(Locale.ROOT);
    if (strict) {
      return a.equals(from);
    }
    return OrganizationalDomain.of(a).orElse(a).equals(OrganizationalDomain.of(from).orElse(from));
  }

  /** An outcome without a policy to apply: no record, several, a broken one, or no answer. */
  private static DmarcOutcome outcome(DmarcResult result, String from, String recordDomain, List<String> lookups,
      String why) {
    return new DmarcOutcome(result, from, Optional.ofNullable(recordDomain), Optional.empty(), DmarcPolicy.NONE,
        DmarcPolicy.NONE, false, false, Optional.empty(), lookups, why);
  }

  private Discovery discover(String domain, long deadline, List<String> lookups) {
    String name = "_dmarc." + domain;
    if (name.length() > 253) {
      return new Discovery(Discovery.Kind.NOTHING, domain, null, "");
    }
    DnsAnswer answer = resolver.lookupBy(name, DnsType.TXT, deadline);
    lookups.add("TXT " + name + ": " + answer.summary());
    if (!answer.status().isDefinite()) {
      return new Discovery(Discovery.Kind.UNANSWERED, domain, null, "");
    }
    List<String> claimed = answer.recordsOf(DnsRecord.Txt.class).stream().map(DnsRecord.Txt::text)
        .filter(DmarcRecord::claims).toList();
    if (claimed.isEmpty()) {
      return new Discovery(Discovery.Kind.NOTHING, domain, null, "");
    }
    if (claimed.size() > 1) {
      return new Discovery(Discovery.Kind.SEVERAL, domain, null, "");
    }
    try {
      return new Discovery(Discovery.Kind.FOUND, domain, DmarcRecord.parse(claimed.getFirst()), "");
    } catch (IllegalArgumentException e) {
      return new Discovery(Discovery.Kind.BROKEN, domain, null, e.getMessage());
    }
  }

  private record Discovery(Kind kind, String domain, DmarcRecord record, String problem) {
    enum Kind { FOUND, NOTHING, SEVERAL, BROKEN, UNANSWERED }
  }
}
