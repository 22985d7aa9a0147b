package org.portcullis.policy.checks;

import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import org.portcullis.mail.EmailAddress;
import org.portcullis.policy.Check;
import org.portcullis.policy.CheckContext;
import org.portcullis.policy.LocalSite;
import org.portcullis.policy.Phase;
import org.portcullis.policy.Verdict;

/**
 * {@code recipient-known}: when a list of known recipients is configured
 * ({@code mail.known-recipients}), a recipient in our domains must be on it, so that mail to
 * made-up addresses is refused at RCPT instead of bounced later (no backscatter).
 *
 * <p>Phase RCPT. No lookups. Verdict: 550 5.1.1. Only runs when the list is not empty; recipients
 * outside our domains are left to {@code relay-control}.
 */
public final class RecipientKnownCheck implements Check {

  public static final String NAME = "recipient-known";

  private final LocalSite site;
  private final Set<String> known;

  /** @param known addresses ({@code user@example.test}); empty means every local part is accepted */
  public RecipientKnownCheck(LocalSite site, Set<EmailAddress> known) {
    this.site = site;
    this.known = known.stream().map(a -> a.localPartLowerCase() + "@" + a.domain()).collect(Collectors.toUnmodifiableSet());
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Set<Phase> phases() {
    return Set.of(Phase.RCPT);
  }

  @Override
  public Verdict evaluate(CheckContext context) {
    if (known.isEmpty() || context.recipient().isEmpty()) {
      return Verdict.CONTINUE;
    }
    EmailAddress rcpt = context.recipient().get().address();
    if (!site.isAcceptedDomain(rcpt.domain())
        || known.contains(rcpt.localPart().toLowerCase(Locale.ROOT) + "@" + rcpt.domain())) {
      return Verdict.CONTINUE;
    }
    return Verdict.reject("5.1.1", "Recipient address rejected: <" + rcpt + "> does not exist here",
        Observed.client(context).fact("recipient", "<" + rcpt + ">").rule(
            "The recipient is not a mailbox of this domain. Unknown recipients are refused during the SMTP "
                + "conversation so that the sending server, not this one, tells the sender (no backscatter).",
            "Check the recipient address for typing errors, or ask the recipient for their current address."));
  }
}
