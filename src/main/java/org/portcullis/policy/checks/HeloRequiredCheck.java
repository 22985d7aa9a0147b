package org.portcullis.policy.checks;

import org.portcullis.mail.EnhancedStatus;
import org.portcullis.policy.CheckContext;
import org.portcullis.policy.Phase;
import org.portcullis.policy.RefusalKind;
import org.portcullis.policy.Verdict;

/**
 * {@code helo-required}: the client must introduce itself with HELO or EHLO before MAIL (RFC 5321
 * 4.1.4; the operators' best practice "Require Server Identification (HELO)").
 *
 * <p>Phase MAIL. No lookups. Verdict: 503 5.5.1 when MAIL came without HELO/EHLO. Applies to every
 * client, LAN included: every SMTP client can send HELO.
 */
public final class HeloRequiredCheck extends CatalogCheck {

  public static final String NAME = "helo-required";

  public HeloRequiredCheck() {
    super(NAME, Judges.EVERYONE, Phase.MAIL);
  }

  @Override
  protected Verdict judge(CheckContext context) {
    if (context.session().helo().isPresent()) {
      return Verdict.CONTINUE;
    }
    return new Verdict.Reject(RefusalKind.SEQUENCE, EnhancedStatus.BAD_SEQUENCE, "Send HELO/EHLO first",
        Observed.client(context).fact("HELO/EHLO", "none before MAIL FROM").rule(
            "An SMTP client must identify itself with EHLO (or HELO) before starting a transaction "
                + "(RFC 5321 4.1.4). Software that skips it is not a real mail server.",
            "Configure the sending software to greet with EHLO followed by its fully qualified host name, "
                + "or use a real mail server or mail client."));
  }
}
