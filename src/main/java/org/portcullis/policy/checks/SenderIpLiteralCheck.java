package org.portcullis.policy.checks;

import org.portcullis.mail.EmailAddress;
import org.portcullis.policy.CheckContext;
import org.portcullis.policy.Phase;
import org.portcullis.policy.Verdict;

/**
 * {@code sender-ip-literal}: the sender address must have a domain, not an IP address literal
 * ({@code user@[192.0.2.1]}; the operators' best practice "Require email with domain, not IP").
 *
 * <p>Phase MAIL. No lookups. Verdict: 550 5.1.8. LAN and authenticated clients are not judged.
 */
public final class SenderIpLiteralCheck extends SenderCheck {

  public static final String NAME = "sender-ip-literal";

  public SenderIpLiteralCheck() {
    super(NAME, Phase.MAIL);
  }

  @Override
  protected Verdict judgeSender(CheckContext context, EmailAddress sender) {
    if (!sender.isDomainLiteral()) {
      return Verdict.CONTINUE;
    }
    EmailAddress address = sender;
    return Verdict.reject("5.1.8", "Sender address <" + address + "> has an IP address instead of a domain",
        Observed.client(context).fact("sender", "<" + address + ">")
            .rule("A sender address must name a domain so that replies, bounces and checks such as SPF can "
                    + "find it; an address literal identifies no one (mail operators' best practice \"Require email with "
                    + "domain, not IP\").",
                "Send from an address at your domain (user@your-domain.example), and configure the mail "
                    + "client or server to use it as the envelope sender."));
  }
}
