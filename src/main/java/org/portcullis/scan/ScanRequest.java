package org.portcullis.scan;

import java.net.InetAddress;
import java.util.List;
import java.util.Optional;
import org.portcullis.mail.MessageText;

/**
 * One message to scan, with the envelope rspamd uses as context.
 *
 * @param message the octets as received
 * @param client the connecting client's address
 * @param clientName its confirmed PTR name, or {@code unknown}
 * @param helo the HELO name, or empty
 * @param sender the MAIL FROM address, empty for {@code <>}
 * @param recipients the accepted recipients
 * @param queueId an identifier for this scan, to find it in the scanner's log
 * @param user the logged-in user, if any
 */
public record ScanRequest(MessageText message, InetAddress client, String clientName, String helo, String sender,
    List<String> recipients, String queueId, Optional<String> user) {
  public ScanRequest {
    recipients = List.copyOf(recipients);
  }
}
