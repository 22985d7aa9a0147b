package org.portcullis.tenant;

import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * A tenant administrator: a user bound to domains of ours.
 *
 * @param name the login name
 * @param domains the domains it manages, lower case, at least one
 * @param answersRequests whether the operator delegated the whitelist requests addressed to these
 *     domains' recipients (otherwise the tenant sees them and the operator answers)
 */
public record TenantAdmin(String name, Set<String> domains, boolean answersRequests) {

  public TenantAdmin {
    domains = Set.copyOf(new TreeSet<>(domains.stream().map(d -> d.toLowerCase(Locale.ROOT)).toList()));
    if (domains.isEmpty()) {
      throw new IllegalArgumentException("a tenant administrator manages at least one domain");
    }
  }

  /**
   * Whether {@code addressOrDomain} (a mailbox {@code local@domain} or a domain) is in one of its
   * domains: exactly, never a subdomain or a suffix ({@code a.example} owns neither
   * {@code x.a.example} nor {@code ba.example}).
   */
  public boolean owns(String addressOrDomain) {
    if (addressOrDomain == null) {
      return false;
    }
    String t = addressOrDomain.strip();
    int at = t.lastIndexOf('@');
    String domain = (at >= 0 ? t.substring(at + 1) : t).toLowerCase(Locale.ROOT);
    if (domain.endsWith(".")) {
      domain = domain.substring(0, domain.length() - 1);
    }
    return domains.contains(domain);
  }

  /** Whether any of {@code recipients} is its. */
  public boolean ownsAny(List<String> recipients) {
    return recipients.stream().anyMatch(this::owns);
  }

  /** Those of {@code recipients} that are its, in their order. */
  public List<String> own(List<String> recipients) {
    return recipients.stream().filter(this::owns).toList();
  }

  /** Its domains, sorted. */
  public List<String> domainList() {
    return List.copyOf(new TreeSet<>(domains));
  }
}
