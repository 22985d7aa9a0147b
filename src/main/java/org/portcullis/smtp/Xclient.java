package org.portcullis.smtp;

import java.net.InetAddress;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.portcullis.mail.Addresses;

/**
 * Postfix's XCLIENT command (XCLIENT_README): a trusted proxy or test tool passes on the real
 * client's attributes ({@code ADDR NAME PORT PROTO HELO LOGIN}), xtext-encoded.
 */
final class Xclient {

  private static final Set<String> KNOWN = Set.of("ADDR", "NAME", "PORT", "PROTO", "HELO", "LOGIN", "DESTADDR",
      "DESTPORT");

  private Xclient() {}

  /**
   * @throws IllegalArgumentException naming the attribute that is malformed or unknown
   */
  static Map<String, String> parse(String argument) {
    Map<String, String> out = new LinkedHashMap<>();
    if (argument.isBlank()) {
      throw new IllegalArgumentException("no attributes");
    }
    for (String token : argument.strip().split(" +")) {
      int eq = token.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException(token);
      }
      String name = token.substring(0, eq).toUpperCase(Locale.ROOT);
      if (!KNOWN.contains(name)) {
        throw new IllegalArgumentException(name);
      }
      String value = decode(token.substring(eq + 1), name);
      if (value.isEmpty() || value.length() > 255) {
        throw new IllegalArgumentException(name);
      }
      out.put(name, value);
    }
    if (out.containsKey("ADDR") && !isUnavailable(out.get("ADDR"))) {
      address(out.get("ADDR"));
    }
    if (out.containsKey("PORT") && !isUnavailable(out.get("PORT"))) {
      port(out.get("PORT"));
    }
    return out;
  }

  static boolean isUnavailable(String value) {
    return value.equalsIgnoreCase("[UNAVAILABLE]") || value.equalsIgnoreCase("[TEMPUNAVAIL]");
  }

  static InetAddress address(String value) {
    String text = value.regionMatches(true, 0, "IPV6:", 0, 5) ? value.substring(5) : value;
    return Addresses.parseLiteral(text).orElseThrow(() -> new IllegalArgumentException("ADDR"));
  }

  static int port(String value) {
    if (!value.matches("[0-9]{1,5}") || Integer.parseInt(value) > 65535) {
      throw new IllegalArgumentException("PORT");
    }
    return Integer.parseInt(value);
  }

  private static String decode(String text, String name) {
    return Xtext.decode(text, true).orElseThrow(() -> new IllegalArgumentException(name));
  }
}
