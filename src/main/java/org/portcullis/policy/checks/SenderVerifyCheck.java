package org.portcullis.policy.checks;

import java.time.Duration;
import java.util.Optional;
import org.portcullis.mail.EmailAddress;
import org.portcullis.mail.EnhancedStatus;
import org.portcullis.mail.MailPath;
import org.portcullis.policy.CheckContext;
import org.portcullis.policy.LocalSite;
import org.portcullis.policy.Phase;
import org.portcullis.policy.RefusalKind;
import org.portcullis.policy.Verdict;
import org.portcullis.verify.AddressVerifier;
import org.portcullis.verify.Verification;

/**
 * {@code sender-verify} (off unless {@code verify.sender = true}): the sender domain's mail server is
 * asked whether the sender address exists, by a callout ({@code MAIL FROM:<>} and RCPT to the
 * sender, never DATA; RFC 5321 4.5.1 and 4.5.5 oblige it to accept the null sender), from the
 * address our own mail to that domain leaves from (seed 001). A made-up sender whose domain says it
 * does not exist cannot receive a bounce, and its mail is refused.
 *
 * <p>Phase RCPT, so that the callout runs once a transaction has a recipient and after the cheaper
 * checks; strangers only; the null sender and our own domains are not verified. Verdicts: 550 5.1.7
 * for a definite "no such user" (or a domain that takes no mail); a 4xx to the callout (the other
 * side greylisting us), a timeout or an unreachable server is 450 4.1.7, never a 5xx: the answer is
 * kept a minute only, so the sender's retry calls out again.
 */
public final class SenderVerifyCheck extends CatalogCheck {

  public static final String NAME = "sender-verify";

  private final LocalSite site;
  private final AddressVerifier verifier;
  private final Duration timeout;
  private final org.portcullis.verify.NetworkShare share;

  /** @param verifier empty: senders are not verified ({@code verify.sender = false}) */
  public SenderVerifyCheck(LocalSite site, Optional<AddressVerifier> verifier, Duration timeout,
      org.portcullis.verify.NetworkShare share) {
    this.share = share;
    super(NAME, Judges.STRANGERS, Phase.RCPT);
    this.site = site;
    this.verifier = verifier.orElse(null);
    this.timeout = timeout;
  }

  @Override
  protected Verdict judge(CheckContext context) {
    Optional<MailPath> path = context.session().sender();
    if (verifier == null || path.isEmpty() || path.get().isNull()) {
      return Verdict.CONTINUE;
    }
    EmailAddress sender = path.get().address();
    if (site.isAcceptedDomain(sender.domain())) {
      return Verdict.CONTINUE;
    }
    java.util.Optional<Verification> asked = share.ask(context.session().client().address(), verifier, sender,
        System.nanoTime() + timeout.toNanos());
    if (asked.isEmpty()) {
      return new Verdict.Tempfail(RefusalKind.POLICY, EnhancedStatus.parse("4.1.7"), "Sender address rejected: <"
          + sender + "> cannot be verified now: too many verifications from your network at once; try again later",
          Observed.client(context).fact("sender", "<" + sender + ">").rule("Each client network may have only a share of "
              + "this server's verifications running at once, so that one sender cannot hold up everyone's mail.",
              "Nothing to do: your server retries."));
    }
    return switch (asked.get()) {
      case Verification.Exists e -> Verdict.CONTINUE;
      case Verification.Missing m -> Verdict.reject("5.1.7", "Sender address rejected: <" + sender
          + "> does not accept mail", Observed.client(context).fact("sender", "<" + sender + ">")
          .fact("asked", m.source()).fact("answer", m.detail()).rule(
              "This server asks the sender domain's mail server whether the sender address exists (a callout: "
                  + "MAIL FROM:<> and RCPT TO the sender, never a message). It said the address does not, so a "
                  + "reply or a bounce to this sender could never arrive.",
              "Send from an address that receives mail. If the address does exist, the mail server of "
                  + sender.domain() + " must accept RCPT TO:<" + sender + "> from the null sender "
                  + "(RFC 5321 4.5.1, 4.5.5)."));
      case Verification.Unknown u -> new Verdict.Tempfail(RefusalKind.POLICY, EnhancedStatus.parse("4.1.7"),
          "Sender address rejected: <" + sender + "> cannot be verified now; try again later",
          Observed.client(context).fact("sender", "<" + sender + ">").fact("asked", u.source())
              .fact("answer", u.detail()).rule(
                  "This server asks the sender domain's mail server whether the sender address exists. It did not "
                      + "answer definitely (a temporary error such as greylisting, a timeout, no reachable server), "
                      + "and an unknown answer is never taken as a pass. The answer is kept for a minute only, so the "
                      + "callout is made again when your server retries.",
                  "Nothing to do if your server retries. If it keeps failing, make sure the mail servers of "
                      + sender.domain() + " accept connections and RCPT from the null sender."));
    };
  }
}
