package org.portcullis.smtp;

import java.util.Optional;

/** RFC 3461 section 4 xtext: printable ASCII with {@code +XX} hex escapes (DSN parameters, XCLIENT). */
final class Xtext {

  private Xtext() {}

  /**
   * The decoded text, or empty if an escape is malformed, or if {@code asciiOnly} and the text has
   * a character outside printable ASCII (XCLIENT; DSN values may carry UTF-8 under SMTPUTF8).
   */
  static Optional<String> decode(String text, boolean asciiOnly) {
    StringBuilder out = new StringBuilder(text.length());
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '+') {
        if (i + 2 >= text.length()) {
          return Optional.empty();
        }
        int hi = Character.digit(text.charAt(i + 1), 16);
        int lo = Character.digit(text.charAt(i + 2), 16);
        if (hi < 0 || lo < 0) {
          return Optional.empty();
        }
        out.append((char) (hi * 16 + lo));
        i += 2;
      } else if (asciiOnly && (c < 33 || c > 126)) {
        return Optional.empty();
      } else {
        out.append(c);
      }
    }
    return Optional.of(out.toString());
  }
}
