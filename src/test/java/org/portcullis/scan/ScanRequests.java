package org.portcullis.scan;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.portcullis.mail.RawMessage;

/** Messages and requests for the scanner tests. */
final class ScanRequests {

  /** SpamAssassin's and rspamd's test string: every installation scores it as spam. */
  static final String GTUBE = "XJS*C4JDBQADN1.NSBN3*2IDNEN*GTUBE-STANDARD-ANTI-UBE-TEST-EMAIL*C.34X";
  /** The EICAR test file: harmless, and every virus scanner reports it. */
  static final String EICAR = "X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*";

  private ScanRequests() {}

  static String message(String subject, String body) {
    return "From: alice@good.example\r\nTo: carol@example.test\r\nSubject: " + subject + "\r\n"
        + "Message-ID: <" + Math.abs(body.hashCode()) + "@good.example>\r\nDate: Thu, 03 Dec 2026 17:00:00 +0000\r\n"
        + "\r\n" + body + "\r\n";
  }

  /** A message with {@code content} as a base64 attachment (clamd decodes MIME). */
  static String withAttachment(String content) {
    String encoded = java.util.Base64.getMimeEncoder().encodeToString(content.getBytes(StandardCharsets.ISO_8859_1));
    return "From: alice@good.example\r\nTo: carol@example.test\r\nSubject: the file\r\nMIME-Version: 1.0\r\n"
        + "Content-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n--b1\r\nContent-Type: text/plain\r\n\r\nHere it is."
        + "\r\n--b1\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n"
        + "Content-Disposition: attachment; filename=\"file.com\"\r\n\r\n" + encoded + "\r\n--b1--\r\n";
  }

  static ScanRequest of(String message) {
    return of(message.getBytes(StandardCharsets.ISO_8859_1));
  }

  static ScanRequest of(byte[] message) {
    return new ScanRequest(RawMessage.parse(message), InetAddress.ofLiteral("192.0.2.10"), "mail.good.example",
        "mail.good.example", "alice@good.example", List.of("carol@example.test", "dave@example.test"), "0123abcd",
        Optional.empty());
  }
}
