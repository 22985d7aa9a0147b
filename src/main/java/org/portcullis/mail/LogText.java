package org.portcullis.mail;

/**
 * Makes attacker-controlled text safe for one-line logs and SMTP replies: control characters,
 * quotes and backslashes are escaped, and the length is capped.
 */
public final class LogText {

  private LogText() {}

  /** {@code value} in double quotes, escaped, at most {@code max} characters of it. */
  public static String quoted(String value, int max) {
    return "\"" + escape(value, max) + "\"";
  }

  /** The value escaped for a key=value log line; kept unquoted if it has no space or quote. */
  public static String value(String value) {
    String escaped = escape(value, 300);
    for (int i = 0; i < escaped.length(); i++) {
      char c = escaped.charAt(i);
      if (c == ' ' || c == '"' || c == '=') {
        return "\"" + escaped + "\"";
      }
    }
    return escaped.isEmpty() ? "\"\"" : escaped;
  }

  /** Escapes control characters as {@code \xNN}, quotes and backslashes; caps at {@code max} characters. */
  public static String escape(String value, int max) {
    StringBuilder out = new StringBuilder(Math.min(value.length(), max) + 8);
    for (int i = 0; i < value.length() && out.length() < max; i++) {
      char c = value.charAt(i);
      if (c < 0x20 || c == 0x7F) {
        out.append(String.format("\\x%02X", (int) c));
      } else if (c == '"' || c == '\\') {
        out.append('\\').append(c);
      } else {
        out.append(c);
      }
    }
    if (out.length() >= max && value.length() > max) {
      out.append("...");
    }
    return out.toString();
  }

  /** Text for an SMTP reply line: printable ASCII only (others become '?'), capped. */
  public static String forReply(String value, int max) {
    StringBuilder out = new StringBuilder(Math.min(value.length(), max));
    for (int i = 0; i < value.length() && out.length() < max; i++) {
      char c = value.charAt(i);
      out.append(c >= 0x20 && c < 0x7F ? c : '?');
    }
    return out.toString();
  }
}
