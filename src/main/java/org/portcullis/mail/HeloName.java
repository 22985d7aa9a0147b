package org.portcullis.mail;

import java.net.InetAddress;
import java.util.Locale;
import java.util.Optional;

/**
 * The argument of HELO or EHLO, classified.
 *
 * <p>RFC 5321 4.1.1.1: the argument is the client's fully qualified domain name, or an address
 * literal when it has none. A bare IP address ({@code 192.0.2.1} without brackets), an
 * underscore, or an empty label is not valid syntax.
 *
 * @param raw the argument as sent (trimmed)
 * @param kind what the argument is
 * @param literal the address of an address literal
 */
public record HeloName(String raw, Kind kind, Optional<InetAddress> literal) {

  /** What a HELO argument turned out to be. */
  public enum Kind {
    /** A syntactically valid domain name. */
    DOMAIN,
    /** {@code [192.0.2.1]} or {@code [IPv6:...]}. */
    ADDRESS_LITERAL,
    /** A bare IP address without brackets. */
    BARE_IP,
    /** Anything else. */
    INVALID
  }

  public static final int MAX_OCTETS = 255;

  /** Classifies a HELO argument; never throws. */
  public static HeloName parse(String argument) {
    String raw = argument.strip();
    if (raw.startsWith("[")) {
      Optional<InetAddress> address = PathParser.parseAddressLiteral(raw);
      return new HeloName(raw, address.isPresent() ? Kind.ADDRESS_LITERAL : Kind.INVALID, address);
    }
    if (Addresses.parseLiteral(raw).isPresent()) {
      return new HeloName(raw, Kind.BARE_IP, Optional.empty());
    }
    if (raw.isEmpty() || raw.indexOf(' ') >= 0 || PathParser.domainProblem(raw, false) != null) {
      return new HeloName(raw, Kind.INVALID, Optional.empty());
    }
    return new HeloName(raw, Kind.DOMAIN, Optional.empty());
  }

  public boolean isDomain() {
    return kind == Kind.DOMAIN;
  }

  /**
   * A domain with at least two labels whose last label (the top-level domain) is not numeric:
   * {@code mail.example.com} is, {@code localhost}, {@code mailserver} and {@code 1.2.3.4} are not.
   */
  public boolean isFullyQualified() {
    if (kind != Kind.DOMAIN) {
      return false;
    }
    int dot = raw.lastIndexOf('.');
    if (dot <= 0) {
      return false;
    }
    String tld = raw.substring(dot + 1);
    for (int i = 0; i < tld.length(); i++) {
      if (Character.isLetter(tld.charAt(i))) {
        return true;
      }
    }
    return false;
  }

  /** The domain in lower case (for comparisons), or the raw text for non-domains. */
  public String normalized() {
    return raw.toLowerCase(Locale.ROOT);
  }

  @Override
  public String toString() {
    return raw;
  }
}
