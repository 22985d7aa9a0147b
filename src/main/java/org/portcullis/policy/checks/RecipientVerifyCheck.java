package org.portcullis.policy.checks;

import java.time.Duration;
import java.util.Optional;
import org.portcullis.mail.EmailAddress;
import org.portcullis.mail.EnhancedStatus;
import org.portcullis.policy.CheckContext;
import org.portcullis.policy.LocalSite;
import org.portcullis.policy.Phase;
import org.portcullis.policy.RefusalKind;
import org.portcullis.policy.Verdict;
import org.portcullis.verify.AddressVerifier;
import org.portcullis.verify.Verification;

/**
 * {@code recipient-verify}: before a recipient of our domains is accepted, the server we relay
 * them to is asked whether it exists ({@code verify.recipients = "callout"}: {@code MAIL FROM:<>}
 * and RCPT, never DATA) or the directory is ({@code "ldap"}), as Postfix's
 * {@code reject_unverified_recipient} does. A recipient that does not exist is refused here, so that
 * the sending server tells the sender and we never bounce (no backscatter).
 *
 * <p>Phase RCPT, every client (the LAN's mail to our own domains too). Lookups: the callout or the
 * directory query, cached ({@code verify.*-ttl-*}), within {@code verify.timeout-seconds}.
 * Verdicts: 550 5.1.1 with the next hop's own answer among the facts; no answer, a 4xx or an outage
 * is 450 4.4.3, never a pass and never a 550.
 */
public final class RecipientVerifyCheck extends CatalogCheck {

  public static final String NAME = "recipient-verify";

  private final LocalSite site;
  private final AddressVerifier verifier;
  private final Duration timeout;
  private final org.portcullis.verify.NetworkShare share;

  /** @param verifier empty: recipients are not verified ({@code verify.recipients = "off"}) */
  public RecipientVerifyCheck(LocalSite site, Optional<AddressVerifier> verifier, Duration timeout,
      org.portcullis.verify.NetworkShare share) {
    this.share = share;
    super(NAME, Judges.EVERYONE, Phase.RCPT);
    this.site = site;
    this.verifier = verifier.orElse(null);
    this.timeout = timeout;
  }

  @Override
  protected Verdict judge(CheckContext context) {
    if (verifier == null || context.recipient().isEmpty()) {
      return Verdict.CONTINUE;
    }
    EmailAddress rcpt = context.recipient().get().address();
    if (!site.isAcceptedDomain(rcpt.domain())) {
      return Verdict.CONTINUE;
    }
    java.util.Optional<Verification> asked = share.ask(context.session().client().address(), verifier, rcpt,
        System.nanoTime() + timeout.toNanos());
    if (asked.isEmpty()) {
      return new Verdict.Tempfail(RefusalKind.POLICY, EnhancedStatus.parse("4.4.3"), "Recipient address rejected: <"
          + rcpt + "> cannot be verified now: too many verifications from your network at once; try again later",
          Observed.client(context).fact("recipient", "<" + rcpt + ">").rule("Each client network may have only a share of "
              + "this server's verifications running at once, so that one sender cannot hold up everyone's mail.",
              "Nothing to do: your server retries."));
    }
    return switch (asked.get()) {
      case Verification.Exists e -> Verdict.CONTINUE;
      case Verification.Missing m -> Verdict.reject("5.1.1", "Recipient address rejected: <" + rcpt
          + "> does not exist here", Observed.client(context).fact("recipient", "<" + rcpt + ">")
          .fact("asked", m.source()).fact("answer", m.detail()).rule(
              "Before accepting a recipient, this gateway asks the mail server behind it whether the address "
                  + "exists. That server said it does not, so the recipient is refused now and the sending server, "
                  + "not this one, tells the sender (no backscatter).",
              "Check the recipient address for typing errors, or ask the recipient for their current address."));
      case Verification.Unknown u -> new Verdict.Tempfail(RefusalKind.POLICY, EnhancedStatus.parse("4.4.3"),
          "Recipient address rejected: <" + rcpt + "> cannot be verified now; try again later",
          Observed.client(context).fact("recipient", "<" + rcpt + ">").fact("asked", u.source())
              .fact("answer", u.detail()).rule(
                  "Before accepting a recipient, this gateway asks the mail server behind it whether the address "
                      + "exists. That server did not answer definitely (it was unreachable, slow or answered "
                      + "with a temporary error), and an unknown answer is never taken as a pass.",
                  "Nothing to do: your server retries, and the recipient is accepted once the check answers."));
    };
  }
}
