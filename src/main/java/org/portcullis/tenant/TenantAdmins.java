package org.portcullis.tenant;

import java.net.InetAddress;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.portcullis.access.AdminUserStore;
import org.portcullis.access.AdminUsers;

/**
 * Tenant administrators: made, changed and removed by the operator; logged in with the admin
 * users' rules (Argon2id hashes, the same throttle per client network and account) from a store of
 * their own, so a tenant's name and password never open {@code /admin}. Thread-safe.
 */
public final class TenantAdmins {

  /** Tokens of tenant administrators are named this and the user's name. */
  public static final String TOKEN_PREFIX = "tenant.";

  private final AdminUsers passwords;
  private final TenantStore store;
  private final List<String> ourDomains;

  /** @param ourDomains {@code mail.accepted-domains}: the only domains a tenant may manage */
  public TenantAdmins(AdminUserStore users, TenantStore store, List<String> ourDomains, Clock clock) {
    this.passwords = new AdminUsers(users, clock);
    this.store = store;
    this.ourDomains = ourDomains.stream().map(d -> d.toLowerCase(Locale.ROOT)).toList();
  }

  /**
   * Creates a tenant administrator.
   *
   * @throws IllegalArgumentException for a bad name or password, a name that is taken, no domain or
   *     a domain that is not ours
   */
  public TenantAdmin create(String name, String password, Set<String> domains, boolean answersRequests) {
    TenantAdmin admin = new TenantAdmin(name, checkDomains(domains), answersRequests);
    passwords.create(name, password);
    store.save(admin);
    return admin;
  }

  /**
   * Changes the domains (when given) and the delegation of whitelist requests.
   *
   * @throws IllegalArgumentException for an unknown user or a domain that is not ours
   */
  public TenantAdmin change(String name, Optional<Set<String>> domains, Optional<Boolean> answersRequests) {
    TenantAdmin now = find(name).orElseThrow(() -> new IllegalArgumentException("no tenant administrator " + name));
    TenantAdmin next = new TenantAdmin(name, domains.map(this::checkDomains).orElse(now.domains()),
        answersRequests.orElse(now.answersRequests()));
    store.save(next);
    return next;
  }

  /** @throws IllegalArgumentException for a bad password or an unknown user */
  public void changePassword(String name, String password) {
    passwords.changePassword(name, password);
  }

  /** The administrator, if it exists: looked up on every request, so a change applies at once. */
  public Optional<TenantAdmin> find(String name) {
    return name == null ? Optional.empty() : store.find(name);
  }

  public List<TenantAdmin> list() {
    return store.list();
  }

  /** Removes the user and its domains; false if there was none. */
  public boolean remove(String name) {
    return store.remove(name);
  }

  /** A login from {@code client}; accepted only for a user that still has domains. */
  public AdminUsers.Login login(InetAddress client, String name, String password) {
    AdminUsers.Login login = passwords.login(client, name, password);
    if (login instanceof AdminUsers.Login.Accepted a && find(a.name()).isEmpty()) {
      return new AdminUsers.Login.Rejected();
    }
    return login;
  }

  /** The administrator an API token named {@code tenant.<name>} belongs to. */
  public Optional<TenantAdmin> byToken(String tokenName) {
    return tokenName != null && tokenName.startsWith(TOKEN_PREFIX)
        ? find(tokenName.substring(TOKEN_PREFIX.length())) : Optional.empty();
  }

  private Set<String> checkDomains(Set<String> domains) {
    Set<String> out = new TreeSet<>();
    for (String d : domains) {
      String lower = d.strip().toLowerCase(Locale.ROOT);
      if (!ourDomains.contains(lower)) {
        throw new IllegalArgumentException("\"" + printable(lower) + "\" is not one of our domains "
            + "(mail.accepted-domains: " + String.join(", ", ourDomains) + ")");
      }
      out.add(lower);
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException("name at least one domain (--domain)");
    }
    return out;
  }

  private static String printable(String text) {
    return text.chars().limit(100).map(c -> c >= 0x20 && c < 0x7f ? c : '?')
        .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString();
  }
}
