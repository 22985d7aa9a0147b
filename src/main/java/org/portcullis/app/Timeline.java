package org.portcullis.app;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import org.portcullis.history.TrafficLog;
import org.portcullis.policy.RefusalCounts;
import org.portcullis.smtp.SmtpStats;
import org.portcullis.store.StoreException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last 24 hours of the gateway's traffic, a point a minute: messages accepted, recipients
 * refused, deferred (temporary failures) and greylisted, and the refusals (reject, tempfail,
 * disconnect) of each check, each as the count within that minute. Sampled by the gateway's
 * upkeep thread; every point is saved to the {@link TrafficLog} and the last 24 hours are read
 * back at start, so a restart keeps the charts. A store failure loses that point on disk only: the
 * dashboard is not worth failing mail for. Thread-safe.
 */
public final class Timeline {

  private static final Logger log = LoggerFactory.getLogger(Timeline.class);

  static final Duration SPAN = Duration.ofDays(1);
  static final List<String> TOTALS = List.of("accepted", "refused", "deferred", "greylisted");
  static final String CHECK = "check.";

  private final SmtpStats smtp;
  private final RefusalCounts refusals;
  private final TrafficLog store;
  private final Clock clock;
  private final Deque<TrafficLog.Minute> points = new ArrayDeque<>();
  private Map<String, Long> last;

  public Timeline(SmtpStats smtp, RefusalCounts refusals, TrafficLog store, Clock clock) {
    this.smtp = smtp;
    this.refusals = refusals;
    this.store = store;
    this.clock = clock;
    this.last = totals();
    try {
      points.addAll(store.since(clock.instant().minus(SPAN)));
    } catch (StoreException e) {
      log.warn("the dashboard's traffic starts empty: {}", e.getMessage());
    }
  }

  /** Adds (and saves) a point with the counts since the previous one. */
  public synchronized void sample() {
    Map<String, Long> now = totals();
    Map<String, Long> counts = new LinkedHashMap<>();
    now.forEach((series, total) -> {
      long delta = total - last.getOrDefault(series, 0L);
      if (delta != 0 || TOTALS.contains(series)) {
        counts.put(series, delta);
      }
    });
    last = now;
    Instant at = clock.instant();
    TrafficLog.Minute minute = new TrafficLog.Minute(at, counts);
    points.addLast(minute);
    while (!points.isEmpty() && points.peekFirst().at().isBefore(at.minus(SPAN))) {
      points.removeFirst();
    }
    try {
      store.save(minute);
    } catch (StoreException e) {
      log.warn("the dashboard's traffic minute {} was not saved: {}", at, e.getMessage());
    }
  }

  /** The running totals, by series. */
  private Map<String, Long> totals() {
    Map<String, Long> out = new HashMap<>();
    out.put("accepted", smtp.acceptedMessages());
    long greylisted = refusals.total("tempfail", Optional.of("greylist"));
    out.put("refused", refusals.total("reject", Optional.empty()) + refusals.total("disconnect", Optional.empty()));
    out.put("deferred", refusals.total("tempfail", Optional.empty()) - greylisted);
    out.put("greylisted", greylisted);
    refusals.snapshot().forEach((outcome, byCheck) -> {
      if (outcome.equals("reject") || outcome.equals("tempfail") || outcome.equals("disconnect")) {
        byCheck.forEach((check, n) -> out.merge(CHECK + check, n, Long::sum));
      }
    });
    return out;
  }

  /**
   * The points as columns for a chart: {@code t} (epoch seconds), {@code accepted},
   * {@code refused}, {@code deferred}, {@code greylisted}, and {@code checks}: each check's
   * refusals, one column per check that refused anything in the span.
   */
  public synchronized Map<String, Object> columns() {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("t", points.stream().map(p -> p.at().getEpochSecond()).toList());
    for (String series : TOTALS) {
      out.put(series, column(series));
    }
    TreeSet<String> checks = new TreeSet<>();
    points.forEach(p -> p.counts().keySet().stream().filter(s -> s.startsWith(CHECK)).forEach(checks::add));
    Map<String, List<Long>> byCheck = new TreeMap<>();
    checks.forEach(series -> byCheck.put(series.substring(CHECK.length()), column(series)));
    out.put("checks", byCheck);
    return out;
  }

  private List<Long> column(String series) {
    List<Long> values = new ArrayList<>(points.size());
    points.forEach(p -> values.add(p.counts().getOrDefault(series, 0L)));
    return values;
  }
}
