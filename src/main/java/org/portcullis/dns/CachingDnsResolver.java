package org.portcullis.dns;

import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.Ticker;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * A TTL-honouring cache in front of another resolver.
 *
 * <p>Positive answers live for their TTL (capped), NXDOMAIN and NODATA for their RFC 2308
 * negative TTL (capped), failures (SERVFAIL, timeout) for a short fixed time so that a dead
 * server is not hammered by every session. Concurrent lookups of the same name and type share one
 * query. Thread-safe.
 */
public final class CachingDnsResolver implements DnsResolver {

  private record Key(String name, DnsType type) {}

  private final DnsResolver delegate;
  private final AsyncCache<Key, DnsAnswer> cache;

  /**
   * @param delegate the resolver that asks the network
   * @param maximumEntries the most answers kept
   * @param maxTtl the longest a positive answer is kept, whatever its TTL
   * @param maxNegativeTtl the longest NXDOMAIN or NODATA is kept
   * @param failureTtl how long SERVFAIL, timeouts and errors are kept (zero: not at all)
   * @param ticker the time source (a fake one in tests)
   */
  public CachingDnsResolver(DnsResolver delegate, long maximumEntries, Duration maxTtl,
      Duration maxNegativeTtl, Duration failureTtl, Ticker ticker) {
    this.delegate = delegate;
    long maxNanos = maxTtl.toNanos();
    long maxNegativeNanos = maxNegativeTtl.toNanos();
    long failureNanos = failureTtl.toNanos();
    this.cache = Caffeine.newBuilder()
        .maximumSize(maximumEntries)
        .ticker(ticker)
        .expireAfter(new Expiry<Key, DnsAnswer>() {
          @Override
          public long expireAfterCreate(Key key, DnsAnswer answer, long currentTime) {
            long ttlNanos = Duration.ofSeconds(answer.ttlSeconds()).toNanos();
            return switch (answer.status()) {
              case NOERROR -> Math.min(ttlNanos, maxNanos);
              case NXDOMAIN, NODATA -> Math.min(ttlNanos, maxNegativeNanos);
              default -> failureNanos;
            };
          }

          @Override
          public long expireAfterUpdate(Key key, DnsAnswer answer, long currentTime, long currentDuration) {
            return expireAfterCreate(key, answer, currentTime);
          }

          @Override
          public long expireAfterRead(Key key, DnsAnswer answer, long currentTime, long currentDuration) {
            return currentDuration;
          }
        })
        .buildAsync();
  }

  @Override
  public CompletableFuture<DnsAnswer> lookup(String name, DnsType type) {
    Key key = new Key(DnsjavaResolver.normalize(name), type);
    return cache.get(key, (k, executor) -> delegate.lookup(k.name(), k.type()));
  }
}
