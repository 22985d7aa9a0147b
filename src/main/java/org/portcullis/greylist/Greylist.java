package org.portcullis.greylist;

import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.atomic.LongAdder;

/**
 * The greylist service: decides a triplet with {@link GreylistRules} in one store transaction,
 * remembers auto-whitelisted clients, and counts decisions for the metrics. Thread-safe.
 */
public final class Greylist {

  /** What happened to an attempt, for logs and explanations. */
  public record Outcome(GreylistRules.Decision decision, boolean clientWhitelisted, int clientPasses) {}

  private final GreylistStore store;
  private final GreylistRules rules;
  private final Clock clock;
  final LongAdder firstSeen = new LongAdder();
  final LongAdder deferred = new LongAdder();
  final LongAdder passed = new LongAdder();
  final LongAdder expired = new LongAdder();

  public Greylist(GreylistStore store, GreylistSettings settings, Clock clock) {
    this.store = store;
    this.rules = new GreylistRules(settings);
    this.clock = clock;
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
    return needed > 0 && passes(client) >= needed;
  }

  private int passes(String client) {
    return store.clientPasses(client, clock.instant().minus(rules.settings().passedLifetime()));
  }

  /** Judges one attempt of a triplet. */
  public Outcome attempt(Triplet triplet) {
    Instant now = clock.instant();
    GreylistRules.Decision decision = store.update(triplet, existing -> rules.decide(existing, now), now);
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
        }
      }
    }
    int passes = decision instanceof GreylistRules.Decision.Pass ? passes(triplet.client()) : 0;
    int needed = rules.settings().autoWhitelistPasses();
    return new Outcome(decision, needed > 0 && passes >= needed, passes);
  }

  /** Forgets triplets not seen for the passed lifetime; returns how many. */
  public int prune() {
    return store.prune(clock.instant().minus(rules.settings().passedLifetime()));
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
