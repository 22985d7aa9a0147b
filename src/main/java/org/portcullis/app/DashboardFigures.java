package org.portcullis.app;

import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.portcullis.policy.RefusalCounts;
import org.portcullis.policy.RefusalLog;
import org.portcullis.queue.Spool;

/**
 * The admin dashboard's figures as JSON-ready values: the last 24 hours a minute at a time
 * (accepted, refused, deferred, greylisted), refusals by check and outcome since start, the clients
 * refused most in 24 hours, DNS list health and the spool's size.
 */
final class DashboardFigures implements Supplier<Map<String, Object>> {

  private final Timeline timeline;
  private final RefusalCounts counts;
  private final RefusalLog records;
  private final Blocklists blocklists;
  private final Spool spool;
  private final Clock clock;

  DashboardFigures(Timeline timeline, RefusalCounts counts, RefusalLog records, Blocklists blocklists, Spool spool,
      Clock clock) {
    this.timeline = timeline;
    this.counts = counts;
    this.records = records;
    this.blocklists = blocklists;
    this.spool = spool;
    this.clock = clock;
  }

  @Override
  public Map<String, Object> get() {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("timeline", timeline.columns());
    out.put("refusalsByCheck", counts.snapshot());
    out.put("topClients", records.topClients(clock.instant().minus(Duration.ofDays(1)), 10).stream()
        .map(c -> Map.of("address", c.address(), "refusals", c.refusals())).toList());
    out.put("zones", blocklists.dnsbl().map(d -> d.health().snapshot().entrySet().stream()
        .map(e -> Map.<String, Object>of("zone", e.getKey(), "healthy", e.getValue().healthy(),
            "reason", e.getValue().reason(), "since", e.getValue().since().toString())).toList())
        .orElse(List.of()));
    out.put("spool", spool.size());
    return out;
  }
}
