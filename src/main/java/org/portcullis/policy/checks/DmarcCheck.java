package org.portcullis.policy.checks;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.DoubleSupplier;
import org.portcullis.auth.Resinfo;
import org.portcullis.dkim.DkimOutcome;
import org.portcullis.dmarc.DmarcEvaluator;
import org.portcullis.dmarc.DmarcOutcome;
import org.portcullis.dmarc.DmarcPolicy;
import org.portcullis.dmarc.DmarcResult;
import org.portcullis.dmarc.DmarcTally;
import org.portcullis.dns.ReverseDns;
import org.portcullis.mail.AuthorAddresses;
import org.portcullis.mail.Cidr;
import org.portcullis.mail.EnhancedStatus;
import org.portcullis.mail.MailPath;
import org.portcullis.policy.CheckContext;
import org.portcullis.policy.Explanation;
import org.portcullis.policy.LocalSite;
import org.portcullis.policy.MessageHeaders;
import org.portcullis.policy.Phase;
import org.portcullis.policy.RefusalKind;
import org.portcullis.policy.Verdict;
import org.portcullis.spf.SpfOutcome;
import org.portcullis.spf.SpfResult;

/**
 * {@code dmarc}: the author domain's policy for mail that fails authentication (RFC 7489). Reads
 * the SPF outcome of the {@code spf} check and the DKIM outcome of the {@code dkim} check (a check
 * that is off authenticated nothing), finds the policy, and records {@code dmarc=} in
 * Authentication-Results. {@code p=reject}: 550 5.7.1; {@code p=quarantine}: a spam tag (the quarantine with {@code dmarc.on-quarantine = "quarantine"}); a policy
 * that could not be looked up: 451 4.4.3. Mail {@code pct} leaves out gets the next lower policy;
 * trusted forwarders and mailing lists ({@code dmarc.trusted-forwarders}, {@code dmarc.mailing-lists})
 * and {@code dmarc.enforce = false} never have mail refused, and the reason is recorded. A message
 * without exactly one From address is refused with 550 5.7.1 (RFC 7489 6.6.1) unless
 * {@code dmarc.require-one-from = false}. Mail only for postmaster@ and the other always-reachable
 * addresses is never refused or tagged here (recorded as {@code local_policy}).
 *
 * <p>Phase END_OF_DATA. Lookups: TXT {@code _dmarc.<From domain>}, then of its organisational
 * domain. LAN and authenticated clients are not judged.
 */
public final class DmarcCheck extends CatalogCheck {

  public static final String NAME = "dmarc";

  /** What the check is told beyond the evaluator. */
  public record Settings(boolean requireOneFrom, boolean enforce, List<String> trustedForwarders,
      List<String> mailingLists, boolean quarantineHolds) {
    public Settings {
      trustedForwarders = List.copyOf(trustedForwarders);
      mailingLists = List.copyOf(mailingLists);
    }

    /** p=quarantine tags (the default). */
    public Settings(boolean requireOneFrom, boolean enforce, List<String> trustedForwarders, List<String> mailingLists) {
      this(requireOneFrom, enforce, trustedForwarders, mailingLists, false);
    }
  }

  private final DmarcEvaluator evaluator;
  private final LocalSite site;
  private final Settings settings;
  private final DoubleSupplier sample;
  private final DmarcTally tally;
  private final Clients forwarders;
  private final Clients lists;

  /**
   * @param evaluator empty: DMARC is off ({@code dmarc.enabled = false})
   * @param sample numbers in [0, 1) for {@code pct} sampling (a seeded source in tests)
   * @param tally counts what aggregate reports need (empty without a store, as in policy-test)
   */
  public DmarcCheck(Optional<DmarcEvaluator> evaluator, LocalSite site, Settings settings, DoubleSupplier sample,
      Optional<DmarcTally> tally) {
    super(NAME, Judges.STRANGERS, Phase.END_OF_DATA);
    this.evaluator = evaluator.orElse(null);
    this.site = site;
    this.settings = settings;
    this.sample = sample;
    this.tally = tally.orElse(null);
    this.forwarders = Clients.of(settings.trustedForwarders());
    this.lists = Clients.of(settings.mailingLists());
  }

  @Override
  protected Verdict judge(CheckContext context) {
    Optional<MessageHeaders> headers = context.session().headers();
    if (evaluator == null || headers.isEmpty()) {
      return Verdict.CONTINUE;
    }
    List<String> fromFields = headers.get().fields().stream().filter(f -> f.name().equalsIgnoreCase("From"))
        .map(MessageHeaders.Field::value).toList();
    List<String> authors = fromFields.size() == 1 ? AuthorAddresses.domains(fromFields.getFirst()) : List.of();
    // postmaster@ and the other always-reachable addresses take mail from anyone (RFC 5321 4.5.1):
    // a sender refused elsewhere must be able to write to us.
    boolean onlyReachable = !context.session().acceptedRecipients().isEmpty()
        && context.session().acceptedRecipients().stream().allMatch(r -> site.isAlwaysReachable(r.address()));
    if (authors.size() != 1) {
      return settings.requireOneFrom() && !onlyReachable ? badFrom(context, fromFields) : Verdict.CONTINUE;
    }
    Optional<String> spfPassed = context.session().facts().get(SpfOutcome.class)
        .filter(o -> o.result() == SpfResult.PASS && o.identity().equals("mailfrom")).map(SpfOutcome::domain);
    List<String> dkimPassed = context.session().facts().get(DkimOutcome.class).map(DkimOutcome::passingDomains)
        .orElse(List.of());
    DmarcOutcome outcome = evaluator.evaluate(authors.getFirst(), spfPassed, dkimPassed, sample.getAsDouble());
    if (outcome.result() == DmarcResult.FAIL && outcome.disposition() != DmarcPolicy.NONE) {
      outcome = onlyReachable ? outcome.overridden("local_policy") : localOverride(context, outcome);
    }
    context.session().facts().put(DmarcOutcome.class, outcome);
    if (tally != null) {
      tally.count(context.clock().instant(), context.session().client().address(), outcome, evidence(context));
    }
    context.session().facts().authenticated(result(outcome));
    return switch (outcome.result()) {
      case TEMPERROR -> new Verdict.Tempfail(RefusalKind.LOCAL_ERROR, EnhancedStatus.parse("4.4.3"),
          "DMARC: the policy of " + outcome.fromDomain() + " could not be looked up; try again later",
          facts(context, outcome).rule("The DNS lookup of the sender domain's DMARC policy did not answer in time. "
              + "An unknown result is never taken as a pass.",
              "Nothing to do if the DNS of " + outcome.fromDomain() + " is healthy: the sending server retries."));
      case FAIL -> switch (outcome.disposition()) {
        case REJECT -> new Verdict.Reject(RefusalKind.POLICY, EnhancedStatus.parse("5.7.1"),
            "DMARC: " + outcome.fromDomain() + " asks that mail failing its authentication be rejected",
            facts(context, outcome).rule(rejectRule(outcome), fix(outcome)));
        case QUARANTINE -> new Verdict.Tag("DMARC: " + outcome.fromDomain() + " asks that mail failing its "
            + "authentication be treated as suspicious", facts(context, outcome).rule(rejectRule(outcome), fix(outcome)),
            settings.quarantineHolds() ? org.portcullis.policy.TagKind.QUARANTINE : org.portcullis.policy.TagKind.SPAM);
        case NONE -> Verdict.CONTINUE;
      };
      default -> Verdict.CONTINUE;
    };
  }

  /** The SPF and DKIM results as they came, for the aggregate report's {@code auth_results}. */
  private static DmarcTally.Evidence evidence(CheckContext context) {
    Optional<SpfOutcome> spf = context.session().facts().get(SpfOutcome.class);
    boolean nullSender = context.session().sender().map(MailPath::isNull).orElse(false);
    List<DmarcTally.Signature> signatures = context.session().facts().get(DkimOutcome.class)
        .map(o -> o.signatures().stream().map(s -> new DmarcTally.Signature(s.domain(), s.selector(), s.result().label()))
            .toList()).orElse(List.of());
    return spf.map(o -> new DmarcTally.Evidence(o.domain(), nullSender ? "helo" : "mfrom", o.result().label(), signatures))
        .orElse(new DmarcTally.Evidence("", "mfrom", "none", signatures));
  }

  /** RFC 7489 11.2: {@code dmarc=fail (p=reject dis=reject) header.from=example.com}. */
  static String result(DmarcOutcome outcome) {
    String comment = outcome.record().map(r -> "p=" + r.policy().label()
        + r.subdomainPolicy().map(sp -> " sp=" + sp.label()).orElse("") + " dis=" + outcome.disposition().label()
        + outcome.override().map(o -> " override=" + o).orElse("")).orElse("");
    return Resinfo.of("dmarc", outcome.result().label()).comment(comment).property("header.from", outcome.fromDomain())
        .toString();
  }

  /** Trusted forwarders and mailing lists, then the operator's own choice not to enforce: never a refusal. */
  private DmarcOutcome localOverride(CheckContext context, DmarcOutcome outcome) {
    if (forwarders.matches(context)) {
      return outcome.overridden("trusted_forwarder");
    }
    if (lists.matches(context)) {
      return outcome.overridden("mailing_list");
    }
    return settings.enforce() ? outcome : outcome.overridden("local_policy");
  }

  /** Clients named by network or by the domain of their forward-confirmed PTR name, parsed once. */
  private record Clients(List<Cidr> networks, List<String> domains) {

    static Clients of(List<String> entries) {
      List<Cidr> networks = entries.stream().filter(Cidr::looksLikeNetwork).map(Cidr::parse).toList();
      List<String> domains = entries.stream().filter(e -> !Cidr.looksLikeNetwork(e))
          .map(e -> e.toLowerCase(Locale.ROOT)).toList();
      return new Clients(networks, domains);
    }

    boolean matches(CheckContext context) {
      if (networks.stream().anyMatch(n -> n.contains(context.session().client().address()))) {
        return true;
      }
      if (domains.isEmpty()) {
        return false;
      }
      Optional<String> name = Optional.ofNullable(context.session().client().reverseDns().getNow(null))
          .flatMap(ReverseDns::confirmedName).map(n -> n.toLowerCase(Locale.ROOT));
      return name.isPresent() && domains.stream().anyMatch(d -> name.get().equals(d) || name.get().endsWith("." + d));
    }
  }

  private static Verdict badFrom(CheckContext context, List<String> fromFields) {
    String found = fromFields.isEmpty() ? "no From field" : fromFields.size() > 1 ? fromFields.size() + " From fields"
        : "a From field without exactly one address";
    return new Verdict.Reject(RefusalKind.POLICY, EnhancedStatus.parse("5.7.1"),
        "DMARC: the message must have exactly one From address; it has " + found,
        Observed.client(context).fact("From fields", fromFields.isEmpty() ? "none" : String.join(" | ", fromFields))
            .rule("The author of a message (its From address) is what DMARC authenticates; a message with no author, "
                + "several From fields or several addresses in one cannot be checked, and is refused (RFC 7489 6.6.1).",
                "Send the message with one From field naming one address."));
  }

  private static Explanation.Builder facts(CheckContext context, DmarcOutcome outcome) {
    Explanation.Builder facts = Observed.client(context).fact("author domain (From)", outcome.fromDomain())
        .fact("DMARC result", outcome.result().label() + ": " + outcome.why());
    outcome.record().ifPresent(r -> facts.fact("policy of " + outcome.recordDomain().orElse(""), r.text()));
    facts.fact("disposition", outcome.disposition().label() + outcome.override().map(o -> " (" + o + ")").orElse(""));
    for (String lookup : outcome.lookups()) {
      facts.fact("lookup", lookup);
    }
    return facts;
  }

  private static String rejectRule(DmarcOutcome outcome) {
    return "The address in the message's From field is at " + outcome.fromDomain() + ". Its owner publishes a DMARC "
        + "policy (RFC 7489) saying how to check that mail really comes from them: either the server that sent it is "
        + "listed in their SPF record (and the envelope sender is at their domain), or the message carries their DKIM "
        + "signature. This message passed neither, so it did not come from " + outcome.fromDomain() + "'s own servers, "
        + "and the owner asks receivers to " + (outcome.disposition() == DmarcPolicy.REJECT ? "refuse it."
            : "treat it as suspicious.");
  }

  private static String fix(DmarcOutcome outcome) {
    return "If you sent this mail, send it through the mail servers of " + outcome.fromDomain() + ": they are in its "
        + "SPF record and sign with its DKIM key. If they did send it, its administrator must add the sending server to "
        + "the SPF record or sign the mail with DKIM. A mailing list or forwarder that changes messages should "
        + "rewrite the From address, or be trusted here (dmarc.trusted-forwarders).";
  }
}
