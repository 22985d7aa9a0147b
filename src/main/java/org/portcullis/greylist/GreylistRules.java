package org.portcullis.greylist;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/** RFC 6647 greylisting as a pure function of (entry, now): no I/O, no clock of its own. */
public final class GreylistRules {

  /** What an attempt gets, and the entry to keep. */
  public sealed interface Decision {
    GreylistEntry entry();

    /** Deferred: retry after {@code retryIn}. {@code reason} says why (new, too early, window missed, expired). */
    record Defer(GreylistEntry entry, Duration retryIn, String reason) implements Decision {}

    /** Passed: {@code firstPass} when this attempt is the one that passes the triplet. */
    record Pass(GreylistEntry entry, boolean firstPass) implements Decision {}
  }

  private final GreylistSettings settings;

  public GreylistRules(GreylistSettings settings) {
    this.settings = settings;
  }

  public GreylistSettings settings() {
    return settings;
  }

  public Decision decide(Optional<GreylistEntry> existing, Instant now) {
    if (existing.isEmpty()) {
      return fresh(now, "first attempt");
    }
    GreylistEntry e = existing.get();
    if (e.passed().isPresent()) {
      if (Duration.between(e.lastSeen(), now).compareTo(settings.passedLifetime()) > 0) {
        return fresh(now, "passed " + days(settings.passedLifetime()) + " ago without being seen since; expired");
      }
      return new Decision.Pass(new GreylistEntry(e.firstSeen(), now, e.passed(), e.attempts() + 1), false);
    }
    Duration age = Duration.between(e.firstSeen(), now);
    if (age.compareTo(settings.retryWindow()) > 0) {
      return fresh(now, "the retry came after the retry window of " + days(settings.retryWindow()));
    }
    if (age.compareTo(settings.delay()) < 0) {
      return new Decision.Defer(new GreylistEntry(e.firstSeen(), now, Optional.empty(), e.attempts() + 1),
          settings.delay().minus(age), "retried too early");
    }
    return new Decision.Pass(new GreylistEntry(e.firstSeen(), now, Optional.of(now), e.attempts() + 1), true);
  }

  private Decision fresh(Instant now, String reason) {
    return new Decision.Defer(new GreylistEntry(now, now, Optional.empty(), 1), settings.delay(), reason);
  }

  private static String days(Duration d) {
    return d.toHours() % 24 == 0 ? d.toDays() + " days" : d.toHours() + " hours";
  }
}
