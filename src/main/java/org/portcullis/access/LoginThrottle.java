package org.portcullis.access;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.portcullis.mail.Addresses;
import org.portcullis.mail.Cidr;

/**
 * Counts failed logins per client (IPv4 address, IPv6 /64) and per login name, and refuses
 * further attempts once either reaches its limit, until the window has passed since the last
 * failure: a password guesser gets a handful of tries per window from one network, and a
 * botnet guessing one account gets a handful in all. Refused attempts are not verified, so they
 * cost no Argon2 work either. A success clears the name's count.
 *
 * <p>So that a stranger's failures cannot lock a user out, the per-account limit does not apply
 * to a network (IPv4 /24, IPv6 /64) the account has logged in from successfully within
 * {@code trustedFor}; the per-client limit still does. Kept in memory: a restart forgets both.
 * Bounded memory; thread-safe.
 */
public final class LoginThrottle {

  private final int perClient;
  private final int perUser;
  private final Duration window;
  private final Cache<String, AtomicInteger> failures;
  private final Cache<String, Boolean> trusted;

  /**
   * @param perClient failed logins one client network may make within the window
   * @param perUser failed logins against one name within the window, from anywhere
   * @param window how long after the last failure the counts are kept
   */
  public LoginThrottle(int perClient, int perUser, Duration window, Clock clock) {
    this(perClient, perUser, window, Duration.ofDays(30), clock);
  }

  /** @param trustedFor how long a network an account logged in from stays exempt from its account's lockout */
  public LoginThrottle(int perClient, int perUser, Duration window, Duration trustedFor, Clock clock) {
    if (perClient < 1 || perUser < 1 || window.isNegative() || window.isZero()) {
      throw new IllegalArgumentException("login limits must be positive");
    }
    this.perClient = perClient;
    this.perUser = perUser;
    this.window = window;
    this.failures = Caffeine.newBuilder().maximumSize(100_000).expireAfterWrite(window)
        .ticker(() -> clock.millis() * 1_000_000L).build();
    this.trusted = Caffeine.newBuilder().maximumSize(100_000).expireAfterWrite(trustedFor)
        .ticker(() -> clock.millis() * 1_000_000L).build();
  }

  /** Why a login by {@code user} from {@code client} is refused now, or empty if it may be tried. */
  public Optional<String> refusal(InetAddress client, String user) {
    if (count(clientKey(client)) >= perClient) {
      return Optional.of("too many failed logins from your network; try again in " + minutes());
    }
    if (count(userKey(user)) >= perUser && trusted.getIfPresent(trustKey(client, user)) == null) {
      return Optional.of("too many failed logins for this account; try again in " + minutes());
    }
    return Optional.empty();
  }

  public void failed(InetAddress client, String user) {
    failures.asMap().compute(clientKey(client), (k, n) -> increment(n));
    failures.asMap().compute(userKey(user), (k, n) -> increment(n));
  }

  /** A login succeeded: the account's count is cleared and the client's network is trusted for it. */
  public void succeeded(InetAddress client, String user) {
    failures.invalidate(userKey(user));
    trusted.put(trustKey(client, user), Boolean.TRUE);
  }

  private static String trustKey(InetAddress client, String user) {
    return userKey(user) + " " + Cidr.clientNetwork(client);
  }

  private static AtomicInteger increment(AtomicInteger n) {
    // A fresh counter on each write restarts the window from this failure.
    return new AtomicInteger(n == null ? 1 : n.get() + 1);
  }

  private int count(String key) {
    AtomicInteger n = failures.getIfPresent(key);
    return n == null ? 0 : n.get();
  }

  private String minutes() {
    long n = Math.max(1, window.toMinutes());
    return n + (n == 1 ? " minute" : " minutes");
  }

  private static String clientKey(InetAddress client) {
    InetAddress a = Addresses.unmap(client);
    return "client:" + Cidr.of(a, a.getAddress().length == 4 ? 32 : 64);
  }

  private static String userKey(String user) {
    return "user:" + user.toLowerCase(java.util.Locale.ROOT);
  }
}
