package org.portcullis.app;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.portcullis.blocklist.AutoListing;
import org.portcullis.blocklist.Blocklist;
import org.portcullis.blocklist.LiveListings;
import org.portcullis.blocklist.server.DnsblServer;
import org.portcullis.config.PortcullisConfig;
import org.portcullis.dns.DnsResolver;
import org.portcullis.dnsbl.DnsblLookups;
import org.portcullis.policy.RefusalLog;
import org.portcullis.policy.checks.SpamTrapCheck;
import org.portcullis.store.Store;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Both sides of blocklisting, wired: our own blocklist kept live from the store (every 250 ms),
 * listing on the gateway's own refusals, the DNS lists' health checks, and the DNSBL server.
 *
 * <p>Lifecycle: {@link #start} loads the listings before returning (the first client already sees
 * them), starts the schedulers and binds the DNSBL server; {@link #close} stops them.
 */
public final class Blocklists implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger("portcullis");
  private static final long REFRESH_MILLIS = 250;

  private final Optional<LiveListings> listings;
  private final Optional<AutoListing> autoListing;
  private final Optional<DnsblLookups> dnsbl;
  private final Optional<DnsblServer> server;
  private final RefusalLog refusals;
  private final ScheduledExecutorService scheduler;

  private Blocklists(Optional<LiveListings> listings, Optional<AutoListing> autoListing, Optional<DnsblLookups> dnsbl,
      Optional<DnsblServer> server, RefusalLog refusals, ScheduledExecutorService scheduler) {
    this.listings = listings;
    this.autoListing = autoListing;
    this.dnsbl = dnsbl;
    this.server = server;
    this.refusals = refusals;
    this.scheduler = scheduler;
  }

  static Blocklists start(PortcullisConfig config, Store store, Blocklist blocklist, DnsResolver dns, Clock clock)
      throws IOException {
    ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(1,
        Thread.ofPlatform().name("blocklists").daemon(true).factory());
    Optional<LiveListings> listings = Optional.empty();
    Optional<AutoListing> autoListing = Optional.empty();
    RefusalLog refusals = store.refusals();
    Optional<DnsblServer> server = Optional.empty();
    try {
      PortcullisConfig.Blocklist settings = config.blocklist();
      if (settings.enabled()) {
        LiveListings live = new LiveListings(blocklist);
        live.refresh();
        log.info("blocklist {}: {} active listing(s) loaded ({} KB in memory)", settings.zone(), live.current().size(),
            live.current().footprintBytes() / 1024);
        scheduler.scheduleWithFixedDelay(() -> refresh(live), REFRESH_MILLIS, REFRESH_MILLIS, TimeUnit.MILLISECONDS);
        listings = Optional.of(live);
        AutoListing auto = new AutoListing(store.refusals(), blocklist, SpamTrapCheck.NAME, settings.autoList());
        autoListing = Optional.of(auto);
        refusals = auto;
        if (config.dnsblServer().enabled()) {
          DnsblServer dnsblServer = new DnsblServer(config.dnsblServer(), live::current, live::sequence);
          dnsblServer.start();
          server = Optional.of(dnsblServer);
        }
      }
      Optional<DnsblLookups> dnsbl = Policies.dnsblLookups(config, dns, clock);
      dnsbl.ifPresent(lookups -> scheduler.scheduleWithFixedDelay(() -> probe(lookups), 0,
          config.dnsbl().healthInterval().toSeconds(), TimeUnit.SECONDS));
      return new Blocklists(listings, autoListing, dnsbl, server, refusals, scheduler);
    } catch (IOException | RuntimeException e) {
      scheduler.shutdownNow();
      server.ifPresent(DnsblServer::close);
      autoListing.ifPresent(AutoListing::close);
      throw e;
    }
  }

  private static void refresh(LiveListings live) {
    try {
      live.refresh();
    } catch (RuntimeException e) {
      // The last good index keeps serving; the next refresh retries.
      log.warn("blocklist refresh failed: {}", e.toString());
    }
  }

  private static void probe(DnsblLookups lookups) {
    try {
      lookups.health().probe();
    } catch (RuntimeException e) {
      log.warn("DNS list health check failed: {}", e.toString());
    }
  }

  /** The refusal log checks write to (listing on enforced refusals when the blocklist is on). */
  RefusalLog refusals() {
    return refusals;
  }

  public Optional<LiveListings> listings() {
    return listings;
  }

  public Optional<DnsblLookups> dnsbl() {
    return dnsbl;
  }

  /** The DNSBL server's query count, when it runs. */
  public Optional<java.util.function.LongSupplier> serverQueries() {
    return server.map(s -> s::queries);
  }

  /** The DNSBL server's address, when it runs. */
  public Optional<InetSocketAddress> serverAddress() {
    return server.map(DnsblServer::localAddress);
  }

  /** Waits until listings caused by refusals so far are stored and loaded. */
  public void settle() {
    autoListing.ifPresent(AutoListing::drain);
    listings.ifPresent(LiveListings::refresh);
  }

  @Override
  public void close() {
    scheduler.shutdownNow();
    server.ifPresent(DnsblServer::close);
    autoListing.ifPresent(AutoListing::close);
  }
}
