package org.portcullis.policy.checks;

import org.portcullis.mail.EmailAddress;
import org.portcullis.policy.CheckContext;
import org.portcullis.policy.Phase;
import org.portcullis.policy.Verdict;

/**
 * {@code mail-from-self}: an outside client may not send mail whose sender is the recipient itself
 * (the operators' best practice "Block Email From Self"): a favourite of spam and extortion runs,
 * which forge the victim's own address.
 *
 * <p>Phase RCPT. No lookups. Verdict: 550 5.7.1 when the sender equals the recipient (local part
 * case-insensitive). LAN and authenticated clients are not judged.
 */
public final class MailFromSelfCheck extends SenderCheck {

  public static final String NAME = "mail-from-self";

  public MailFromSelfCheck() {
    super(NAME, Phase.RCPT);
  }

  @Override
  protected Verdict judgeSender(CheckContext context, EmailAddress sender) {
    var recipient = context.recipient();
    if (recipient.isEmpty() || !sender.sameMailboxIgnoringCase(recipient.get().address())) {
      return Verdict.CONTINUE;
    }
    String address = "<" + recipient.get().address() + ">";
    return Verdict.reject("5.7.1", "Mail from " + address + " to itself from outside is not accepted",
        Observed.client(context).fact("sender", address).fact("recipient", address)
            .fact("client is", "outside our LAN networks and not authenticated")
            .rule("A message whose sender is its own recipient, arriving from an outside server, is almost "
                    + "always forged: a person's own mail to themselves goes through their own provider's "
                    + "servers (mail operators' best practice \"Block Email From Self\").",
                "To send to yourself, send through your own provider's mail server with authentication (the "
                    + "submission port, 587). If a service sends such mail for you, ask our postmaster for "
                    + "an exception."));
  }
}
