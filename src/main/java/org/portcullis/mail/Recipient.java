package org.portcullis.mail;

import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

/**
 * One accepted RCPT TO, with its RFC 3461 DSN parameters.
 *
 * @param address the recipient mailbox
 * @param notifyOn NOTIFY values; empty when the client did not send NOTIFY (the MTA default applies)
 * @param originalRecipient ORCPT as sent ({@code rfc822;user@example.com}), xtext-decoded
 * @param bracketed false if the client left out the angle brackets (tolerated, judged by a check)
 */
public record Recipient(EmailAddress address, Set<Notify> notifyOn, Optional<String> originalRecipient,
    boolean bracketed) {

  /** RFC 3461 NOTIFY keywords. */
  public enum Notify { NEVER, SUCCESS, FAILURE, DELAY }

  public Recipient {
    notifyOn = notifyOn.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(notifyOn));
    if (notifyOn.contains(Notify.NEVER) && notifyOn.size() > 1) {
      throw new IllegalArgumentException("NOTIFY=NEVER cannot be combined with other values");
    }
  }

  public static Recipient of(EmailAddress address) {
    return new Recipient(address, Set.of(), Optional.empty(), true);
  }
}
