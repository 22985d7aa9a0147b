package org.portcullis.smtp;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Optional;

/**
 * Signs the mail our own users send (the LAN and logged-in clients) for its author's domain, before
 * the message is made durable. Implemented by the application over the DKIM keys; thread-safe.
 */
@FunctionalInterface
public interface MessageSigner {

  /** Signs nothing. */
  MessageSigner NONE = (domain, fields, body) -> Optional.empty();

  /**
   * @param authorDomain the From address's domain, lower case
   * @param headerFields the header fields as they will be stored, folding kept, without final CRLF
   * @param body the body, read to its end
   * @return the signature field, folded, without final CRLF; empty when there is no key for the domain
   * @throws IOException if a key exists and signing failed
   */
  Optional<String> sign(String authorDomain, List<String> headerFields, InputStream body) throws IOException;
}
