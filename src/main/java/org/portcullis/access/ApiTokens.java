package org.portcullis.access;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * API tokens: 256 random bits, shown once at creation ({@code pct_...}), kept as a SHA-256 hash
 * (a fast hash is enough for a random secret of that size; passwords, which are not random, get a
 * slow KDF elsewhere), each with its {@link ApiScope scopes}. Thread-safe.
 */
public final class ApiTokens {

  public static final String PREFIX = "pct_";
  private static final int NAME_MAX = 64;

  private final ApiTokenStore store;
  private final Clock clock;
  private final SecureRandom random = new SecureRandom();

  public ApiTokens(ApiTokenStore store, Clock clock) {
    this.store = store;
    this.clock = clock;
  }

  /**
   * Creates a token named {@code name} and returns it (the only time it is seen).
   *
   * @throws IllegalArgumentException if the name is not 1-64 letters, digits, dots, dashes or
   *     underscores, or is taken
   */
  public String create(String name, java.util.Set<ApiScope> scopes) {
    if (scopes.isEmpty()) {
      throw new IllegalArgumentException("a token needs at least one scope: report, lists, blocklist, diagnose or admin");
    }
    if (scopes.contains(ApiScope.TENANT) && (scopes.size() > 1 || !name.startsWith("tenant."))) {
      throw new IllegalArgumentException("a tenant token has the scope tenant alone and is named tenant.<its "
          + "administrator> (portcullis tenant add-token)");
    }
    if (!name.matches("[A-Za-z0-9._-]{1," + NAME_MAX + "}")) {
      throw new IllegalArgumentException("a token name is 1-" + NAME_MAX + " letters, digits, '.', '-' or '_'");
    }
    byte[] secret = new byte[32];
    random.nextBytes(secret);
    String token = PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
    if (!store.add(name, hash(token), clock.instant(), scopes)) {
      throw new IllegalArgumentException("a token named " + name + " exists already");
    }
    return token;
  }

  /** The token presented (its name and scopes), if it is valid. */
  public Optional<ApiTokenStore.Entry> verify(String presented) {
    if (presented == null || !presented.startsWith(PREFIX) || presented.length() > 100) {
      return Optional.empty();
    }
    return store.use(hash(presented), clock.instant());
  }

  public List<ApiTokenStore.Entry> list() {
    return store.list();
  }

  public boolean remove(String name) {
    return store.remove(name);
  }

  static String hash(String token) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.US_ASCII)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JDK", e);
    }
  }
}
