package org.portcullis.app;

import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.portcullis.policy.RefusalCounts;
import org.portcullis.smtp.SmtpStats;

/**
 * The last 24 hours of the gateway's traffic, a point a minute, kept in memory (a restart starts
 * it over): messages accepted, recipients refused, deferred (temporary failures) and greylisted,
 * each as the count within that minute. Sampled by the gateway's upkeep thread. Thread-safe.
 */
public final class Timeline {

  static final int POINTS = 24 * 60;

  /** One minute's counts. */
  public record Point(long epochSecond, long accepted, long refused, long deferred, long greylisted) {}

  private final SmtpStats smtp;
  private final RefusalCounts refusals;
  private final Clock clock;
  private final Deque<Point> points = new ArrayDeque<>(POINTS);
  private long lastAccepted;
  private long lastRefused;
  private long lastDeferred;
  private long lastGreylisted;

  public Timeline(SmtpStats smtp, RefusalCounts refusals, Clock clock) {
    this.smtp = smtp;
    this.refusals = refusals;
    this.clock = clock;
    sample(false);
  }

  /** Adds a point with the counts since the previous one. */
  public synchronized void sample() {
    sample(true);
  }

  private synchronized void sample(boolean keep) {
    long accepted = smtp.acceptedMessages();
    long refused = refusals.total("reject", Optional.empty()) + refusals.total("disconnect", Optional.empty());
    long greylisted = refusals.total("tempfail", Optional.of("greylist"));
    long deferred = refusals.total("tempfail", Optional.empty()) - greylisted;
    if (keep) {
      if (points.size() == POINTS) {
        points.removeFirst();
      }
      points.addLast(new Point(clock.instant().getEpochSecond(), accepted - lastAccepted, refused - lastRefused,
          deferred - lastDeferred, greylisted - lastGreylisted));
    }
    lastAccepted = accepted;
    lastRefused = refused;
    lastDeferred = deferred;
    lastGreylisted = greylisted;
  }

  /** The points as columns for a chart: {@code t}, {@code accepted}, {@code refused}, {@code deferred}, {@code greylisted}. */
  public synchronized Map<String, List<Long>> columns() {
    Map<String, List<Long>> out = new LinkedHashMap<>();
    for (String name : List.of("t", "accepted", "refused", "deferred", "greylisted")) {
      out.put(name, new ArrayList<>(points.size()));
    }
    for (Point p : points) {
      out.get("t").add(p.epochSecond());
      out.get("accepted").add(p.accepted());
      out.get("refused").add(p.refused());
      out.get("deferred").add(p.deferred());
      out.get("greylisted").add(p.greylisted());
    }
    return out;
  }
}
