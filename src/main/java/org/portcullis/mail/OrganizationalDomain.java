package org.portcullis.mail;

import com.google.common.net.InternetDomainName;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The organisational domain of a name (RFC 7489 3.2): the registered domain under its public
 * suffix, from the public-suffix list Guava carries. A top-level domain the list does not know (a
 * new gTLD, {@code .test}) counts as a public suffix, so {@code mx1.example.test} belongs to
 * {@code example.test}.
 */
public final class OrganizationalDomain {

  /**
   * Answers already worked out: the public-suffix walk showed in DMARC's share of the acceptance
   * benchmark's profile, and a gateway meets the same few thousand domains again and again.
   */
  private static final com.github.benmanes.caffeine.cache.Cache<String, Optional<String>> KNOWN =
      com.github.benmanes.caffeine.cache.Caffeine.newBuilder().maximumSize(50_000).build();

  private OrganizationalDomain() {}

  /**
   * {@code mail.out.example.co.uk} -> {@code example.co.uk}, {@code foo.blogspot.com} -> itself (a
   * private suffix), lower case; empty for a single label, a public suffix itself or no domain name.
   */
  public static Optional<String> of(String hostname) {
    if (hostname.length() > 253) {
      return Optional.empty(); // not a domain name; and never a key of the cache
    }
    return KNOWN.get(hostname.toLowerCase(Locale.ROOT), OrganizationalDomain::find);
  }

  private static Optional<String> find(String hostname) {
    try {
      InternetDomainName name = InternetDomainName.from(hostname);
      if (name.isUnderPublicSuffix()) {
        return Optional.of(name.topPrivateDomain().toString());
      }
      if (name.isPublicSuffix() || name.parts().size() < 2) {
        return Optional.empty();
      }
      List<String> parts = name.parts();
      return Optional.of(parts.get(parts.size() - 2) + "." + parts.get(parts.size() - 1));
    } catch (IllegalArgumentException | IllegalStateException e) {
      return Optional.empty();
    }
  }
}
