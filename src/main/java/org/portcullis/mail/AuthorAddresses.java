package org.portcullis.mail;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The addresses of a From field (RFC 5322 3.6.2, the message's author), read as mail software
 * meets them: display names, quoted strings, comments and groups are passed over; each mailbox
 * gives the domain of its {@code addr-spec}. What cannot be read gives no address, never a guess.
 */
public final class AuthorAddresses {

  private static final Pattern DOMAIN = Pattern.compile("[a-z0-9._-]+|\\p{L}[\\p{L}\\p{N}._-]*");

  /** A From field longer than this is not read (RFC 5322 caps a line at 998 octets; folding adds more). */
  static final int FIELD_MAX_CHARS = 16_384;

  private AuthorAddresses() {}

  /** The domains of the From field's mailboxes, lower case, in order; empty if none could be read. */
  public static List<String> domains(String fromValue) {
    List<String> out = new ArrayList<>(1);
    if (fromValue.length() > FIELD_MAX_CHARS) {
      return out;
    }
    for (String mailbox : mailboxes(fromValue)) {
      String spec = mailbox;
      int open = mailbox.lastIndexOf('<');
      if (open >= 0) {
        int close = mailbox.indexOf('>', open);
        spec = close > open ? mailbox.substring(open + 1, close) : "";
      }
      spec = spec.strip();
      int at = spec.lastIndexOf('@');
      String domain = at >= 0 ? spec.substring(at + 1).strip().toLowerCase(Locale.ROOT) : "";
      if (domain.endsWith(".")) {
        domain = domain.substring(0, domain.length() - 1);
      }
      if (!domain.isEmpty() && DOMAIN.matcher(domain).matches()) {
        out.add(domain);
      }
    }
    return out;
  }

  /** The mailboxes, split at top-level commas with comments and quoted strings removed; group names dropped. */
  private static List<String> mailboxes(String value) {
    List<String> out = new ArrayList<>(1);
    StringBuilder current = new StringBuilder();
    int depth = 0;
    boolean quoted = false;
    boolean angle = false;
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == '\\' && (quoted || depth > 0)) {
        i++;
      } else if (quoted) {
        quoted = c != '"';
      } else if (depth > 0) {
        depth += c == '(' ? 1 : c == ')' ? -1 : 0;
      } else if (c == '"') {
        quoted = true;
      } else if (c == '(') {
        depth = 1;
      } else if (c == ':' && !angle) {
        current.setLength(0); // a group's display name
      } else if ((c == ',' || c == ';') && !angle) {
        out.add(current.toString());
        current.setLength(0);
      } else {
        angle = c == '<' || (angle && c != '>');
        current.append(c);
      }
    }
    if (!current.toString().isBlank()) {
      out.add(current.toString());
    }
    out.removeIf(String::isBlank);
    return out;
  }
}
