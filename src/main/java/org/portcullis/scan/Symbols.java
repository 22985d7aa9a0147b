package org.portcullis.scan;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/** The rule names a scanner reports, kept only as far as they are safe to log and put in a header. */
final class Symbols {

  static final int MAX = 100;
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.:-]{1,100}");

  private Symbols() {}

  /** Names that look like rule names, in order, at most {@value #MAX}; anything else is left out. */
  static List<String> keep(Iterable<String> names) {
    List<String> out = new ArrayList<>();
    for (String name : names) {
      String n = name.strip();
      if (NAME.matcher(n).matches() && out.size() < MAX) {
        out.add(n);
      }
    }
    return List.copyOf(out);
  }

  /** Printable ASCII only, at most {@code max} characters: a scanner's words for a header or a reply. */
  static String printable(String text, int max) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < text.length() && out.length() < max; i++) {
      char c = text.charAt(i);
      out.append(c >= 0x20 && c < 0x7f ? c : '?');
    }
    return out.toString();
  }
}
