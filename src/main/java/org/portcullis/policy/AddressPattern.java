package org.portcullis.policy;

import java.util.Locale;
import org.portcullis.mail.EmailAddress;

/**
 * Matches envelope addresses: a full address ({@code user@example.com}), a whole domain
 * ({@code example.com} or {@code @example.com}), or a domain and its subdomains
 * ({@code .example.com}). Case-insensitive.
 */
public final class AddressPattern {

  private final String localPart;
  private final String domain;
  private final boolean subdomains;
  private final String text;

  private AddressPattern(String localPart, String domain, boolean subdomains, String text) {
    this.localPart = localPart;
    this.domain = domain;
    this.subdomains = subdomains;
    this.text = text;
  }

  /**
   * @throws IllegalArgumentException naming the pattern if it is neither an address nor a domain
   */
  public static AddressPattern parse(String pattern) {
    String p = pattern.strip().toLowerCase(Locale.ROOT);
    if (p.isEmpty()) {
      throw new IllegalArgumentException("empty address pattern");
    }
    int at = p.lastIndexOf('@');
    if (at > 0) {
      EmailAddress address = EmailAddress.parse(p);
      return new AddressPattern(address.localPart().toLowerCase(Locale.ROOT), address.domain(), false, p);
    }
    String domain = at == 0 ? p.substring(1) : p;
    boolean subdomains = domain.startsWith(".");
    if (subdomains) {
      domain = domain.substring(1);
    }
    if (!domain.matches("[a-z0-9]([a-z0-9-]*[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*")) {
      throw new IllegalArgumentException("not an address or domain pattern: \"" + pattern + "\"");
    }
    return new AddressPattern(null, domain, subdomains, p);
  }

  public boolean matches(EmailAddress address) {
    String d = address.domain();
    boolean domainMatches = subdomains ? d.endsWith("." + domain) || d.equals(domain) : d.equals(domain);
    return domainMatches && (localPart == null || address.localPart().equalsIgnoreCase(localPart));
  }

  /** Matches a host name (HELO) against a domain pattern. */
  public boolean matchesHost(String host) {
    String h = host.toLowerCase(Locale.ROOT);
    return localPart == null && (subdomains ? h.endsWith("." + domain) || h.equals(domain) : h.equals(domain));
  }

  @Override
  public String toString() {
    return text;
  }
}
