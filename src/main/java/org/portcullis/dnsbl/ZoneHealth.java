package org.portcullis.dnsbl;

import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.portcullis.dns.DnsAnswer;
import org.portcullis.dns.DnsResolver;
import org.portcullis.dns.DnsType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * RFC 5782 section 5 health checks of the configured zones: 127.0.0.2 must be listed and
 * 127.0.0.1 must not. A zone that lists the world (127.0.0.1 listed), does not list the test
 * point, answers with an error code (127.255.255.x) or does not answer is suspended, with a log
 * line, and resumed at the first healthy check. Suspended zones are not asked, so a dead zone
 * neither delays nor tempfails mail.
 *
 * <p>Thread-safe: {@link #probe} runs on a scheduler; lookups read {@link #suspended}.
 */
public final class ZoneHealth {

  private static final Logger log = LoggerFactory.getLogger("portcullis.dnsbl");

  /** A zone's state: healthy, or suspended since a time for a reason. */
  public record State(boolean healthy, String reason, Instant since) {}

  private final List<DnsblZone> zones;
  private final DnsResolver dns;
  private final Clock clock;
  private final Map<String, State> states = new ConcurrentHashMap<>();

  public ZoneHealth(List<DnsblZone> zones, DnsResolver dns, Clock clock) {
    this.zones = List.copyOf(zones);
    this.dns = dns;
    this.clock = clock;
  }

  public boolean suspended(DnsblZone zone) {
    State s = states.get(zone.name());
    return s != null && !s.healthy();
  }

  /** Every zone's state; zones not yet probed count as healthy. */
  public Map<String, State> snapshot() {
    Map<String, State> out = new LinkedHashMap<>();
    for (DnsblZone zone : zones) {
      out.put(zone.name(), states.getOrDefault(zone.name(), new State(true, "not checked yet", clock.instant())));
    }
    return out;
  }

  /** How many zones are suspended now (the metric). */
  public int suspendedCount() {
    return (int) states.values().stream().filter(s -> !s.healthy()).count();
  }

  /** Probes every zone and waits for the answers (bounded by the resolver's timeout). */
  public void probe() {
    CompletableFuture.allOf(zones.stream().map(this::probe).toArray(CompletableFuture[]::new)).join();
  }

  private CompletableFuture<Void> probe(DnsblZone zone) {
    CompletableFuture<DnsAnswer> listed = dns.lookup("2.0.0.127." + zone.name(), DnsType.A);
    CompletableFuture<DnsAnswer> clean = dns.lookup("1.0.0.127." + zone.name(), DnsType.A);
    return listed.thenCombine(clean, (two, one) -> verdict(zone, two, one))
        .exceptionally(e -> Optional.of("the health check failed: " + e))
        .thenAccept(problem -> record(zone, problem));
  }

  /** Empty when healthy, else why not. */
  static Optional<String> verdict(DnsblZone zone, DnsAnswer two, DnsAnswer one) {
    ZoneResult testPoint = DnsblLookups.classify(zone, two.name(), two);
    ZoneResult world = DnsblLookups.classify(zone, one.name(), one);
    if (testPoint.outcome() == ZoneResult.Outcome.UNKNOWN || world.outcome() == ZoneResult.Outcome.UNKNOWN) {
      return Optional.of("does not answer (" + two.status() + " for the test point 127.0.0.2)");
    }
    if (testPoint.outcome() == ZoneResult.Outcome.ZONE_ERROR || world.outcome() == ZoneResult.Outcome.ZONE_ERROR) {
      return Optional.of("refuses to answer us (error code " + String.join(", ", testPoint.answers()) + ")");
    }
    if (world.listed()) {
      return Optional.of("lists the world: 127.0.0.1 is listed (" + String.join(", ", world.answers()) + ")");
    }
    if (!testPoint.listed()) {
      return Optional.of("does not list the RFC 5782 test point 127.0.0.2 (" + two.status() + ")");
    }
    return Optional.empty();
  }

  private void record(DnsblZone zone, Optional<String> problem) {
    State before = states.get(zone.name());
    Instant now = clock.instant();
    if (problem.isPresent()) {
      if (before == null || before.healthy()) {
        log.warn("DNS list {} suspended: it {}", zone.name(), problem.get());
        states.put(zone.name(), new State(false, problem.get(), now));
      }
    } else if (before == null || !before.healthy()) {
      if (before != null) {
        log.info("DNS list {} resumed: its test points answer as RFC 5782 requires", zone.name());
      }
      states.put(zone.name(), new State(true, "healthy", now));
    }
  }
}
