package org.portcullis.smtp;

import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** Builds the RFC 5321 4.4 trace header the gateway prepends to every accepted message. */
final class ReceivedHeader {

  private static final DateTimeFormatter DATE =
      DateTimeFormatter.ofPattern("EEE, d MMM yyyy HH:mm:ss Z '(UTC)'", Locale.ROOT);

  private ReceivedHeader() {}

  /**
   * @param protocol the RFC 3848 / RFC 6531 "with" keyword: SMTP, ESMTP, ESMTPS, UTF8SMTPS...
   * @param forRecipient the recipient, named only when the message has exactly one
   */
  static String build(String helo, String clientName, String clientAddress, String hostname, String protocol,
      String tlsInfo, String queueId, String forRecipient, ZonedDateTime time) {
    StringBuilder out = new StringBuilder(256);
    out.append("Received: from ").append(helo.isEmpty() ? "unknown" : sanitize(helo))
        .append(" (").append(sanitize(clientName)).append(" [").append(clientAddress).append("])\r\n")
        .append("\tby ").append(hostname).append(" (Portcullis) with ").append(protocol)
        .append(" id ").append(queueId);
    if (!tlsInfo.isEmpty()) {
      out.append("\r\n\t(").append(headerText(tlsInfo).replace('(', '_').replace(')', '_')).append(')');
    }
    if (!forRecipient.isEmpty()) {
      out.append("\r\n\tfor ").append(sanitize(forRecipient));
    }
    out.append("; ").append(DATE.format(time.withZoneSameInstant(ZoneOffset.UTC))).append("\r\n");
    return out.toString();
  }

  /** Text for an unstructured header field: printable ASCII and spaces, bounded. */
  static String headerText(String text) {
    StringBuilder out = new StringBuilder(Math.min(text.length(), 300));
    for (int i = 0; i < text.length() && out.length() < 300; i++) {
      char c = text.charAt(i);
      out.append(c >= 32 && c < 127 ? c : '?');
    }
    return out.toString();
  }

  /** Client-supplied text in a header: printable, no parentheses games, bounded. */
  static String sanitize(String text) {
    StringBuilder out = new StringBuilder(Math.min(text.length(), 255));
    for (int i = 0; i < text.length() && out.length() < 255; i++) {
      char c = text.charAt(i);
      out.append(c > 32 && c < 127 && c != '(' && c != ')' && c != '\\' ? c : '_');
    }
    return out.toString();
  }
}
