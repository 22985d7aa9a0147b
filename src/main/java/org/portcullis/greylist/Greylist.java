package org.portcullis.greylist;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.RemovalCause;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * The greylist service: decides a triplet with {@link GreylistRules}, remembers auto-whitelisted
 * clients, and counts decisions for the metrics. Thread-safe.
 *
 * <p>The working set lives in memory (a bounded Caffeine cache over the store) and changes are
 * written behind: {@link #flush()} writes every changed triplet in one transaction, and the gateway
 * calls it a few times a second and at shutdown. A crash loses at most the changes since the last
 * flush, which costs an affected sender one more greylisting round, never a wrongly passed
 * message. At start the store's triplets are loaded if they fit; while nothing has been evicted, a
 * triplet not in memory is new and costs no store read. Once memory is full, a triplet not in
 * memory is read from the store, and its unwritten change, if any, from the pending writes, so
 * eviction loses nothing.
 */
public final class Greylist {

  /** Triplets kept in memory by default (roughly 200 bytes each). */
  public static final int DEFAULT_MEMORY_ENTRIES = 500_000;

  private static final Duration CLIENT_COUNT_LIFETIME = Duration.ofMinutes(10);
  private static final Duration LAST_SEEN_WRITE_INTERVAL = Duration.ofMinutes(1);

  /** A triplet's entry in memory, with the last-seen time the store has for it. */
  private record Remembered(GreylistEntry entry, Instant writtenLastSeen) {}

  /** What happened to an attempt, for logs and explanations. */
  public record Outcome(GreylistRules.Decision decision, boolean clientWhitelisted, int clientPasses) {}

  private final GreylistStore store;
  private final GreylistRules rules;
  private final Clock clock;
  private final Cache<Triplet, Remembered> entries;
  /** Changes not yet written; the latest entry per triplet. */
  private final ConcurrentHashMap<Triplet, GreylistEntry> pending = new ConcurrentHashMap<>();
  /** Passed triplets per client (the auto-whitelist count), read from the store once per client. */
  private final Cache<String, AtomicInteger> clientPasses;
  private final Object writer = new Object();
  /** True while memory holds every triplet of the store (loaded at start, nothing evicted since). */
  private volatile boolean complete;
  final LongAdder firstSeen = new LongAdder();
  final LongAdder deferred = new LongAdder();
  final LongAdder passed = new LongAdder();
  final LongAdder expired = new LongAdder();

  /** Keeps {@code settings.memoryEntries()} triplets in memory. */
  public Greylist(GreylistStore store, GreylistSettings settings, Clock clock) {
    this(store, settings, clock, settings.memoryEntries());
  }

  /** @param memoryEntries triplets to keep in memory; the rest are read from the store when seen */
  public Greylist(GreylistStore store, GreylistSettings settings, Clock clock, int memoryEntries) {
    this.store = store;
    this.rules = new GreylistRules(settings);
    this.clock = clock;
    // Maintenance on the caller's thread: eviction is cheap and happens when it should.
    this.entries = Caffeine.newBuilder().maximumSize(memoryEntries).executor(Runnable::run)
        .evictionListener((Triplet key, Remembered value, RemovalCause cause) -> complete = false).build();
    if (store.count() <= memoryEntries) {
      store.forEach((triplet, entry) -> entries.put(triplet, new Remembered(entry, entry.lastSeen())));
      complete = true;
    }
    // Counts are re-read after a while (on the greylist's clock) so passes past their lifetime drop out.
    this.clientPasses = Caffeine.newBuilder().maximumSize(Math.max(1_000, memoryEntries / 10))
        .expireAfterWrite(CLIENT_COUNT_LIFETIME).ticker(() -> clock.millis() * 1_000_000L).executor(Runnable::run)
        .build();
  }

  public GreylistSettings settings() {
    return rules.settings();
  }

  public Clock clock() {
    return clock;
  }

  /** Whether the client passed enough triplets to pass every sender now. */
  public boolean clientWhitelisted(String client) {
    int needed = rules.settings().autoWhitelistPasses();
    return needed > 0 && passes(client).get() >= needed;
  }

  private AtomicInteger passes(String client) {
    return clientPasses.get(client, c -> {
      flush(); // so the count includes passes not yet written
      return new AtomicInteger(store.clientPasses(c, clock.instant().minus(rules.settings().passedLifetime())));
    });
  }

  /** Judges one attempt of a triplet. */
  public Outcome attempt(Triplet triplet) {
    Instant now = clock.instant();
    AtomicInteger count = passes(triplet.client()); // read before this attempt's change, which it counts below
    GreylistRules.Decision[] decided = new GreylistRules.Decision[1];
    entries.asMap().compute(triplet, (key, cached) -> {
      Remembered existing = cached != null ? cached : stored(key);
      GreylistRules.Decision decision = rules.decide(Optional.ofNullable(existing).map(Remembered::entry), now);
      decided[0] = decision;
      GreylistEntry entry = decision.entry();
      if (existing == null || mustWrite(existing, entry)) {
        pending.put(key, entry);
        return new Remembered(entry, entry.lastSeen());
      }
      return new Remembered(entry, existing.writtenLastSeen());
    });
    GreylistRules.Decision decision = decided[0];
    int passes = 0;
    switch (decision) {
      case GreylistRules.Decision.Defer d -> {
        deferred.increment();
        if (d.entry().attempts() == 1) {
          firstSeen.increment();
          if (d.reason().contains("expired") || d.reason().contains("window")) {
            expired.increment();
          }
        }
      }
      case GreylistRules.Decision.Pass p -> {
        if (p.firstPass()) {
          passed.increment();
          passes = count.incrementAndGet();
        } else {
          passes = count.get();
        }
      }
    }
    int needed = rules.settings().autoWhitelistPasses();
    return new Outcome(decision, needed > 0 && passes >= needed, passes);
  }

  private Remembered stored(Triplet triplet) {
    GreylistEntry unwritten = pending.get(triplet);
    if (unwritten != null) {
      return new Remembered(unwritten, unwritten.lastSeen());
    }
    if (complete) {
      return null; // while memory holds every triplet, one not in memory is new
    }
    return store.find(triplet).map(e -> new Remembered(e, e.lastSeen())).orElse(null);
  }

  /**
   * Whether a change must be written: any change of state does; a passed triplet seen again only
   * moves its last-seen time (which matters for the 35-day lifetime), so that is written at most
   * once a minute per triplet.
   */
  private static boolean mustWrite(Remembered before, GreylistEntry after) {
    GreylistEntry old = before.entry();
    boolean sameState = old.passed().equals(after.passed()) && old.firstSeen().equals(after.firstSeen());
    return !sameState || after.passed().isEmpty()
        || Duration.between(before.writtenLastSeen(), after.lastSeen()).compareTo(LAST_SEEN_WRITE_INTERVAL) >= 0;
  }

  /**
   * Writes every pending change in one store transaction. On a store error the changes stay
   * pending for the next flush, and the error is thrown.
   */
  public void flush() {
    synchronized (writer) {
      if (pending.isEmpty()) {
        return;
      }
      Map<Triplet, GreylistEntry> batch = new HashMap<>(pending);
      store.saveAll(batch);
      batch.forEach(pending::remove); // only if unchanged since: a newer change stays pending
    }
  }

  /** Changes not yet written to the store. */
  public int pendingWrites() {
    return pending.size();
  }

  /** Forgets triplets not seen for the passed lifetime; returns how many the store deleted. */
  public int prune() {
    Instant before = clock.instant().minus(rules.settings().passedLifetime());
    int removed;
    synchronized (writer) {
      flush();
      removed = store.prune(before);
    }
    entries.asMap().values().removeIf(e -> e.entry().lastSeen().isBefore(before));
    clientPasses.invalidateAll();
    return removed;
  }

  public long firstSeenCount() {
    return firstSeen.sum();
  }

  public long deferredCount() {
    return deferred.sum();
  }

  public long passedCount() {
    return passed.sum();
  }

  public long expiredCount() {
    return expired.sum();
  }
}
