package org.portcullis.spf;

import java.net.InetAddress;
import java.time.Duration;
import java.util.Optional;
import org.apache.james.jspf.executor.SPFResult;
import org.apache.james.jspf.impl.SPF;
import org.portcullis.dns.DnsResolver;

/**
 * RFC 7208 evaluation of one identity, with Apache jSPF as the record parser and term evaluator
 * and our {@link DnsResolver} for every query ({@link ResolverDnsService}): the cache and timeouts
 * the rest of the gateway uses, and the limits of RFC 7208 4.6.4. An answer that does not come in
 * time is temperror, never a pass. Thread-safe: each evaluation has its own DNS service.
 */
public final class SpfEvaluator {

  /** The explanation of a fail whose domain gives none ({@code exp=}) or an unusable one. */
  public static final String DEFAULT_EXPLANATION = "";

  /** The evaluation running on this thread: jSPF's parser is built once and asks through it. */
  private static final ScopedValue<ResolverDnsService> CURRENT = ScopedValue.newInstance();

  private final DnsResolver resolver;
  private final Duration timeout;
  /** Built once (jSPF wires its terms with reflection): evaluations run on the caller's thread. */
  private final SPF spf;

  /** @param timeout the longest one evaluation may take, all its queries included */
  public SpfEvaluator(DnsResolver resolver, Duration timeout) {
    this.resolver = resolver;
    this.timeout = timeout;
    this.spf = wired(new CurrentDnsService());
    spf.setDefaultExplanation(DEFAULT_EXPLANATION);
  }

  /**
   * jSPF's {@code new SPF(dns)}, with its parser behind a cache ({@link CachingRecordParser}): the
   * same wiring (DNS service, macro expansion, the checker include and redirect call back into).
   */
  private static SPF wired(org.apache.james.jspf.core.DNSService dns) {
    org.apache.james.jspf.wiring.WiringServiceTable wiring = new org.apache.james.jspf.wiring.WiringServiceTable();
    wiring.put(org.apache.james.jspf.core.DNSServiceEnabled.class, dns);
    org.apache.james.jspf.core.MacroExpand macros = new org.apache.james.jspf.core.MacroExpand(dns);
    wiring.put(org.apache.james.jspf.core.MacroExpandEnabled.class, macros);
    CachingRecordParser parser = new CachingRecordParser(new org.apache.james.jspf.parser.RFC4408SPF1Parser(
        new org.apache.james.jspf.impl.DefaultTermsFactory(wiring)));
    // include: and redirect= call back into the SPF being built; jSPF wires itself the same way.
    SpfCheckerHolder self = new SpfCheckerHolder();
    wiring.put(org.apache.james.jspf.core.SPFCheckEnabled.class, self);
    SPF spf = new SPF(dns, parser, macros, new org.apache.james.jspf.executor.AsynchronousSPFExecutor(dns));
    self.checker = spf;
    return spf;
  }

  /** The SPF instance include and redirect terms call, set once it exists. */
  private static final class SpfCheckerHolder implements org.apache.james.jspf.core.SPFChecker {
    private volatile org.apache.james.jspf.core.SPFChecker checker;

    @Override
    public org.apache.james.jspf.core.DNSLookupContinuation checkSPF(org.apache.james.jspf.core.SPFSession session)
        throws org.apache.james.jspf.core.exceptions.PermErrorException,
        org.apache.james.jspf.core.exceptions.TempErrorException,
        org.apache.james.jspf.core.exceptions.NeutralException, org.apache.james.jspf.core.exceptions.NoneException {
      return checker.checkSPF(session);
    }
  }

  /** jSPF's DNS service for the shared parser: the current evaluation's {@link ResolverDnsService}. */
  private static final class CurrentDnsService implements org.apache.james.jspf.core.DNSService {
    @Override
    public java.util.List<String> getRecords(org.apache.james.jspf.core.DNSRequest request)
        throws org.apache.james.jspf.core.exceptions.TimeoutException {
      return CURRENT.get().getRecords(request);
    }

    @Override
    public java.util.concurrent.CompletionStage<java.util.List<String>> getRecordsAsync(
        org.apache.james.jspf.core.DNSRequest request) {
      return CURRENT.get().getRecordsAsync(request);
    }

    @Override
    public java.util.List<String> getLocalDomainNames() {
      return java.util.List.of();
    }

    @Override
    public void setTimeOut(int seconds) {
      // each evaluation has its deadline
    }

    @Override
    public int getRecordLimit() {
      return 10;
    }

    @Override
    public void setRecordLimit(int limit) {
      // RFC 7208's limits are ResolverDnsService's
    }
  }

  /**
   * Evaluates the MAIL FROM identity ({@code postmaster@<helo>} for the null sender, RFC 7208 2.4).
   *
   * @param sender the MAIL FROM address, or empty for {@code <>}
   */
  public SpfOutcome mailFrom(InetAddress client, String sender, String helo) {
    String identity = sender.isEmpty() ? "postmaster@" + helo : sender;
    return evaluate(client, identity, helo, "mailfrom");
  }

  /** Evaluates the HELO identity (RFC 7208 2.3). */
  public SpfOutcome helo(InetAddress client, String helo) {
    return evaluate(client, "", helo, "helo");
  }

  private SpfOutcome evaluate(InetAddress client, String sender, String helo, String identity) {
    String domain = sender.isEmpty() ? helo : sender.substring(sender.lastIndexOf('@') + 1);
    ResolverDnsService dns = new ResolverDnsService(resolver, System.nanoTime() + timeout.toNanos());
    try {
      SPFResult result = ScopedValue.where(CURRENT, dns).call(() -> spf.checkSPF(client.getHostAddress(), sender, helo));
      Optional<String> limit = dns.limitPassed();
      if (limit.isPresent()) {
        return new SpfOutcome(SpfResult.PERMERROR, identity, domain, limit.get(), dns.lookups(), dns.record(domain));
      }
      SpfResult outcome = SpfResult.ofLabel(result.getResult());
      if (outcome != SpfResult.TEMPERROR && outcome != SpfResult.PERMERROR
          && dns.unansweredQueryMatters(outcome == SpfResult.FAIL)) {
        return new SpfOutcome(SpfResult.TEMPERROR, identity, domain, "a DNS lookup got no answer", dns.lookups(),
            dns.record(domain));
      }
      String explanation = result.getExplanation() == null ? "" : result.getExplanation();
      return new SpfOutcome(outcome, identity, domain, outcome == SpfResult.FAIL ? explanation : "", dns.lookups(),
          dns.record(domain));
    } catch (RuntimeException e) {
      return new SpfOutcome(SpfResult.TEMPERROR, identity, domain, "evaluation failed: " + e, dns.lookups(),
          dns.record(domain));
    }
  }

  /**
   * The term of the domain's record that decided a pass, fail, softfail or neutral, for
   * explanations ({@link MatchedTerm}); asked again through the resolver, whose cache holds what the
   * evaluation fetched. Empty for other results or when it cannot be told.
   */
  public Optional<String> matchedTerm(InetAddress client, SpfOutcome outcome) {
    if (outcome.record().isEmpty() || outcome.result() == SpfResult.NONE || outcome.result() == SpfResult.TEMPERROR
        || outcome.result() == SpfResult.PERMERROR) {
      return Optional.empty();
    }
    MatchedTerm terms = new MatchedTerm(resolver, System.nanoTime() + timeout.toNanos());
    return terms.find(outcome.record(), outcome.domain(), client,
        include -> evaluate(client, "postmaster@" + include, include, "include").result() == SpfResult.PASS);
  }
}
