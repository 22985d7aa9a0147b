package org.portcullis.policy.checks;

import java.util.Optional;
import org.portcullis.mail.EmailAddress;
import org.portcullis.mail.EnhancedStatus;
import org.portcullis.policy.CheckContext;
import org.portcullis.policy.Phase;
import org.portcullis.policy.RefusalKind;
import org.portcullis.policy.Verdict;
import org.portcullis.probe.RetryProbes;

/**
 * {@code retry-probe}: mail to a retry probe of "test your server"
 * ({@code probe-<token>@<diagnose.probe-domain>}) is greylisted once and its retry accepted, every
 * attempt recorded for the probe's page; the message itself is discarded, never delivered.
 *
 * <p>Phase RCPT, right after relay control, every client. No lookups: one store read and write.
 * Verdicts: 451 4.7.1 for the first attempt and a retry before {@code diagnose.probe-delay-seconds};
 * accepted after it (the rest of the RCPT checks, greylisting among them, are not asked: the probe
 * is the greylisting); 550 5.1.1 for a probe that does not exist or expired; 451 4.3.0 when the
 * store fails. Other recipients are not looked at.
 */
public final class RetryProbeCheck extends CatalogCheck {

  public static final String NAME = RetryProbes.CHECK;

  private final RetryProbes probes;

  /** @param probes empty: no probe domain ({@code diagnose.probe-domain} unset) and the check has no opinion */
  public RetryProbeCheck(Optional<RetryProbes> probes) {
    super(NAME, Judges.EVERYONE, Phase.RCPT);
    this.probes = probes.orElse(null);
  }

  @Override
  protected Verdict judge(CheckContext context) {
    if (probes == null || context.recipient().isEmpty()) {
      return Verdict.CONTINUE;
    }
    EmailAddress rcpt = context.recipient().get().address();
    Optional<String> token = probes.tokenOf(rcpt);
    if (token.isEmpty()) {
      return Verdict.CONTINUE;
    }
    String helo = context.session().helo().map(org.portcullis.mail.HeloName::raw).orElse("");
    RetryProbes.Answer answer;
    try {
      answer = probes.rcpt(token.get(), context.session().client().addressText(), helo);
    } catch (RuntimeException e) {
      return new Verdict.Tempfail(RefusalKind.LOCAL_ERROR, EnhancedStatus.parse("4.3.0"),
          "the retry probe cannot be read just now; try again later", Observed.client(context).fact("recipient",
              "<" + rcpt + ">").rule("The store holding the retry probes did not answer; an unknown answer is never "
              + "taken as a pass.", "Nothing to do: your server retries."));
    }
    return switch (answer) {
      case RetryProbes.Answer.Unknown u -> Verdict.reject("5.1.1", "Recipient address rejected: <" + rcpt
          + "> is not a retry probe, or it expired", Observed.client(context).fact("recipient", "<" + rcpt + ">")
          .rule("Retry probe addresses are handed out by the \"Test your server\" page and work for 24 hours.",
              "Ask the page for a new probe address."));
      case RetryProbes.Answer.Deferred d -> new Verdict.Tempfail(RefusalKind.LOCAL_ERROR, EnhancedStatus.parse("4.7.1"),
          "Greylisted: this is a retry probe; retry in " + Math.max(1, d.retryAfter().toSeconds()) + " seconds, as "
              + "your server would", Observed.client(context).fact("recipient", "<" + rcpt + ">").rule(
                  "This address tests whether your server retries a temporary failure as RFC 5321 4.5.4.1 "
                      + "requires: its first attempt is deferred, like greylisting does, and a retry is accepted.",
                  "Nothing to do: let your server retry, then look at the probe's page."));
      case RetryProbes.Answer.Accepted a -> new Verdict.Accept("a retry to probe " + token.get());
    };
  }
}
