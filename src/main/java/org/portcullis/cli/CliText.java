package org.portcullis.cli;

import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** What every command shares for text: times as the tables show them, and strangers' text made printable. */
final class CliText {

  /** {@code 2026-12-02 19:10Z}: times in tables and one-line answers. */
  static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm'Z'", Locale.ROOT)
      .withZone(ZoneOffset.UTC);

  /** The longest text an option takes. */
  static final int TEXT_MAX = 1000;

  private CliText() {}

  /** An option's text, at most {@link #TEXT_MAX} characters (exit 2 beyond), control characters but tab and LF as '?'. */
  static String text(String value, String option) {
    if (value.length() > TEXT_MAX) {
      throw new CliException(2, option + " is longer than " + TEXT_MAX + " characters");
    }
    return value.replaceAll("[\\x00-\\x08\\x0B-\\x1F\\x7F]", "?");
  }

  /** Text from the store or the user shown on one line: at most 100 characters, control characters as '?'. */
  static String printable(String text) {
    String clipped = text.length() > 100 ? text.substring(0, 100) + "..." : text;
    return clipped.replaceAll("[\\x00-\\x1F\\x7F]", "?");
  }
}
