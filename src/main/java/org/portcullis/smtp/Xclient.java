package org.portcullis.smtp;

import java.net.InetAddress;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.portcullis.mail.Addresses;
import org.portcullis.policy.ClientInfo;
import org.portcullis.policy.PolicyEngine;

/**
 * Postfix's XCLIENT command (XCLIENT_README): a trusted proxy or test tool passes on the real
 * client's attributes ({@code ADDR NAME PORT PROTO HELO LOGIN}), xtext-encoded.
 */
final class Xclient {

  private static final Set<String> KNOWN = Set.of("ADDR", "NAME", "PORT", "PROTO", "HELO", "LOGIN", "DESTADDR",
      "DESTPORT");

  /**
   * What an XCLIENT command changes.
   *
   * @param client the client the session now serves (its PTR asserted by NAME, or looked up)
   * @param login the user the proxy says has logged in
   * @param helo the HELO name the proxy says the client gave
   */
  record Change(ClientInfo client, int port, Optional<String> login, Optional<String> helo) {}

  /** The change the parsed attributes make to a session whose client is {@code address} and {@code port}. */
  static Change change(Map<String, String> attributes, PolicyEngine engine, InetAddress address, int port) {
    Optional<String> addr = given(attributes, "ADDR");
    InetAddress newAddress = addr.isPresent() ? address(addr.get()) : address;
    int newPort = given(attributes, "PORT").map(Xclient::port).orElse(port);
    ClientInfo client;
    if (attributes.containsKey("NAME")) {
      String name = attributes.get("NAME");
      client = engine.assertedClient(newAddress, newPort, given(attributes, "NAME"), name.equalsIgnoreCase("[TEMPUNAVAIL]"));
    } else {
      client = engine.client(newAddress, newPort);
    }
    return new Change(client, newPort, given(attributes, "LOGIN"), given(attributes, "HELO"));
  }

  /** An attribute's value, empty when absent or "[UNAVAILABLE]"/"[TEMPUNAVAIL]". */
  private static Optional<String> given(Map<String, String> attributes, String name) {
    String value = attributes.get(name);
    return value == null || isUnavailable(value) ? Optional.empty() : Optional.of(value);
  }

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
