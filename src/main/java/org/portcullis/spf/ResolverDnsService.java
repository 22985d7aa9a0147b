package org.portcullis.spf;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.james.jspf.core.DNSRequest;
import org.apache.james.jspf.core.DNSService;
import org.portcullis.dns.DnsAnswer;
import org.portcullis.dns.DnsRecord;
import org.portcullis.dns.DnsResolver;
import org.portcullis.dns.DnsStatus;
import org.portcullis.dns.DnsType;

/**
 * jSPF's DNS service answered from our own {@link DnsResolver} (its cache, its timeouts, NXDOMAIN
 * apart from SERVFAIL), for one evaluation. It answers the obsolete type-99 SPF query empty without
 * asking (RFC 7208 3.1 removed it), and counts what RFC 7208 4.6.4 limits and jSPF does not: more
 * than two lookups that return nothing (void lookups) end the evaluation with a permanent error.
 * Not thread-safe: one per evaluation.
 */
final class ResolverDnsService implements DNSService {

  /** RFC 7208 4.6.4: the void lookups an evaluation may make. */
  static final int VOID_LOOKUPS_MAX = 2;
  /** RFC 7208 4.6.4: DNS queries beyond this many in one evaluation are a permanent error. */
  static final int QUERIES_MAX = 30;

  /** RFC 7208 4.6.4: DNS-querying terms (include, a, mx, ptr, exists, redirect) an evaluation may have. */
  static final int TERMS_MAX = 10;
  /** RFC 7208 4.6.4: MX names an {@code mx} term may look up. */
  static final int MX_NAMES_MAX = 10;
  private static final java.util.regex.Pattern QUERYING_TERM = java.util.regex.Pattern.compile(
      "(?i)^[-+~?]?(a|mx|ptr|exists|include)([:/].*)?$|^redirect=.*");

  private final DnsResolver resolver;
  private final long deadlineNanos;
  private final List<String> lookups = new ArrayList<>();
  /** The first SPF record seen at each name, for explanations. */
  private final java.util.Map<String, String> records = new java.util.HashMap<>();
  private int voidLookups;
  private int queries;
  private int terms;
  /** Why the evaluation is a permanent error whatever jSPF concluded (a limit passed). */
  private String limitPassed;
  /** The queries that got no answer (timeout, SERVFAIL), by their place in {@link #lookups}. */
  private final List<Integer> unanswered = new ArrayList<>();
  private final List<DnsType> types = new ArrayList<>();

  /** @param deadlineNanos when the whole evaluation must be over ({@link System#nanoTime()}) */
  ResolverDnsService(DnsResolver resolver, long deadlineNanos) {
    this.resolver = resolver;
    this.deadlineNanos = deadlineNanos;
  }

  /** The queries made so far, with what each gave. */
  /** The SPF record the evaluation found at {@code name}, or empty. */
  String record(String name) {
    return records.getOrDefault(name.toLowerCase(java.util.Locale.ROOT), "");
  }

  List<String> lookups() {
    return List.copyOf(lookups);
  }

  /**
   * Why the evaluation must be a permanent error (RFC 7208 4.6.4): jSPF counts none of these
   * limits, and an exception thrown through it is not always let out, so the evaluator asks here.
   */
  java.util.Optional<String> limitPassed() {
    return java.util.Optional.ofNullable(limitPassed);
  }

  /**
   * Whether a query that matters got no answer: jSPF takes a failed lookup in some places (an
   * {@code exists} term, the policy's own TXT record) for "no match" or "no policy", where RFC 7208
   * 4.4 and 5 say temperror. After a fail, the last TXT query may be the explanation's
   * ({@code exp=}), whose failure only loses the explanation (RFC 7208 6.2).
   */
  boolean unansweredQueryMatters(boolean failed) {
    int last = lookups.size() - 1;
    return unanswered.stream().anyMatch(i -> !(failed && i == last && types.get(i) == DnsType.TXT));
  }

  private List<String> limit(String why) {
    if (limitPassed == null) {
      limitPassed = why;
    }
    return null; // nothing more is looked up; the result is permerror anyway
  }

  @Override
  public List<String> getRecords(DNSRequest request) throws org.apache.james.jspf.core.exceptions.TimeoutException {
    if (request.getRecordType() == DNSRequest.SPF) {
      return null; // RFC 7208 3.1: type SPF is not asked; TXT is
    }
    DnsType type = type(request.getRecordType());
    String name = request.getHostname();
    if (limitPassed != null) {
      return null;
    }
    if (++queries > QUERIES_MAX) {
      return limit("more than " + QUERIES_MAX + " DNS queries (RFC 7208 4.6.4)");
    }
    DnsAnswer answer = resolver.lookupBy(stripDot(name), type, deadlineNanos);
    lookups.add(type + " " + stripDot(name) + ": " + answer.summary());
    types.add(type);
    DnsStatus status = answer.status();
    if (!status.isDefinite()) {
      unanswered.add(lookups.size() - 1);
      throw new org.apache.james.jspf.core.exceptions.TimeoutException(type + " " + name + ": " + status);
    }
    if (status.isEmptyAnswer() || answer.records().isEmpty()) {
      // Only the terms' address, MX and PTR queries count: a policy that is missing (the first TXT
      // query, include, redirect) is an answer of its own, and exp= must not count (RFC 7208 4.6.4).
      if (type != DnsType.TXT && ++voidLookups > VOID_LOOKUPS_MAX) {
        return limit("more than " + VOID_LOOKUPS_MAX + " lookups returned nothing (RFC 7208 4.6.4)");
      }
      return null;
    }
    if (type == DnsType.MX && answer.records().size() > MX_NAMES_MAX) {
      return limit(name + " has more than " + MX_NAMES_MAX + " MX names (RFC 7208 4.6.4)");
    }
    List<String> out = new ArrayList<>(answer.records().size());
    for (DnsRecord r : answer.records()) {
      switch (r) {
        case DnsRecord.Address a -> out.add(a.address().getHostAddress());
        case DnsRecord.Name n -> out.add(n.name());
        case DnsRecord.Mx mx -> out.add(mx.exchange());
        case DnsRecord.Txt txt -> {
          countTerms(txt.text());
          if (txt.text().regionMatches(true, 0, "v=spf1", 0, 6)) {
            records.putIfAbsent(stripDot(name).toLowerCase(java.util.Locale.ROOT), txt.text());
          }
          out.add(txt.text());
        }
        default -> { }
      }
    }
    return out;
  }

  /** Counts the DNS-querying terms of an SPF record fetched (RFC 7208 4.6.4), before they are evaluated. */
  private void countTerms(String text) {
    if (!text.regionMatches(true, 0, "v=spf1", 0, 6)) {
      return; // not a policy (an explanation, another TXT record)
    }
    for (String term : text.split(" +")) {
      if (QUERYING_TERM.matcher(term).matches()) {
        terms++;
      }
    }
    if (terms > TERMS_MAX) {
      limit("more than " + TERMS_MAX + " terms that look DNS up (RFC 7208 4.6.4)");
    }
  }

  @Override
  public CompletionStage<List<String>> getRecordsAsync(DNSRequest request) {
    try {
      return CompletableFuture.completedFuture(getRecords(request));
    } catch (org.apache.james.jspf.core.exceptions.TimeoutException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  private static DnsType type(int jspfType) {
    if (jspfType == DNSRequest.A) {
      return DnsType.A;
    }
    if (jspfType == DNSRequest.AAAA) {
      return DnsType.AAAA;
    }
    if (jspfType == DNSRequest.MX) {
      return DnsType.MX;
    }
    if (jspfType == DNSRequest.PTR) {
      return DnsType.PTR;
    }
    return DnsType.TXT;
  }

  private static String stripDot(String name) {
    return name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
  }

  @Override
  public List<String> getLocalDomainNames() {
    return List.of();
  }

  @Override
  public void setTimeOut(int seconds) {
    // our resolver and the evaluation's deadline bound every query
  }

  @Override
  public int getRecordLimit() {
    return 10;
  }

  @Override
  public void setRecordLimit(int limit) {
    // RFC 7208's limits are ours to keep (above)
  }
}
