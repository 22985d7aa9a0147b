package org.portcullis.web;

import gg.jte.TemplateOutput;
import gg.jte.html.OwaspHtmlTemplateOutput;

/**
 * The pages' output: jte's HTML escaping, and before it every control character of a value shown
 * as {@code \xNN} (CR, ESC, NUL...; line feeds and tabs stay), as log lines show them, plus the
 * Unicode direction overrides that make text read differently from what it is. Strangers write
 * HELO names, senders, reasons and header excerpts; a page must show what they sent, not obey it.
 */
final class VisibleOutput extends OwaspHtmlTemplateOutput {

  VisibleOutput(TemplateOutput target) {
    super(target);
  }

  @Override
  public void writeUserContent(String value) {
    super.writeUserContent(value == null ? null : visible(value));
  }

  static String visible(String value) {
    StringBuilder out = null;
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      boolean hidden = (c < 0x20 && c != '\n' && c != '\t') || c == 0x7f || (c >= 0x202a && c <= 0x202e)
          || (c >= 0x2066 && c <= 0x2069);
      if (hidden) {
        if (out == null) {
          out = new StringBuilder(value.length() + 8).append(value, 0, i);
        }
        out.append(c < 0x100 ? String.format("\\x%02X", (int) c) : String.format("\\u%04X", (int) c));
      } else if (out != null) {
        out.append(c);
      }
    }
    return out == null ? value : out.toString();
  }
}
