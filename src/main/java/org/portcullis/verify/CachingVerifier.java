package org.portcullis.verify;

import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.portcullis.mail.EmailAddress;

/**
 * Remembers verifications, as Postfix's {@code verify(8)} does: an address that exists for
 * {@code positive} (a day), one that does not for {@code negative} (an hour), and an unknown answer
 * for {@code unknown} only (a minute), so that a server that greylisted our callout is asked again
 * when the sender retries. An answer for a whole domain (a null MX, the null sender refused, its
 * servers unreachable) is kept under the domain too and answers for every address of it. Callers
 * asking for the same address at once share one callout. In memory, bounded by {@code maxEntries}.
 */
public final class CachingVerifier implements AddressVerifier {

  /**
   * How long answers are kept.
   *
   * @param positive {@code verify.positive-ttl-hours}
   * @param negative {@code verify.negative-ttl-minutes}
   * @param unknown {@code verify.tempfail-ttl-seconds}
   * @param maxEntries {@code verify.cache-max-entries}
   */
  public record Lifetimes(Duration positive, Duration negative, Duration unknown, long maxEntries) {}

  private final AddressVerifier verifier;
  private final AsyncCache<String, Verification> answers;
  private final java.util.concurrent.atomic.LongAdder asked = new java.util.concurrent.atomic.LongAdder();
  private final java.util.Map<String, java.util.concurrent.atomic.LongAdder> answered = java.util.Map.of(
      "exists", new java.util.concurrent.atomic.LongAdder(), "missing", new java.util.concurrent.atomic.LongAdder(),
      "unknown", new java.util.concurrent.atomic.LongAdder());

  /** The kinds of answer, as {@link #answers(String)} and the metrics name them. */
  public static final java.util.List<String> KINDS = java.util.List.of("exists", "missing", "unknown");

  /** @param executor where callouts run (virtual threads: they block on sockets) */
  public CachingVerifier(AddressVerifier verifier, Lifetimes lifetimes, Clock clock, Executor executor) {
    this.verifier = verifier;
    this.answers = Caffeine.newBuilder().maximumSize(lifetimes.maxEntries()).executor(executor)
        .ticker(() -> clock.millis() * 1_000_000L).expireAfter(new Expiry<String, Verification>() {
          @Override
          public long expireAfterCreate(String key, Verification value, long now) {
            return lifetime(value, lifetimes).toNanos();
          }

          @Override
          public long expireAfterUpdate(String key, Verification value, long now, long current) {
            return lifetime(value, lifetimes).toNanos();
          }

          @Override
          public long expireAfterRead(String key, Verification value, long now, long current) {
            return current;
          }
        }).buildAsync();
  }

  private static Duration lifetime(Verification v, Lifetimes lifetimes) {
    return switch (v) {
      case Verification.Exists e -> lifetimes.positive();
      case Verification.Missing m -> lifetimes.negative();
      case Verification.Unknown u -> lifetimes.unknown();
    };
  }

  @Override
  public Verification verify(EmailAddress address, long deadlineNanos) {
    asked.increment();
    String domainKey = "@" + address.domain().toLowerCase(Locale.ROOT);
    CompletableFuture<Verification> domainWide = answers.getIfPresent(domainKey);
    if (domainWide != null && domainWide.isDone() && !domainWide.isCompletedExceptionally()) {
      return domainWide.join();
    }
    String key = address.toString().toLowerCase(Locale.ROOT);
    CompletableFuture<Verification> answer = answers.get(key, (k, executor) -> CompletableFuture.supplyAsync(() -> {
      Verification v = verifier.verify(address, deadlineNanos);
      answered.get(kind(v)).increment();
      if (isWholeDomain(v)) {
        answers.put(domainKey, CompletableFuture.completedFuture(v));
      }
      return v;
    }, executor));
    try {
      return answer.get(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      return new Verification.Unknown(address.domain(), "no answer in time", false);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Verification.Unknown(address.domain(), "interrupted", false);
    } catch (ExecutionException e) {
      return new Verification.Unknown(address.domain(), "verification failed: " + e.getCause(), false);
    }
  }

  /** Verifications asked of this cache, answered from it or not. */
  public long asked() {
    return asked.sum();
  }

  /** Answers the verifier behind the cache gave (callouts or directory searches made), by kind. */
  public long answers(String kind) {
    java.util.concurrent.atomic.LongAdder n = answered.get(kind);
    return n == null ? 0 : n.sum();
  }

  private static String kind(Verification v) {
    return switch (v) {
      case Verification.Exists e -> "exists";
      case Verification.Missing m -> "missing";
      case Verification.Unknown u -> "unknown";
    };
  }

  /** How many answers are kept now (addresses and domains), for metrics and tests. */
  public long size() {
    answers.synchronous().cleanUp();
    return answers.synchronous().estimatedSize();
  }

  private static boolean isWholeDomain(Verification v) {
    return switch (v) {
      case Verification.Missing m -> m.wholeDomain();
      case Verification.Unknown u -> u.wholeDomain();
      case Verification.Exists e -> false;
    };
  }
}
