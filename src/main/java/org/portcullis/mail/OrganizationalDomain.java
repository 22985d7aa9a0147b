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

  private OrganizationalDomain() {}

  /**
   * {@code mail.out.example.co.uk} -> {@code example.co.uk}, {@code foo.blogspot.com} -> itself (a
   * private suffix), lower case; empty for a single label, a public suffix itself or no domain name.
   */
  public static Optional<String> of(String hostname) {
    try {
      InternetDomainName name = InternetDomainName.from(hostname.toLowerCase(Locale.ROOT));
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
