package org.portcullis.policy.checks;

import org.portcullis.mail.EnhancedStatus;
import org.portcullis.policy.CheckContext;
import org.portcullis.policy.Phase;
import org.portcullis.policy.RefusalKind;
import org.portcullis.policy.Verdict;

/**
 * {@code null-sender}: the null sender {@code <>} is for bounces (delivery status notifications,
 * RFC 5321 4.5.5), and a bounce goes to exactly one recipient (Postfix
 * {@code reject_multi_recipient_bounce}).
 *
 * <p>Phase RCPT. No lookups. Verdict: 550 5.5.3 for the second and later recipients of a
 * null-sender transaction. LAN and authenticated clients are not judged.
 */
public final class NullSenderCheck extends CatalogCheck {

  public static final String NAME = "null-sender";

  public NullSenderCheck() {
    super(NAME, Judges.STRANGERS, Phase.RCPT);
  }

  @Override
  protected Verdict judge(CheckContext context) {
    var sender = context.session().sender();
    if (sender.isEmpty() || !sender.get().isNull()
        || context.session().acceptedRecipients().isEmpty()) {
      return Verdict.CONTINUE;
    }
    return new Verdict.Reject(RefusalKind.POLICY, EnhancedStatus.parse("5.5.3"), "A bounce (null sender) has only one recipient",
        Observed.client(context).fact("sender", "<> (null sender: a bounce)")
            .fact("recipients so far", context.session().acceptedRecipients().size())
            .rule("The null sender <> is reserved for bounces and other delivery status notifications "
                    + "(RFC 5321 4.5.5, RFC 3464), and a bounce is sent to exactly one address: the sender of "
                    + "the message that failed. A null-sender message to many recipients is spam avoiding "
                    + "bounces.",
                "Send ordinary mail with a real sender address. If this is a real bounce, send one per "
                    + "recipient."));
  }
}
