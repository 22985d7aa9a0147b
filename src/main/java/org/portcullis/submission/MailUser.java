package org.portcullis.submission;

import java.time.Instant;
import java.util.List;
import java.util.Locale;
import org.portcullis.mail.EmailAddress;

/**
 * A user of the submission listener.
 *
 * @param name the login, lower case; when it is an address, the user owns that address
 * @param passwordHash an Argon2id PHC string, never the password
 * @param senders further addresses, and {@code @domain} for a whole domain, the user may use as
 *     MAIL FROM
 * @param anySender whether the user may use any sender (a trusted application); off by default,
 *     since sender ownership is what keeps one account from forging another's mail
 * @param created when the user was added
 */
public record MailUser(String name, String passwordHash, List<String> senders, boolean anySender, Instant created) {

  public MailUser {
    senders = List.copyOf(senders);
  }

  /**
   * Whether this user may send as {@code sender} (Postfix's {@code reject_sender_login_mismatch}):
   * their login address, a listed address, an address in a listed domain, or any with
   * {@link #anySender}. Case-insensitive for the domain; the local part compares case-insensitively
   * too, as nearly every mail store treats it.
   */
  public boolean owns(EmailAddress sender) {
    if (anySender) {
      return true;
    }
    String address = (sender.localPart() + "@" + sender.domain()).toLowerCase(Locale.ROOT);
    String domain = "@" + sender.domain().toLowerCase(Locale.ROOT);
    return name.equals(address) || senders.contains(address) || senders.contains(domain);
  }

  /** The addresses and domains the user may send as, for messages and listings. */
  public List<String> ownedSenders() {
    if (anySender) {
      return List.of("any");
    }
    java.util.ArrayList<String> out = new java.util.ArrayList<>();
    if (name.contains("@")) {
      out.add(name);
    }
    senders.stream().filter(s -> !s.equals(name)).forEach(out::add);
    return out;
  }
}
