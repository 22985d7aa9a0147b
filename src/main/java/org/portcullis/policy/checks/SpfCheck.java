package org.portcullis.policy.checks;

import java.util.Optional;
import org.portcullis.auth.Resinfo;
import org.portcullis.mail.EnhancedStatus;
import org.portcullis.mail.HeloName;
import org.portcullis.mail.MailPath;
import org.portcullis.policy.CheckContext;
import org.portcullis.policy.Explanation;
import org.portcullis.policy.Phase;
import org.portcullis.policy.RefusalKind;
import org.portcullis.policy.TransactionFacts;
import org.portcullis.policy.Verdict;
import org.portcullis.spf.ReceivedSpf;
import org.portcullis.spf.SpfEvaluator;
import org.portcullis.spf.SpfOutcome;

/**
 * {@code spf}: the sender's domain says which servers may send its mail (RFC 7208). Evaluates the
 * MAIL FROM identity ({@code postmaster@<HELO>} for the null sender) and the HELO name once per
 * transaction and records the results in a Received-SPF header (MAIL FROM) and in
 * Authentication-Results (both). A fail is recorded and left to DMARC (RFC 7489
 * 10.1) unless {@code spf.on-fail = "reject"}, which refuses fail (550 5.7.23) and a broken policy
 * (550 5.7.24); softfail, neutral and none are only recorded; a lookup that did not answer is a
 * temporary failure (451 4.7.24, RFC 7372), never a pass.
 *
 * <p>Phase MAIL. Lookups: the sender domain's TXT policy and what its terms ask, through the
 * gateway's resolver. LAN and authenticated clients are not judged.
 */
public final class SpfCheck extends CatalogCheck {

  public static final String NAME = "spf";

  private final SpfEvaluator evaluator;
  private final boolean rejectFail;
  private final boolean checkHelo;
  private final String receiver;

  /**
   * @param evaluator empty: SPF is off ({@code spf.enabled = false}) and the check has no opinion
   * @param rejectFail {@code spf.on-fail = "reject"}
   * @param checkHelo {@code spf.check-helo}: evaluate the HELO identity too
   * @param receiver our host name, for the header
   */
  public SpfCheck(Optional<SpfEvaluator> evaluator, boolean rejectFail, boolean checkHelo, String receiver) {
    super(NAME, Judges.STRANGERS, Phase.MAIL);
    this.checkHelo = checkHelo;
    this.evaluator = evaluator.orElse(null);
    this.rejectFail = rejectFail;
    this.receiver = receiver;
  }

  @Override
  protected Verdict judge(CheckContext context) {
    Optional<MailPath> path = context.session().sender();
    if (evaluator == null || path.isEmpty()) {
      return Verdict.CONTINUE;
    }
    String sender = path.get().isNull() ? "" : path.get().address().toString();
    String helo = context.session().helo().map(HeloName::raw).orElse("");
    SpfOutcome outcome = evaluator.mailFrom(context.session().client().address(), sender, helo);
    // RFC 7208 2.3: the HELO identity too, when it is a name and not what MAIL FROM already asked.
    Optional<SpfOutcome> heloOutcome = !checkHelo || sender.isEmpty() || context.session().helo().map(h -> !h.isDomain()).orElse(true)
        ? Optional.empty() : Optional.of(evaluator.helo(context.session().client().address(), helo));
    record(context.session().facts(), outcome, heloOutcome, sender.isEmpty() ? "postmaster@" + helo : sender, helo);
    String domain = outcome.domain();
    String ip = context.session().client().addressText();
    return switch (outcome.result()) {
      case FAIL -> rejectFail ? new Verdict.Reject(RefusalKind.POLICY, EnhancedStatus.parse("5.7.23"),
          "SPF: " + domain + " does not authorise [" + ip + "] to send its mail"
              + (outcome.explanation().isBlank() ? "" : ": " + outcome.explanation()),
          facts(context, outcome).rule("The sender's domain publishes an SPF policy (RFC 7208) naming the servers "
                  + "that may send its mail, and this server is not one of them: the sender address is forged, or "
                  + "the mail took a path the domain did not plan for.",
              "If you sent this mail, send it through your domain's own mail server, or ask the administrator of "
                  + domain + " to add " + ip + " to its SPF record. If the mail was forwarded, ask the forwarder "
                  + "to rewrite the sender (SRS).")) : annotate(context, outcome, sender, helo);
      case PERMERROR -> rejectFail ? new Verdict.Reject(RefusalKind.POLICY, EnhancedStatus.parse("5.7.24"),
          "SPF: the policy of " + domain + " cannot be evaluated: " + outcome.explanation(),
          facts(context, outcome).rule("The sender's domain publishes an SPF policy that is broken (a syntax error, "
                  + "too many lookups, several records): RFC 7208 makes that a permanent error, and this server "
                  + "refuses mail it cannot authorise.",
              "The administrator of " + domain + " must fix its SPF record; check it with any SPF validator.")) 
          : annotate(context, outcome, sender, helo);
      case TEMPERROR -> new Verdict.Tempfail(RefusalKind.LOCAL_ERROR, EnhancedStatus.parse("4.7.24"),
          "SPF: the policy of " + domain + " could not be looked up; try again later",
          facts(context, outcome).rule("The DNS lookups of the sender domain's SPF policy did not answer in time. "
                  + "An unknown result is never taken as a pass: the server answers with a temporary failure "
                  + "(RFC 7208 2.6.6, RFC 7372).",
              "Nothing to do if the DNS of " + domain + " is healthy: the sending server retries. If it keeps "
                  + "failing, check that the name servers of " + domain + " answer."));
      default -> annotate(context, outcome, sender, helo);
    };
  }

  /** The outcome for DMARC, and both identities' results for Authentication-Results (RFC 8601 2.7.2). */
  private static void record(TransactionFacts facts, SpfOutcome outcome, Optional<SpfOutcome> heloOutcome,
      String mailFrom, String helo) {
    facts.put(SpfOutcome.class, outcome);
    facts.authenticated(Resinfo.of("spf", outcome.result().label()).comment(outcome.explanation())
        .property("smtp.mailfrom", mailFrom).toString());
    heloOutcome.ifPresent(h -> facts.authenticated(Resinfo.of("spf", h.result().label()).comment(h.explanation())
        .property("smtp.helo", helo).toString()));
  }

  private Verdict annotate(CheckContext context, SpfOutcome outcome, String sender, String helo) {
    return new Verdict.Annotate(ReceivedSpf.FIELD,
        ReceivedSpf.value(outcome, context.session().client().address(), sender, helo, receiver));
  }

  private Explanation.Builder facts(CheckContext context, SpfOutcome outcome) {
    Explanation.Builder facts = Observed.client(context).fact("identity", outcome.identity())
        .fact("domain", outcome.domain()).fact("result", outcome.result().label());
    if (!outcome.record().isEmpty()) {
      facts.fact("SPF record of " + outcome.domain(), outcome.record());
    }
    // Only on the way to a refusal: the walk asks the resolver again (its cache holds the answers).
    evaluator.matchedTerm(context.session().client().address(), outcome)
        .ifPresent(term -> facts.fact("the term that decided", term));
    int n = 1;
    for (String lookup : outcome.lookups()) {
      facts.fact("lookup " + n++, lookup);
    }
    return facts;
  }
}
