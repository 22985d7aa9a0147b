package org.portcullis.policy.checks;

import org.portcullis.mail.EnhancedStatus;
import org.portcullis.mail.LogText;
import org.portcullis.policy.CheckContext;
import org.portcullis.policy.Explanation;
import org.portcullis.policy.Phase;
import org.portcullis.policy.ProtocolCheck;
import org.portcullis.policy.ProtocolProblem;
import org.portcullis.policy.RefusalKind;
import org.portcullis.policy.Verdict;

/**
 * {@code sender-login}: on the submission listener a logged-in user sends only as an address the
 * account owns (Postfix's {@code reject_sender_login_mismatch}, RFC 6409 6.1), and mail with the
 * null sender only to our own domains. It may be set to observe while accounts' addresses are
 * being filled in (Postfix's {@code warn_if_reject}), or off.
 *
 * <p>Phases MAIL and RCPT, asked by the submission listener. Verdict: 553 5.7.1 at MAIL; 550 5.7.1
 * at RCPT for the null sender.
 */
public final class SenderLoginCheck extends CatalogCheck implements ProtocolCheck {

  public static final String NAME = ProtocolProblem.SenderNotOwned.CHECK;

  public SenderLoginCheck() {
    super(NAME, Judges.EVERYONE, Phase.MAIL, Phase.RCPT);
  }

  @Override
  protected Verdict judge(CheckContext context) {
    return switch (context.problem().orElse(null)) {
      case ProtocolProblem.SenderNotOwned p -> new Verdict.Reject(RefusalKind.MAILBOX_NAME, EnhancedStatus.parse("5.7.1"),
          "Sender address rejected: not owned by user " + p.user(),
          Explanation.builder().fact("logged in as", p.user()).fact("MAIL FROM given", LogText.escape(p.given(), 300))
              .fact("why", p.why())
              .rule("On the submission port a user may only send as the addresses their account owns, so that one "
                      + "account (or a stolen password) cannot forge mail from another user or domain (RFC 6409 6.1).",
                  "Send from one of your own addresses, or ask the administrator to add this address to your "
                      + "account (portcullis user senders)."));
      case ProtocolProblem.NullSenderToRemote p -> new Verdict.Reject(RefusalKind.POLICY, EnhancedStatus.parse("5.7.1"),
          "Sender address rejected: the null sender <> may only write to this server's own domains",
          Explanation.builder().fact("logged in as", p.user()).fact("MAIL FROM given", "<>")
              .fact("recipient", "<" + p.recipient().address() + ">")
              .rule("The null sender is for delivery reports, which mail servers send; mail from a logged-in user to "
                      + "other domains must name a sender its account owns, so replies and bounces reach someone "
                      + "(RFC 5321 4.5.5, RFC 6409 6.1).",
                  "Send with one of your own addresses as the sender. Mail programs that send read receipts or "
                      + "vacation replies with an empty sender must be set to use the account's address."));
      case null, default -> Verdict.CONTINUE;
    };
  }
}
