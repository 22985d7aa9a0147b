package org.portcullis.diagnose;

import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.BiFunction;

/**
 * {@code greylist.history}: what our greylist saw of the server's network (the key greylisting
 * uses: its /24, or its PTR's organisation) over the last 30 days: how many deliveries were
 * greylisted, how many were retried and passed and after how long, how many were never retried.
 * Seed 001: "make sure your server retries"; RFC 5321 4.5.4.1 requires it. A delivery not retried
 * within 2 hours counts as never retried. None passed but some abandoned fails; some abandoned
 * warns; all retried passes; nothing seen is information.
 */
public final class GreylistHistoryProbe implements Probe {

  public static final String ID = "greylist.history";
  /** How far back the history goes. */
  public static final Duration WINDOW = Duration.ofDays(30);
  /** A greylisted delivery not retried within this long was given up. */
  public static final Duration GIVEN_UP = Duration.ofHours(2);

  /**
   * One greylisted delivery (a triplet) as the store keeps it.
   *
   * @param passed when a retry was let through (empty while it is still deferred)
   * @param attempts the attempts seen
   */
  public record Delivery(Instant firstSeen, Instant lastSeen, Optional<Instant> passed, int attempts) {}

  /**
   * The client's greylist key and its deliveries since an instant.
   *
   * @param key what greylisting groups the client by ({@code 192.0.2.0/24}, {@code ptr:example.com})
   */
  public record History(String key, List<Delivery> deliveries) {}

  private final BiFunction<InetAddress, Optional<String>, History> history;
  private final Clock clock;

  /**
   * @param history the deliveries of an address (and its forward-confirmed PTR name) seen since
   *     {@link #WINDOW} ago; may throw when the store fails
   */
  public GreylistHistoryProbe(BiFunction<InetAddress, Optional<String>, History> history, Clock clock) {
    this.history = history;
    this.clock = clock;
  }

  @Override
  public List<Finding> run(Subject subject, Lookups lookups, long deadlineNanos) {
    Optional<String> confirmed = Optional.ofNullable(lookups.reverse(subject.ip(), deadlineNanos))
        .flatMap(org.portcullis.dns.ReverseDns::confirmedName);
    Values v = new Values(subject);
    History h;
    try {
      h = history.apply(subject.ip(), confirmed);
    } catch (RuntimeException e) {
      return List.of(v.fact("store", "did not answer").finding(ID, Status.UNKNOWN));
    }
    v.put("key", h.key()).fact("greylisted as", h.key());
    Instant now = clock.instant();
    int passed = 0;
    int givenUp = 0;
    int early = 0;
    int waiting = 0;
    List<Duration> delays = new ArrayList<>();
    for (Delivery d : h.deliveries()) {
      if (d.passed().isPresent()) {
        passed++;
        delays.add(Duration.between(d.firstSeen(), d.passed().get()));
      } else if (d.attempts() <= 1 && Duration.between(d.firstSeen(), now).compareTo(GIVEN_UP) > 0) {
        givenUp++;
      } else if (d.attempts() > 1) {
        early++;
      } else {
        waiting++;
      }
    }
    int total = h.deliveries().size();
    v.put("total", String.valueOf(total)).put("passed", String.valueOf(passed)).put("given-up", String.valueOf(givenUp))
        .fact("greylisted deliveries (30 days)", String.valueOf(total)).fact("retried and passed", String.valueOf(passed))
        .fact("never retried (2 hours)", String.valueOf(givenUp));
    if (early > 0) {
      v.fact("retried, but only before the delay", String.valueOf(early));
    }
    if (waiting > 0) {
      v.fact("still within 2 hours of the first attempt", String.valueOf(waiting));
    }
    if (!delays.isEmpty()) {
      delays.sort(Duration::compareTo);
      Duration median = delays.get(delays.size() / 2);
      v.put("median", words(median)).fact("median retry delay", words(median))
          .fact("longest retry delay", words(delays.getLast()));
    }
    if (total == 0) {
      return List.of(v.finding(ID, Status.INFO));
    }
    if (givenUp == 0) {
      return List.of(v.finding(ID, passed > 0 ? Status.PASS : Status.INFO));
    }
    return List.of(v.finding(ID, passed == 0 ? Status.FAIL : Status.WARN));
  }

  private static String words(Duration d) {
    long s = d.toSeconds();
    return s < 120 ? s + " s" : s < 7200 ? s / 60 + " min" : s / 3600 + " h";
  }
}
