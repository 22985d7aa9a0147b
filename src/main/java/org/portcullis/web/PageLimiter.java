package org.portcullis.web;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import io.javalin.http.Context;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.portcullis.mail.Addresses;
import org.portcullis.mail.Cidr;

/**
 * Limits how many explanation, lookup and status pages one client network (IPv4 /24, IPv6 /64)
 * may view per minute: those pages are keyed by what a stranger might try to guess (references,
 * addresses, tokens), and a guesser spread over a network's addresses counts as one. Bounded
 * memory; thread-safe.
 */
final class PageLimiter {

  static final Duration WINDOW = Duration.ofMinutes(1);

  private final int perMinute;
  private final Cache<Cidr, AtomicInteger> views;

  /** @param ticker nanoseconds (a fake one in tests) */
  PageLimiter(int perMinute, Ticker ticker) {
    if (perMinute < 1) {
      throw new IllegalArgumentException("perMinute must be at least 1, not " + perMinute);
    }
    this.perMinute = perMinute;
    this.views = Caffeine.newBuilder().expireAfterWrite(WINDOW).maximumSize(100_000).ticker(ticker).build();
  }

  /**
   * Counts a view by this request's client.
   *
   * @throws PortalPages.PageError 429 with Retry-After past the limit
   */
  void check(Context ctx) {
    if (!tryAcquire(ctx)) {
      ctx.header("Retry-After", String.valueOf(WINDOW.toSeconds()));
      throw new PortalPages.PageError(429, "Too many requests", "Too many pages were asked for from your network. "
          + "Wait a minute and try again.");
    }
  }

  /** Counts a request by this request's client; false past the limit. */
  boolean tryAcquire(Context ctx) {
    Optional<InetAddress> client = Addresses.parseLiteral(ctx.ip());
    if (client.isEmpty()) {
      return true; // not a TCP peer (cannot happen with Jetty); nothing to count by
    }
    return views.get(Cidr.clientNetwork(client.get()), k -> new AtomicInteger()).incrementAndGet() <= perMinute;
  }
}
