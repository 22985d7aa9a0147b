package org.portcullis.policy.checks;

import org.portcullis.mail.EnhancedStatus;
import org.portcullis.policy.CheckContext;
import org.portcullis.policy.Phase;
import org.portcullis.policy.RefusalKind;
import org.portcullis.policy.Verdict;

/**
 * {@code pipelining}: a client may only send several commands without waiting for replies when
 * the server offered PIPELINING in its EHLO reply (RFC 2920; postscreen's pipelining test). The
 * protocol layer records the first command that arrived too early.
 *
 * <p>Phases MAIL, RCPT and DATA. No lookups. Verdict: 550 5.5.1. LAN and authenticated clients are
 * not judged.
 */
public final class PipeliningCheck extends CatalogCheck {

  public static final String NAME = "pipelining";

  public PipeliningCheck() {
    super(NAME, Judges.STRANGERS, Phase.MAIL, Phase.RCPT, Phase.DATA);
  }

  @Override
  protected Verdict judge(CheckContext context) {
    var violation = context.session().protocol().pipeliningViolation();
    if (violation.isEmpty()) {
      return Verdict.CONTINUE;
    }
    return new Verdict.Reject(RefusalKind.POLICY, EnhancedStatus.BAD_SEQUENCE,
        "Protocol error: commands sent without waiting for replies (PIPELINING was not offered)",
        Observed.client(context)
            .fact("ESMTP", context.session().protocol().esmtp() ? "EHLO" : "HELO (no extensions offered)")
            .fact("command sent ahead of our reply", violation.get()).rule(
                "A client may send several commands at once only after the server offered PIPELINING in its "
                    + "EHLO reply (RFC 2920); otherwise it must wait for each reply (RFC 5321 4.3). Bulk "
                    + "spam software ignores this to go faster.",
                "The client software does not follow SMTP: use a real mail server or mail client."));
  }
}
