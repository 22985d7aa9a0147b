package org.portcullis.delivery;

import java.io.IOException;

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
}
