package org.portcullis.access;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * What an API token may do. A token names one or more; {@link #ADMIN} includes every other.
 *
 * <ul>
 *   <li>{@link #REPORT}: file evidence, false-positive reports and delisting requests; look up an address
 *   <li>{@link #LISTS}: allow and deny entries, whitelists, whitelist requests
 *   <li>{@link #BLOCKLIST}: everything under {@code /api/blocklist/} (delist, list permanently, notes, answers)
 *   <li>{@link #DIAGNOSE}: {@code POST /api/diagnose} connecting to any public server (without it, a
 *   diagnosis connects only to the client and sender domain of a refusal whose reference it names)
 *   <li>{@link #ADMIN}: all of the above, and check modes, the dashboard, transactions
 *   <li>{@link #TENANT}: only {@code /api/tenant/}, for the domains of the tenant administrator the
 *   token is named after ({@code tenant.<name>}, made by {@code portcullis tenant add-token}); no
 *   other scope grants it and it grants no other
 * </ul>
 */
public enum ApiScope {
  REPORT, LISTS, BLOCKLIST, DIAGNOSE, ADMIN, TENANT;

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Optional<ApiScope> fromLabel(String label) {
    for (ApiScope s : values()) {
      if (s.label().equals(label.strip().toLowerCase(Locale.ROOT))) {
        return Optional.of(s);
      }
    }
    return Optional.empty();
  }

  /** Whether a token with {@code granted} may use a route that needs this scope. */
  public boolean grantedBy(Set<ApiScope> granted) {
    if (this == TENANT || granted.contains(TENANT)) {
      return this == TENANT && granted.contains(TENANT);
    }
    return granted.contains(this) || granted.contains(ADMIN) || (this == REPORT && granted.contains(BLOCKLIST));
  }

  /** Parses {@code report,lists}; throws naming the bad one. */
  public static Set<ApiScope> parse(String text) {
    Set<ApiScope> out = EnumSet.noneOf(ApiScope.class);
    for (String part : text.split(",")) {
      if (part.isBlank()) {
        continue;
      }
      out.add(fromLabel(part).orElseThrow(() -> new IllegalArgumentException("\"" + part.strip()
          + "\" is not a scope; the scopes are report, lists, blocklist, diagnose, admin (and tenant, for tenant tokens)")));
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException("a token needs at least one scope: report, lists, blocklist, diagnose or admin");
    }
    return out;
  }

  public static String text(Set<ApiScope> scopes) {
    return String.join(",", scopes.stream().map(ApiScope::label).toList());
  }
}
