package org.portcullis.app;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.portcullis.dnsbl.DnsblZone;
import org.portcullis.greylist.Greylist;
import org.portcullis.policy.RefusalCounts;
import org.portcullis.queue.Spool;
import org.portcullis.smtp.SmtpStats;

/**
 * The gateway's Prometheus metrics, read from the components' own counters when scraped (no
 * bookkeeping on the hot paths). Names and meanings are listed in docs/operations.md.
 */
final class GatewayMetrics {

  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

  PrometheusMeterRegistry registry() {
    return registry;
  }

  void smtp(SmtpStats stats) {
    FunctionCounter.builder("portcullis.smtp.sessions", stats, SmtpStats::sessions)
        .description("SMTP sessions started").register(registry);
    Gauge.builder("portcullis.smtp.sessions.active", stats, SmtpStats::activeSessions)
        .description("SMTP sessions open now").register(registry);
    FunctionCounter.builder("portcullis.smtp.messages.accepted", stats, SmtpStats::acceptedMessages)
        .description("messages accepted (250 after DATA)").register(registry);
    FunctionCounter.builder("portcullis.smtp.connections.refused", stats, SmtpStats::refusedConnections)
        .description("connections refused at the total connection limit").register(registry);
  }

  void spool(Spool spool) {
    Gauge.builder("portcullis.spool.messages", spool, Spool::size)
        .description("messages in the spool, not yet delivered").register(registry);
    for (String state : java.util.List.of("active", "deferred", "held")) {
      Gauge.builder("portcullis.queue.messages", spool, s -> s.messages().stream().filter(m -> state.equals(
              m.held() ? "held" : m.attempts() > 0 ? "deferred" : "active")).count())
          .tag("state", state).description("messages in the queue by state").register(registry);
    }
  }

  void delivery(org.portcullis.delivery.DeliveryService delivery) {
    for (String outcome : java.util.List.of("delivered", "deferred", "failed")) {
      FunctionCounter.builder("portcullis.delivery.recipients", delivery, d -> d.outcomes(outcome))
          .tag("outcome", outcome).description("recipients' delivery attempts by outcome").register(registry);
    }
  }

  void sources(org.portcullis.delivery.SourcePool pool) {
    for (java.net.InetAddress address : pool.addresses()) {
      Gauge.builder("portcullis.delivery.source.suspensions", pool, p -> p.suspensions().stream()
              .filter(s -> s.address().equals(address)).count())
          .tag("address", org.portcullis.mail.Addresses.toText(address))
          .description("active suspensions of an outbound source address (for one destination or all)")
          .register(registry);
    }
  }

  void scanners(org.portcullis.policy.checks.ScanCheck.Scanners scanners) {
    for (var scanner : java.util.stream.Stream.of(scanners.clamd(), scanners.spamd(), scanners.rspamd())
        .flatMap(java.util.Optional::stream).toList()) {
      for (String outcome : org.portcullis.scan.GuardedScanner.OUTCOMES) {
        FunctionCounter.builder("portcullis.scan.results", scanner, s -> s.results(outcome))
            .tag("scanner", scanner.name()).tag("result", outcome)
            .description("content scans by scanner and result").register(registry);
      }
      Gauge.builder("portcullis.scan.breaker.open", scanner,
              s -> s.breaker().state() == org.portcullis.scan.CircuitBreaker.State.CLOSED ? 0 : 1)
          .tag("scanner", scanner.name()).description("1 while the scanner's circuit breaker is open or probing")
          .register(registry);
    }
  }

  /** The address verifiers: what they were asked, what the callouts or directories answered, the cache. */
  void verifiers(org.portcullis.policy.checks.CheckCatalog.Verifiers verifiers) {
    java.util.Map<String, java.util.Optional<org.portcullis.verify.AddressVerifier>> all = java.util.Map.of(
        "recipients", verifiers.recipients(), "senders", verifiers.senders());
    all.forEach((which, verifier) -> verifier.filter(v -> v instanceof org.portcullis.verify.CachingVerifier)
        .map(v -> (org.portcullis.verify.CachingVerifier) v).ifPresent(cache -> {
          FunctionCounter.builder("portcullis.verify.asked", cache, org.portcullis.verify.CachingVerifier::asked)
              .tag("verifier", which).description("verifications asked (answered from the cache or not)")
              .register(registry);
          for (String kind : org.portcullis.verify.CachingVerifier.KINDS) {
            FunctionCounter.builder("portcullis.verify.answers", cache, c -> c.answers(kind))
                .tag("verifier", which).tag("answer", kind)
                .description("answers of callouts and directory searches made (not from the cache)").register(registry);
          }
          Gauge.builder("portcullis.verify.cache.entries", cache, org.portcullis.verify.CachingVerifier::size)
              .tag("verifier", which).description("answers kept (addresses and domains)").register(registry);
        }));
  }

  void quarantine(org.portcullis.quarantine.Quarantine quarantine) {
    Gauge.builder("portcullis.quarantine.held", quarantine, org.portcullis.quarantine.Quarantine::held)
        .description("messages held in the quarantine").register(registry);
  }

  void greylist(Greylist greylist) {
    FunctionCounter.builder("portcullis.greylist.first.seen", greylist, Greylist::firstSeenCount)
        .description("triplets seen for the first time (or again after expiry)").register(registry);
    FunctionCounter.builder("portcullis.greylist.deferred", greylist, Greylist::deferredCount)
        .description("attempts deferred with 451 4.7.1").register(registry);
    FunctionCounter.builder("portcullis.greylist.passed", greylist, Greylist::passedCount)
        .description("triplets that passed (a retry within the window)").register(registry);
    FunctionCounter.builder("portcullis.greylist.expired", greylist, Greylist::expiredCount)
        .description("triplets restarted because the retry window was missed or the pass expired").register(registry);
  }

  void blocklists(Blocklists blocklists) {
    blocklists.listings().ifPresent(live -> Gauge.builder("portcullis.blocklist.listings.active", live,
        l -> l.current().size()).description("active listings of our own blocklist").register(registry));
    // Micrometer keeps only a weak reference to a counter's object: it must be one that lives as long
    // as the gateway (a lambda made here would be collected, and the counter read 0 from then on).
    if (blocklists.serverQueries().isPresent()) {
      FunctionCounter.builder("portcullis.dnsbl.server.queries", blocklists,
          b -> b.serverQueries().map(java.util.function.LongSupplier::getAsLong).orElse(0L))
          .description("queries received by the DNSBL server").register(registry);
    }
    blocklists.dnsbl().ifPresent(lookups -> {
      Gauge.builder("portcullis.dnsbl.zones.suspended", lookups.health(), h -> h.suspendedCount())
          .description("DNS lists suspended by their RFC 5782 health check").register(registry);
      for (DnsblZone zone : lookups.zones()) {
        Gauge.builder("portcullis.dnsbl.zone.suspended", lookups.health(), h -> h.suspended(zone) ? 1 : 0)
            .tag("zone", zone.name()).description("1 while the DNS list is suspended").register(registry);
      }
    });
  }

  /** Verdicts per check: refusals, temporary failures, disconnects, tags and observe-mode findings. */
  void verdicts(RefusalCounts counts, java.util.List<String> checks) {
    for (String outcome : java.util.List.of("reject", "tempfail", "disconnect", "tag", "quarantine", "observe")) {
      for (String check : checks) {
        FunctionCounter.builder("portcullis.policy.verdicts", counts,
            c -> c.total(outcome, java.util.Optional.of(check)))
            .tag("check", check).tag("outcome", outcome)
            .description("findings of each check by outcome (observe: logged only)").register(registry);
      }
    }
  }
}
