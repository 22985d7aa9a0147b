package org.portcullis.policy.checks;

import org.portcullis.mail.EnhancedStatus;
import org.portcullis.policy.CheckContext;
import org.portcullis.policy.Phase;
import org.portcullis.policy.RefusalKind;
import org.portcullis.policy.Verdict;

/**
 * {@code pregreet}: a client that sends before the server's greeting does not follow SMTP
 * (postscreen's pregreet test). Real mail servers wait for the 220 greeting (RFC 5321 3.1); spam
 * bots blast their commands at once. The protocol layer records what was sent early (optionally
 * after a short greeting delay, {@code smtp.greeting-delay-ms}).
 *
 * <p>Phase CONNECT. No lookups. Verdict: 550 5.5.1 (reported at RCPT with delay-reject, so the log
 * names the victim). LAN and authenticated clients are not judged.
 */
public final class PregreetCheck extends CatalogCheck {

  public static final String NAME = "pregreet";

  public PregreetCheck() {
    super(NAME, Judges.STRANGERS, Phase.CONNECT);
  }

  @Override
  protected Verdict judge(CheckContext context) {
    var early = context.session().protocol().pregreet();
    if (early.isEmpty()) {
      return Verdict.CONTINUE;
    }
    return new Verdict.Reject(RefusalKind.POLICY, EnhancedStatus.BAD_SEQUENCE, "Protocol error: you talked before the greeting",
        Observed.client(context).fact("sent before our greeting", early.get()).rule(
            "An SMTP client must wait for the server's 220 greeting before it sends anything (RFC 5321 3.1, "
                + "4.3.1). Sending early is the signature of spam software that does not speak SMTP.",
            "The client software does not follow SMTP: use a real mail server or mail client."));
  }
}
