package org.portcullis.policy.checks;

import org.portcullis.mail.EmailAddress;
import org.portcullis.policy.CheckContext;
import org.portcullis.policy.LocalSite;
import org.portcullis.policy.Phase;
import org.portcullis.policy.RecipientDirectory;
import org.portcullis.policy.Verdict;

/**
 * {@code recipient-known}: a recipient in our domains must be a mailbox that exists
 * ({@code mail.known-recipients}, {@code portcullis mailbox add}, or a submission user's login), so
 * that mail to made-up addresses is refused at RCPT instead of creating mailboxes or bouncing later
 * (no backscatter). On by default with Maildir delivery ({@code mail.unknown-recipients}).
 *
 * <p>Phase RCPT. No lookups: the directory is in memory. Verdict: 550 5.1.1. Recipients outside
 * our domains are left to {@code relay-control}; postmaster@ and abuse@ are always accepted before
 * any check. The Postfix policy service's engine gets a directory that is not enforced: Postfix
 * checks its own recipients (local_recipient_maps, relay_recipient_maps).
 */
public final class RecipientKnownCheck extends CatalogCheck {

  public static final String NAME = "recipient-known";

  private final LocalSite site;
  private final RecipientDirectory directory;

  public RecipientKnownCheck(LocalSite site, RecipientDirectory directory) {
    super(NAME, Judges.EVERYONE, Phase.RCPT);
    this.site = site;
    this.directory = directory;
  }

  @Override
  protected Verdict judge(CheckContext context) {
    if (!directory.enforced() || context.recipient().isEmpty()) {
      return Verdict.CONTINUE;
    }
    EmailAddress rcpt = context.recipient().get().address();
    if (!site.isAcceptedDomain(rcpt.domain()) || directory.exists(rcpt)) {
      return Verdict.CONTINUE;
    }
    return Verdict.reject("5.1.1", "Recipient address rejected: <" + rcpt + "> does not exist here",
        Observed.client(context).fact("recipient", "<" + rcpt + ">").rule(
            "The recipient is not a mailbox of this domain. Unknown recipients are refused during the SMTP "
                + "conversation so that the sending server, not this one, tells the sender (no backscatter).",
            "Check the recipient address for typing errors, or ask the recipient for their current address."));
  }
}
