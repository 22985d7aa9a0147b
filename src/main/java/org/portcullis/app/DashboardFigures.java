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
    List<RefusalLog.ClientCount> clients = records.topClients(clock.instant().minus(Duration.ofDays(1)), 1000);
    out.put("topClients", clients.stream().limit(10).map(c -> {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("address", c.address());
      m.put("refusals", c.refusals());
      return m;
    }).toList());
    out.put("topNetworks", topNetworks(clients));
    out.put("zones", blocklists.dnsbl().map(d -> d.health().snapshot().entrySet().stream()
        .map(e -> Map.<String, Object>of("zone", e.getKey(), "healthy", e.getValue().healthy(),
            "reason", e.getValue().reason(), "since", e.getValue().since().toString())).toList())
        .orElse(List.of()));
    out.put("spool", spool.size());
    return out;
  }

  /** The clients' refusals summed by /24 (IPv4) or /64 (IPv6), the ten largest. */
  static List<Map<String, Object>> topNetworks(List<RefusalLog.ClientCount> clients) {
    Map<String, Long> byNetwork = new java.util.HashMap<>();
    for (RefusalLog.ClientCount c : clients) {
      org.portcullis.mail.Addresses.parseLiteral(c.address()).ifPresent(a -> byNetwork.merge(
          org.portcullis.mail.Cidr.of(a, a.getAddress().length == 4 ? 24 : 64).toString(), c.refusals(), Long::sum));
    }
    return byNetwork.entrySet().stream()
        .sorted(Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
        .limit(10).map(e -> {
          Map<String, Object> m = new LinkedHashMap<>();
          m.put("network", e.getKey());
          m.put("refusals", e.getValue());
          return m;
        }).toList();
  }
}
