package org.portcullis.mail;

import java.util.List;

/**
 * The SMTP envelope of one accepted message.
 *
 * @param sender the reverse-path ({@link MailPath#NULL} for bounces)
 * @param recipients the accepted recipients, in the order they were accepted; never empty
 * @param parameters the MAIL FROM parameters
 */
public record Envelope(MailPath sender, List<Recipient> recipients, MailParameters parameters) {

  public Envelope {
    recipients = List.copyOf(recipients);
    if (recipients.isEmpty()) {
      throw new IllegalArgumentException("an envelope needs at least one recipient");
    }
  }
}
