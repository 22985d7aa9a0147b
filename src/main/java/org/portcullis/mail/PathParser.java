package org.portcullis.mail;

import java.net.IDN;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.portcullis.mail.AddressSyntaxException.Kind;

/**
 * RFC 5321 section 4.1.2 path grammar, with RFC 6531 (SMTPUTF8) extensions when enabled.
 *
 * <p>Tolerated and recorded: a path without angle brackets. Refused: everything else that is not
 * in the grammar, including trailing dots, empty labels, unquoted {@code @} in the local part
 * ({@code user@other@ours}), and over-long parts (local part 64 octets, domain 255, path 256).
 */
final class PathParser {

  static final int LOCAL_PART_MAX_OCTETS = 64;
  static final int DOMAIN_MAX_OCTETS = 255;
  static final int PATH_MAX_OCTETS = 256;
  private static final String ATEXT_SPECIALS = "!#$%&'*+-/=?^_`{|}~";

  private final String text;
  private final boolean utf8;
  private int pos;

  private PathParser(String text, boolean utf8) {
    this.text = text;
    this.utf8 = utf8;
  }

  /** The result of parsing a path at the start of a command argument. */
  record Prefix(MailPath path, String rest) {}

  static MailPath parsePath(String text, boolean utf8) throws AddressSyntaxException {
    Prefix prefix = parsePrefix(text, utf8);
    if (!prefix.rest().isEmpty()) {
      throw new AddressSyntaxException(Kind.SYNTAX, "unexpected text after the address: \"" + prefix.rest() + "\"");
    }
    return prefix.path();
  }

  /** Parses a path at the start of {@code text}; the rest (ESMTP parameters) is returned as is. */
  static Prefix parsePrefix(String text, boolean utf8) throws AddressSyntaxException {
    PathParser p = new PathParser(text, utf8);
    p.checkCharacters();
    MailPath path = p.path();
    String rest = text.substring(p.pos);
    if (!rest.isEmpty() && rest.charAt(0) != ' ') {
      throw new AddressSyntaxException(Kind.SYNTAX, "unexpected text after the address: \"" + rest + "\"");
    }
    int length = octets(text.substring(0, p.pos));
    if (length > PATH_MAX_OCTETS + 2) {
      throw new AddressSyntaxException(Kind.TOO_LONG, "the path is " + length + " octets; RFC 5321 allows 256");
    }
    return new Prefix(path, rest.strip());
  }

  static EmailAddress parseMailbox(String text, boolean utf8) throws AddressSyntaxException {
    PathParser p = new PathParser(text, utf8);
    p.checkCharacters();
    EmailAddress address = p.mailbox(false);
    if (p.pos != text.length()) {
      throw new AddressSyntaxException(Kind.SYNTAX, "unexpected \"" + text.substring(p.pos) + "\" after the address");
    }
    return address;
  }

  private void checkCharacters() throws AddressSyntaxException {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c < 0x20 || c == 0x7F) {
        throw new AddressSyntaxException(Kind.SYNTAX, "control character in address");
      }
      if (c > 0x7F && !utf8) {
        throw new AddressSyntaxException(Kind.NON_ASCII,
            "non-ASCII characters in the address need the SMTPUTF8 parameter (RFC 6531)");
      }
    }
  }

  private MailPath path() throws AddressSyntaxException {
    if (pos < text.length() && text.charAt(pos) == '<') {
      pos++;
      if (peek() == '>') {
        pos++;
        return MailPath.NULL;
      }
      List<String> route = peek() == '@' ? sourceRoute() : List.of();
      EmailAddress mailbox = mailbox(true);
      if (peek() != '>') {
        throw new AddressSyntaxException(Kind.SYNTAX, peek() == '@'
            ? "more than one @ outside quotes" : "expected \">\" at the end of the address");
      }
      pos++;
      return new MailPath(Optional.of(mailbox), route, true);
    }
    if (text.isEmpty()) {
      throw new AddressSyntaxException(Kind.SYNTAX, "missing address");
    }
    EmailAddress mailbox = mailbox(false);
    if (pos < text.length() && text.charAt(pos) != ' ') {
      throw new AddressSyntaxException(Kind.SYNTAX, text.charAt(pos) == '@'
          ? "more than one @ outside quotes" : "unexpected character '" + text.charAt(pos) + "' in address");
    }
    return new MailPath(Optional.of(mailbox), List.of(), false);
  }

  private List<String> sourceRoute() throws AddressSyntaxException {
    List<String> route = new ArrayList<>();
    while (true) {
      expect('@');
      route.add(domain());
      if (peek() == ',') {
        pos++;
        continue;
      }
      expect(':');
      return route;
    }
  }

  private EmailAddress mailbox(boolean bracketed) throws AddressSyntaxException {
    boolean quoted = peek() == '"';
    String local = quoted ? quotedString() : dotString();
    if (local.isEmpty()) {
      throw new AddressSyntaxException(Kind.SYNTAX, "empty local part");
    }
    if (octets(local) > LOCAL_PART_MAX_OCTETS) {
      throw new AddressSyntaxException(Kind.TOO_LONG,
          "the local part is " + octets(local) + " octets; RFC 5321 allows 64");
    }
    char next = peek();
    if (next != '@') {
      if (next == 0 || next == '>' || (!bracketed && next == ' ')) {
        throw new AddressSyntaxException(Kind.MISSING_DOMAIN, "\"" + local + "\" has no @domain part");
      }
      throw new AddressSyntaxException(Kind.SYNTAX, "unexpected character '" + next + "' in local part");
    }
    pos++;
    String domain = peek() == '[' ? addressLiteral() : domain();
    return new EmailAddress(local, domain, quoted);
  }

  private String dotString() throws AddressSyntaxException {
    int start = pos;
    boolean lastWasDot = true;
    while (pos < text.length()) {
      char c = text.charAt(pos);
      if (c == '.') {
        if (lastWasDot) {
          throw new AddressSyntaxException(Kind.SYNTAX, "empty atom in local part (leading or double dot)");
        }
        lastWasDot = true;
      } else if (isAtext(c)) {
        lastWasDot = false;
      } else {
        break;
      }
      pos++;
    }
    if (pos > start && lastWasDot) {
      throw new AddressSyntaxException(Kind.SYNTAX, "local part ends with a dot");
    }
    return text.substring(start, pos);
  }

  private String quotedString() throws AddressSyntaxException {
    expect('"');
    StringBuilder out = new StringBuilder();
    while (true) {
      if (pos >= text.length()) {
        throw new AddressSyntaxException(Kind.SYNTAX, "unterminated quoted string");
      }
      char c = text.charAt(pos++);
      if (c == '"') {
        return out.toString();
      }
      if (c == '\\') {
        if (pos >= text.length()) {
          throw new AddressSyntaxException(Kind.SYNTAX, "unterminated quoted pair");
        }
        out.append(text.charAt(pos++));
      } else {
        out.append(c);
      }
    }
  }

  private String domain() throws AddressSyntaxException {
    int start = pos;
    while (pos < text.length()) {
      char c = text.charAt(pos);
      if (c == '>' || c == ' ' || c == ',' || c == ':' || c == '@') {
        break;
      }
      pos++;
    }
    String domain = text.substring(start, pos);
    String problem = domainProblem(domain, utf8);
    if (problem != null) {
      throw new AddressSyntaxException(Kind.SYNTAX, problem);
    }
    return domain;
  }

  private String addressLiteral() throws AddressSyntaxException {
    int end = text.indexOf(']', pos);
    if (end < 0) {
      throw new AddressSyntaxException(Kind.SYNTAX, "unterminated address literal");
    }
    String literal = text.substring(pos, end + 1);
    pos = end + 1;
    if (parseAddressLiteral(literal).isEmpty()) {
      throw new AddressSyntaxException(Kind.SYNTAX, "bad address literal " + literal);
    }
    return literal;
  }

  /** {@code [192.0.2.1]} or {@code [IPv6:2001:db8::1]} to the address, or empty if malformed. */
  static Optional<java.net.InetAddress> parseAddressLiteral(String literal) {
    if (literal.length() < 3 || literal.charAt(0) != '[' || literal.charAt(literal.length() - 1) != ']') {
      return Optional.empty();
    }
    String inner = literal.substring(1, literal.length() - 1);
    if (inner.regionMatches(true, 0, "IPv6:", 0, 5)) {
      Optional<java.net.InetAddress> v6 = Addresses.parseLiteral(inner.substring(5));
      return v6.filter(a -> a instanceof java.net.Inet6Address);
    }
    if (!inner.matches("[0-9]{1,3}(\\.[0-9]{1,3}){3}")) {
      return Optional.empty();
    }
    return Addresses.parseLiteral(inner).filter(a -> a instanceof java.net.Inet4Address);
  }

  /** Null if {@code domain} is a valid RFC 5321 Domain, else the reason it is not. */
  static String domainProblem(String domain, boolean utf8) {
    if (domain.isEmpty()) {
      return "empty domain";
    }
    if (octets(domain) > DOMAIN_MAX_OCTETS) {
      return "the domain is longer than 255 octets";
    }
    if (domain.endsWith(".")) {
      return "the domain \"" + domain + "\" ends with a dot";
    }
    String ascii = domain;
    if (!isAscii(domain)) {
      if (!utf8) {
        return "non-ASCII domain without SMTPUTF8";
      }
      try {
        ascii = IDN.toASCII(domain, IDN.USE_STD3_ASCII_RULES);
      } catch (IllegalArgumentException e) {
        return "the domain \"" + domain + "\" is not a valid internationalised name";
      }
    }
    // Label by label, without splitting (this runs for every HELO and every envelope domain).
    int start = 0;
    while (start <= ascii.length()) {
      int dot = ascii.indexOf('.', start);
      int end = dot < 0 ? ascii.length() : dot;
      int length = end - start;
      if (length == 0) {
        return "empty label in domain \"" + domain + "\"";
      }
      if (length > 63) {
        return "a label of \"" + domain + "\" is longer than 63 octets";
      }
      if (ascii.charAt(start) == '-' || ascii.charAt(end - 1) == '-') {
        return "a label of \"" + domain + "\" starts or ends with a hyphen";
      }
      for (int i = start; i < end; i++) {
        char c = ascii.charAt(i);
        if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-')) {
          return "the domain \"" + domain + "\" contains '" + c + "'";
        }
      }
      if (dot < 0) {
        break;
      }
      start = dot + 1;
    }
    return null;
  }

  private boolean isAtext(char c) {
    return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
        || ATEXT_SPECIALS.indexOf(c) >= 0 || (utf8 && c > 0x7F);
  }

  private char peek() {
    return pos < text.length() ? text.charAt(pos) : 0;
  }

  private void expect(char c) throws AddressSyntaxException {
    if (peek() != c) {
      throw new AddressSyntaxException(Kind.SYNTAX, "expected '" + c + "' at position " + (pos + 1));
    }
    pos++;
  }

  static boolean isAscii(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) > 0x7F) {
        return false;
      }
    }
    return true;
  }

  static boolean isDotString(String local) {
    if (local.isEmpty() || local.startsWith(".") || local.endsWith(".") || local.contains("..")) {
      return false;
    }
    for (int i = 0; i < local.length(); i++) {
      char c = local.charAt(i);
      boolean ok = c == '.' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
          || ATEXT_SPECIALS.indexOf(c) >= 0 || c > 0x7F;
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  static String quote(String local) {
    StringBuilder out = new StringBuilder(local.length() + 2).append('"');
    for (int i = 0; i < local.length(); i++) {
      char c = local.charAt(i);
      if (c == '"' || c == '\\') {
        out.append('\\');
      }
      out.append(c);
    }
    return out.append('"').toString();
  }

  static int octets(String s) {
    return isAscii(s) ? s.length() : s.getBytes(StandardCharsets.UTF_8).length;
  }
}
