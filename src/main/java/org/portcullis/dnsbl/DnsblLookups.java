package org.portcullis.dnsbl;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.portcullis.dns.DnsAnswer;
import org.portcullis.dns.DnsRecord;
import org.portcullis.dns.DnsResolver;
import org.portcullis.dns.DnsType;
import org.portcullis.dns.ReverseName;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts the lookups of a client in every configured zone at once (RFC 5782: the address's
 * labels reversed, IPv6 as 32 nibbles, under the zone), and the TXT of zones that list it.
 * Suspended zones are not asked. Thread-safe.
 */
public final class DnsblLookups {

  private static final Logger log = LoggerFactory.getLogger("portcullis.dnsbl");
  private static final int TXT_MAX = 200;

  private final List<DnsblZone> zones;
  private final DnsResolver dns;
  private final ZoneHealth health;

  public DnsblLookups(List<DnsblZone> zones, DnsResolver dns, ZoneHealth health) {
    this.zones = List.copyOf(zones);
    this.dns = dns;
    this.health = health;
  }

  public List<DnsblZone> zones() {
    return zones;
  }

  public ZoneHealth health() {
    return health;
  }

  /** Starts every zone's lookup for {@code client}; returns at once. */
  public DnsblReport start(InetAddress client) {
    List<CompletableFuture<ZoneResult>> results = new ArrayList<>(zones.size());
    String reversed = ReverseName.reversed(client);
    for (DnsblZone zone : zones) {
      String query = reversed + "." + zone.name();
      if (health.suspended(zone)) {
        results.add(CompletableFuture.completedFuture(
            new ZoneResult(zone, ZoneResult.Outcome.SUSPENDED, query, List.of(), List.of(), "")));
        continue;
      }
      results.add(dns.lookup(query, DnsType.A)
          .thenCompose(answer -> judge(zone, query, answer))
          .exceptionally(e -> new ZoneResult(zone, ZoneResult.Outcome.UNKNOWN, query, List.of(), List.of(), "")));
    }
    return new DnsblReport(results);
  }

  private CompletableFuture<ZoneResult> judge(DnsblZone zone, String query, DnsAnswer answer) {
    ZoneResult result = classify(zone, query, answer);
    if (result.outcome() == ZoneResult.Outcome.ZONE_ERROR) {
      log.warn("DNS list {} refuses to answer us (answer {} for {}); its listings are ignored until it answers",
          zone.name(), String.join(", ", result.answers()), query);
    }
    if (!result.listed() || zone.secret()) {
      return CompletableFuture.completedFuture(result);
    }
    return dns.lookup(query, DnsType.TXT).handle((txt, error) -> {
      if (error != null || txt.records().isEmpty()) {
        return result;
      }
      return new ZoneResult(zone, result.outcome(), query, result.answers(), result.labels(),
          printable(txt.recordsOf(DnsRecord.Txt.class).getFirst().text()));
    });
  }

  /** What an A answer means for a zone. */
  static ZoneResult classify(DnsblZone zone, String query, DnsAnswer answer) {
    return switch (answer.status()) {
      case NXDOMAIN, NODATA -> new ZoneResult(zone, ZoneResult.Outcome.NOT_LISTED, query, List.of(), List.of(), "");
      case SERVFAIL, TIMEOUT, ERROR -> new ZoneResult(zone, ZoneResult.Outcome.UNKNOWN, query, List.of(), List.of(), "");
      case NOERROR -> {
        List<String> answers = new ArrayList<>();
        List<String> labels = new ArrayList<>();
        boolean zoneError = false;
        for (DnsRecord.Address a : answer.recordsOf(DnsRecord.Address.class)) {
          answers.add(a.toString());
          switch (zone.codes().meaning(a.address())) {
            case ReturnCodes.Meaning.Listed listed -> {
              if (!labels.contains(listed.label())) {
                labels.add(listed.label());
              }
            }
            case ReturnCodes.Meaning.ZoneError e -> zoneError = true;
            case ReturnCodes.Meaning.Ignored ignored -> { }
          }
        }
        ZoneResult.Outcome outcome = !labels.isEmpty() ? ZoneResult.Outcome.LISTED
            : zoneError ? ZoneResult.Outcome.ZONE_ERROR : ZoneResult.Outcome.NOT_LISTED;
        yield new ZoneResult(zone, outcome, query, answers, labels, "");
      }
    };
  }

  /** TXT text as it may appear in an SMTP reply: printable ASCII, bounded. */
  static String printable(String text) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < text.length() && out.length() < TXT_MAX; i++) {
      char c = text.charAt(i);
      out.append(c >= 0x20 && c < 0x7F ? c : '?');
    }
    return out.toString().strip();
  }
}
