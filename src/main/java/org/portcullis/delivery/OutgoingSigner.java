package org.portcullis.delivery;

import java.io.IOException;
import org.portcullis.mail.LogText;
import org.slf4j.LoggerFactory;

/**
 * Signs the messages the server writes itself (delivery reports, answers to requesters) before
 * they are queued: implemented by the application over the DKIM keys. Thread-safe.
 */
@FunctionalInterface
public interface OutgoingSigner {

  /** Leaves messages as they are. */
  OutgoingSigner NONE = message -> message;

  /**
   * @param message the whole message, CRLF line endings
   * @return the message with a signature field on top, or {@code message} when there is no key
   * @throws IOException if a key exists and signing failed
   */
  byte[] sign(byte[] message) throws IOException;

  /**
   * The message signed, or as it is if signing fails (logged): mail the server owes someone is
   * better sent unsigned than not at all.
   *
   * @param what the message, for the log line ({@code "notice queue=..."})
   */
  default byte[] signedOrAsIs(byte[] message, String what) {
    try {
      return sign(message);
    } catch (IOException | RuntimeException e) {
      LoggerFactory.getLogger("portcullis.delivery").warn("{} not signed: {}", what,
          LogText.value(String.valueOf(e.getMessage())));
      return message;
    }
  }
}
