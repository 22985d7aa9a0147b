package org.portcullis.mail;

import java.net.InetAddress;
import java.util.Locale;
import java.util.Optional;

/**
 * A mailbox {@code local-part@domain} from an SMTP envelope.
 *
 * <p>The local part is kept as the client wrote it (case preserved, RFC 5321 2.4), without the
 * quotes of a quoted string; {@link #quoted()} says whether it was quoted. The domain is lower
 * case; for an address literal it is the bracketed text ({@code [192.0.2.1]}).
 */
public record EmailAddress(String localPart, String domain, boolean quoted) {

  public EmailAddress {
    if (localPart.isEmpty()) {
      throw new IllegalArgumentException("empty local part");
    }
    if (domain.isEmpty()) {
      throw new IllegalArgumentException("empty domain in address with local part " + localPart);
    }
    domain = domain.toLowerCase(Locale.ROOT);
  }

  /**
   * Parses a bare mailbox ({@code user@example.com}, no angle brackets), as used in
   * configuration and on the CLI.
   *
   * @throws IllegalArgumentException naming the text if it is not a mailbox
   */
  public static EmailAddress parse(String text) {
    try {
      return PathParser.parseMailbox(text.strip(), true);
    } catch (AddressSyntaxException e) {
      throw new IllegalArgumentException("not an email address: \"" + text + "\": " + e.getMessage(), e);
    }
  }

  public boolean isDomainLiteral() {
    return domain.startsWith("[");
  }

  /** The address inside a domain literal, if the domain is an IPv4 or IPv6 literal. */
  public Optional<InetAddress> domainLiteralAddress() {
    if (!isDomainLiteral()) {
      return Optional.empty();
    }
    String inner = domain.substring(1, domain.length() - 1);
    if (inner.startsWith("ipv6:")) {
      inner = inner.substring(5);
    }
    return Addresses.parseLiteral(inner);
  }

  /** The local part in lower case, for comparisons where case does not matter in practice. */
  public String localPartLowerCase() {
    return localPart.toLowerCase(Locale.ROOT);
  }

  /**
   * True if the local part hides another destination: {@code %} (percent hack), {@code !} (bang
   * path) or {@code @} (inside quotes). Such addresses are relay tricks when the domain is ours.
   */
  public boolean hasRoutingCharacters() {
    return localPart.indexOf('%') >= 0 || localPart.indexOf('!') >= 0 || localPart.indexOf('@') >= 0;
  }

  /** True if either part contains non-ASCII characters (needs SMTPUTF8). */
  public boolean isInternational() {
    return !PathParser.isAscii(localPart) || !PathParser.isAscii(domain);
  }

  /** The address as written in an SMTP path, re-quoting the local part where needed. */
  @Override
  public String toString() {
    return (quoted || !PathParser.isDotString(localPart) ? PathParser.quote(localPart) : localPart)
        + "@" + domain;
  }

  /** Case-insensitive comparison of both parts, for "mail from self" and list matching. */
  public boolean sameMailboxIgnoringCase(EmailAddress other) {
    return other.domain.equals(domain) && other.localPart.equalsIgnoreCase(localPart);
  }
}
