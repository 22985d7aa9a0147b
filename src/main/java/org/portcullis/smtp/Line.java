package org.portcullis.smtp;

import java.nio.charset.StandardCharsets;

/**
 * One line read from the client, reused for every line of a session to keep the hot loop free of
 * allocation. Holds the bytes without the line terminator, and how the line ended.
 */
final class Line {

  /** How a line ended. */
  enum Ending { CRLF, BARE_LF, EOF }

  byte[] data;
  int length;
  Ending ending;
  /** The line was longer than the limit; {@link #data} holds its first part only. */
  boolean overflow;
  /** Octets in the line including its terminator, counted even past the limit. */
  long octets;

  Line(int initialCapacity) {
    data = new byte[initialCapacity];
  }

  void reset() {
    length = 0;
    ending = null;
    overflow = false;
    octets = 0;
  }

  boolean isDot() {
    return length == 1 && data[0] == '.';
  }

  boolean contains(byte b) {
    for (int i = 0; i < length; i++) {
      if (data[i] == b) {
        return true;
      }
    }
    return false;
  }

  boolean isAscii() {
    for (int i = 0; i < length; i++) {
      if (data[i] < 0) {
        return false;
      }
    }
    return true;
  }

  /** The line as text; invalid UTF-8 becomes U+FFFD. */
  String text() {
    return new String(data, 0, length, StandardCharsets.UTF_8);
  }

  /** A printable excerpt for logs and explanations: non-printable octets as \xNN. */
  String excerpt(int max) {
    StringBuilder out = new StringBuilder(Math.min(length, max) + 8);
    for (int i = 0; i < length && out.length() < max; i++) {
      int b = data[i] & 0xFF;
      if (b >= 0x20 && b < 0x7F) {
        out.append((char) b);
      } else {
        out.append(String.format("\\x%02X", b));
      }
    }
    return out.toString();
  }
}
