package org.portcullis.app;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import org.portcullis.access.ApiTokens;
import org.portcullis.access.LoginThrottle;
import org.portcullis.blocklist.LiveListings;
import org.portcullis.config.PortcullisConfig;
import org.portcullis.control.ControlServer;
import org.portcullis.delivery.DeliveryService;
import org.portcullis.delivery.DmarcReportSender;
import org.portcullis.delivery.MaildirTransport;
import org.portcullis.delivery.MxTransport;
import org.portcullis.delivery.Notifications;
import org.portcullis.delivery.OutboxSender;
import org.portcullis.delivery.OutgoingSigner;
import org.portcullis.delivery.RelayTransport;
import org.portcullis.delivery.RoutingTransport;
import org.portcullis.delivery.SourceHealth;
import org.portcullis.delivery.SourcePool;
import org.portcullis.delivery.Transport;
import org.portcullis.dkim.DkimKeys;
import org.portcullis.dmarc.AggregateReportWriter;
import org.portcullis.dmarc.DmarcEvaluator;
import org.portcullis.dmarc.DmarcTally;
import org.portcullis.dmarc.ReportDestinations;
import org.portcullis.dmarc.ReportInbox;
import org.portcullis.dns.CachingDnsResolver;
import org.portcullis.dns.DnsResolver;
import org.portcullis.dns.DnsjavaResolver;
import org.portcullis.files.PrivateFiles;
import org.portcullis.greylist.Greylist;
import org.portcullis.lists.AccessLists;
import org.portcullis.mail.OrganizationalDomain;
import org.portcullis.mail.References;
import org.portcullis.mailbox.KnownRecipients;
import org.portcullis.policy.CheckModes;
import org.portcullis.policy.PolicyEngine;
import org.portcullis.correspondents.Correspondents;
import org.portcullis.policy.RecipientDirectory;
import org.portcullis.policy.RefusalCounts;
import org.portcullis.policy.checks.CheckCatalog;
import org.portcullis.probe.RetryProbes;
import org.portcullis.policyd.PolicyResponder;
import org.portcullis.policyd.PolicyServer;
import org.portcullis.quarantine.Digests;
import org.portcullis.quarantine.Quarantine;
import org.portcullis.quarantine.QuarantineLinks;
import org.portcullis.verdicts.Preferences;
import org.portcullis.queue.Spool;
import org.portcullis.smtp.Authenticator;
import org.portcullis.smtp.MessageSigner;
import org.portcullis.smtp.MessageSink;
import org.portcullis.smtp.SmtpServer;
import org.portcullis.smtp.SmtpSettings;
import org.portcullis.smtp.TlsContexts;
import org.portcullis.store.Store;
import org.portcullis.submission.MailUsers;
import org.portcullis.submission.SubmissionAuthenticator;
import org.portcullis.web.WebServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running gateway: store, DNS, policy, spool, delivery and the SMTP listener, wired from the
 * configuration. The only place that constructs concrete classes.
 *
 * <p>Lifecycle: {@link #start} opens everything as named steps in dependency order (store and spool
 * first, the listeners last, so no client is accepted before acceptance is durable), each step
 * pushing how to close it ({@link StartupSteps}); a failing step, and {@link #close}, close what was
 * opened in reverse order. Messages not yet delivered stay in the spool for the next start.
 */
public final class Gateway implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger("portcullis");

  private final PortcullisConfig config;
  private final Store store;
  private final Spool spool;
  private final DeliveryService delivery;
  private final SmtpServer smtp;
  private final List<SmtpServer> submission;
  /** The extra MX listeners ({@code [[smtp.listeners]]}) by name. */
  private final java.util.Map<String, SmtpServer> listeners;
  private final Blocklists blocklists;
  private final Optional<WebServer> web;
  private final Optional<PolicyServer> policyService;
  private final StartupSteps opened;
  private final java.util.function.IntSupplier digests;

  private Gateway(PortcullisConfig config, Store store, Spool spool, DeliveryService delivery, SmtpServer smtp,
      List<SmtpServer> submission, java.util.Map<String, SmtpServer> listeners, Blocklists blocklists,
      Optional<WebServer> web, Optional<PolicyServer> policyService, StartupSteps opened,
      java.util.function.IntSupplier digests) {
    this.listeners = java.util.Map.copyOf(listeners);
    this.digests = digests;
    this.config = config;
    this.store = store;
    this.spool = spool;
    this.delivery = delivery;
    this.smtp = smtp;
    this.submission = List.copyOf(submission);
    this.blocklists = blocklists;
    this.web = web;
    this.policyService = policyService;
    this.opened = opened;
  }

  /** Starts with the system clock and the configured DNS servers. */
  public static Gateway start(PortcullisConfig config) throws IOException {
    return start(config, Clock.systemUTC(), Optional.empty());
  }

  /**
   * Starts every part as a named step; a step that fails closes every part started before it, in
   * reverse order, and the error names the step.
   *
   * @param dnsOverride a resolver to use instead of the configured servers (tests)
   */
  public static Gateway start(PortcullisConfig config, Clock clock, Optional<DnsResolver> dnsOverride)
      throws IOException {
    PrivateFiles.usableDirectory(config.server().dataDir(), "server.data-dir");
    warnAboutLooseModes(config);
    StartupSteps steps = new StartupSteps();
    try {
      Services services = steps.step("store", () -> Services.open(config, clock), Services::close);
      Store store = services.store();
      // Closed after everything that records refusals, just before the store.
      steps.onClose("refusal log flush", () -> store.refusals().flush());
      DnsResolver dns = dnsOverride.orElseGet(() -> resolver(config.dns()));
      Blocklists blocklists = steps.step("blocklists", () -> Blocklists.start(config, store, services.blocklist(), dns,
          clock),
          Blocklists::close);
      Optional<Greylist> greylist = config.greylist().enabled()
          ? Optional.of(new Greylist(store.greylist(), config.greylist(), clock)) : Optional.empty();
      greylist.ifPresent(g -> steps.onClose("greylist write-behind", () -> flushGreylist(g)));
      AccessLists lists = new AccessLists(store.lists(), clock, config.lists().whitelistSkips());
      CheckModes modes = checkModes(store);
      KnownRecipients recipients = new KnownRecipients(store.mailboxes(),
          new java.util.LinkedHashSet<>(config.mail().knownRecipients()), config.mail().rejectUnknownRecipients());
      DmarcTally dmarcTally = new DmarcTally(store.dmarcTally());
      steps.onClose("DMARC tally", () -> flushDmarcTally(dmarcTally));
      Preferences preferences = new Preferences(store.choices());
      Policies.Features features = new Policies.Features(blocklists.dnsbl(), blocklists.listings(), greylist,
          Optional.of(lists), modes, Optional.of(recipients), Optional.of(dmarcTally))
          .withScanners(Policies.scanners(config, clock)).withChoices(preferences);
      Optional<Correspondents> correspondents = config.correspondents().enabled()
          ? Optional.of(new Correspondents(store.correspondents(), config.correspondents().lifetime(),
              config.correspondents().maxEntries(), config.correspondents().trustDeliveryHosts(), clock))
          : Optional.empty();
      if (correspondents.isPresent()) {
        features = features.withCorrespondents(correspondents.get());
      }
      Optional<RetryProbes> probes = config.diagnose().probeDomain().map(domain -> new RetryProbes(store.retryProbes(),
          domain, config.diagnose().probeDelay(), clock));
      if (probes.isPresent()) {
        features = features.withProbes(probes.get());
      }
      // Sender callouts leave from the address our mail to that domain would (seed 001: one IP in and out).
      SourcePool pool = sourcePool(config, store, clock);
      features = features.withVerifiers(Policies.verifiers(config, dns, pool::candidates, clock,
          close -> steps.onClose("directory connections", close)));
      RefusalCounts counts = new RefusalCounts(blocklists.refusals());
      PolicyEngine engine = Policies.engine(config, dns, counts, clock, features);
      Spool spool = steps.step("spool", () -> Spool.open(config.spoolDir(),
          new Spool.Settings(config.queue().fsync(), config.queue().segmentMaxBytes())), Spool::close);
      References queueIds = References.timeOrdered(clock);
      Optional<SourceHealth> sourceHealth = blocklists.dnsbl().filter(d -> !pool.addresses().isEmpty())
          .map(d -> new SourceHealth(pool, d));
      sourceHealth.ifPresent(SourceHealth::run); // before the first delivery: a listed address is never used
      DkimKeys dkimKeys = DkimKeys.load(config.dkimKeysDir());
      OutgoingSigner ownMail = DkimSigning.outgoing(dkimKeys,
          OrganizationalDomain.of(config.server().hostname()).orElse(config.server().hostname()), clock);
      DeliveryService delivery = steps.step("delivery", () -> {
        DeliveryService d = new DeliveryService(spool, transport(config, dns, pool, (domain, server) ->
            correspondents.ifPresent(c -> c.deliveredTo(domain, server))), config.delivery().retry(), clock,
            config.delivery().concurrency(), new Notifications(spool, queueIds, config.server().hostname(), clock,
                config.delivery().delayWarning(), ownMail));
        d.start(spool.recovered());
        return d;
      }, DeliveryService::close);
      Quarantine quarantine = steps.step("quarantine", () -> new Quarantine(config.quarantineDir(), store.quarantine(),
          clock, config.quarantine().retention()), q -> { });
      SpoolingSink sink = new SpoolingSink(spool, delivery, store.transactions(),
          config.dmarc().reportAddress().map(address -> new ReportInbox(address, store.dmarcReports(), clock)),
          quarantine, correspondents, config.mail().acceptedDomains(), probes);
      Quarantine.Requeue requeue = message -> sink.requeue(message, queueIds, clock);
      QuarantineLinks links = new QuarantineLinks(store.digests(), clock);
      java.util.function.IntSupplier digestRun = digestRunner(config, store, spool, delivery, queueIds, ownMail, links,
          clock);
      MessageSigner signer = DkimSigning.of(dkimKeys, clock);
      SmtpServer smtp = steps.step("SMTP listener", () -> started(new SmtpServer(smtpSettings(config), engine, sink,
          queueIds, signer)), SmtpServer::close);
      java.util.Map<String, SmtpServer> listeners = new java.util.LinkedHashMap<>();
      for (PortcullisConfig.Listener listener : config.listeners()) {
        // The same features (lists, greylist, choices, scanners), its own check settings.
        PortcullisConfig own = config.forListener(listener);
        PolicyEngine ownEngine = Policies.engine(own, dns, counts, clock, features);
        listeners.put(listener.name(), steps.step("SMTP listener " + listener.name(), () -> started(new SmtpServer(
            smtpSettings(own), ownEngine, sink, queueIds, signer)), SmtpServer::close));
      }
      List<SmtpServer> submission = new ArrayList<>();
      for (SmtpSettings settings : submissionSettings(config, store, clock)) {
        submission.add(steps.step("submission listener", () -> started(new SmtpServer(settings, engine, sink,
            queueIds, signer)), SmtpServer::close));
      }
      ScheduledExecutorService upkeep = steps.step("upkeep", () -> Executors.newSingleThreadScheduledExecutor(
          Thread.ofPlatform().name("upkeep").daemon(true).factory()), ScheduledExecutorService::shutdownNow);
      Timeline timeline = new Timeline(smtp.stats(), counts, store.traffic(), clock);
      schedule(upkeep, config, store, clock, lists, recipients, timeline, sourceHealth, greylist,
          new OutboxSender(store.outbox(), spool, delivery, queueIds, config.server().hostname(),
              "postmaster@" + config.mail().acceptedDomains().getFirst(), clock, ownMail));
      upkeep.scheduleWithFixedDelay(() -> flushDmarcTally(dmarcTally), 60, 60, TimeUnit.SECONDS);
      if (config.dmarc().enabled() && config.dmarc().sendReports()) {
        DmarcReportSender reports = dmarcReports(config, store, dns, spool, delivery, queueIds, ownMail, clock);
        upkeep.scheduleWithFixedDelay(() -> {
          flushDmarcTally(dmarcTally);
          reports.run();
        }, 120, 3600, TimeUnit.SECONDS);
      }
      upkeep.scheduleWithFixedDelay(() -> pruneDmarcTally(store, clock), 5, 24 * 60 * 60, TimeUnit.SECONDS);
      correspondents.ifPresent(c -> upkeep.scheduleWithFixedDelay(() -> {
        try {
          c.prune();
        } catch (RuntimeException e) {
          log.warn("correspondents not pruned: {}", e.getMessage());
        }
      }, 60, 6 * 60 * 60, TimeUnit.SECONDS));
      upkeep.scheduleWithFixedDelay(() -> pruneQuarantine(quarantine), 7, 60 * 60, TimeUnit.SECONDS);
      probes.ifPresent(p -> upkeep.scheduleWithFixedDelay(() -> {
        try {
          p.prune();
        } catch (RuntimeException e) {
          log.warn("retry probes not pruned: {}", e.getMessage());
        }
      }, 90, 60 * 60, TimeUnit.SECONDS));
      upkeep.scheduleWithFixedDelay(digestRun::getAsInt, 60, 5 * 60, TimeUnit.SECONDS);
      upkeep.scheduleWithFixedDelay(() -> refreshChoices(preferences), 250, 250, TimeUnit.MILLISECONDS);
      if (!config.queue().fsync()) {
        log.warn("queue.fsync = false: accepted mail can be lost in a crash (benchmarks only)");
      }
      GatewayMetrics metrics = new GatewayMetrics();
      metrics.smtp(smtp.stats());
      metrics.spool(spool);
      metrics.delivery(delivery);
      metrics.sources(pool);
      metrics.blocklists(blocklists);
      greylist.ifPresent(metrics::greylist);
      metrics.scanners(features.scanners());
      metrics.verifiers(features.verifiers());
      metrics.quarantine(quarantine);
      metrics.verdicts(counts, CheckCatalog.names());
      Optional<WebServer> web = Optional.empty();
      if (config.web().enabled()) {
        WebServer.Sources sources = new WebServer.Sources(metrics.registry(), new ApiTokens(store.apiTokens(), clock),
            blocklists.listings().map(LiveListings::blocklist), store.lists(), store.refusals(), store.adminUsers(),
            new DashboardFigures(timeline, counts, store.refusals(), blocklists, spool, clock), clock,
            config.lists().importMaxBytes(),
            new WebServer.Checks(configuredModes(config), CheckCatalog.FIXED, modes, store.checkModes()),
            store.transactions(), services.requests(), services.whitelists(), store.dmarcReports(),
            config.mail().acceptedDomains(), WebServer.quarantine(quarantine, requeue, links), store.choices(),
            config.policy().checks().entrySet().stream()
                .filter(e -> e.getValue().onReject() == org.portcullis.policy.RejectAction.PER_RECIPIENT)
                .map(java.util.Map.Entry::getKey).sorted().toList(),
            new org.portcullis.tenant.TenantAdmins(store.tenantUsers(), store.tenants(),
                config.mail().acceptedDomains(), clock), store.digests(), probes, Diagnoses.of(config, dns, clock, Optional.of(services.blocklist()),
                Optional.of(store.greylist())));
        web = Optional.of(steps.step("web listener on " + config.web().listen().getAddress().getHostAddress() + ":"
            + config.web().listen().getPort(), () -> WebServer.start(webSettings(config), sources), WebServer::close));
      }
      Optional<PolicyServer> policyService = Optional.empty();
      if (config.policyService().enabled()) {
        PortcullisConfig.PolicyService p = config.policyService();
        // Postfix validates its own recipients (local_recipient_maps): its engine does not.
        PolicyEngine delegated = Policies.engine(config, dns, counts, clock,
            features.withRecipients(RecipientDirectory.ANYONE));
        policyService = Optional.of(steps.step("policy service", () -> PolicyServer.start(
            new PolicyResponder(delegated, p.okOnAllowEntries()), p.listen(), p.idleTimeout(), p.connectionsMax()),
            PolicyServer::close));
      }
      try {
        steps.step("control socket", () -> ControlServer.start(config.controlSocket(), delivery, spool,
                Optional.of(new ControlServer.QuarantineControl(quarantine, requeue))),
            ControlServer::close);
      } catch (IOException e) {
        log.warn("no control socket at {} (portcullis queue ... will not reach this server): {}",
            config.controlSocket(), e.getMessage());
      }
      return new Gateway(config, store, spool, delivery, smtp, submission, listeners, blocklists, web, policyService,
          steps, digestRun);
    } catch (IOException | RuntimeException e) {
      steps.close();
      throw e;
    }
  }

  private static SmtpServer started(SmtpServer server) throws IOException {
    server.start();
    return server;
  }

  /** The check modes switched on the admin pages (kept in the store) over the configured ones. */
  private static CheckModes checkModes(Store store) {
    CheckModes modes = new CheckModes(CheckCatalog.FIXED);
    store.checkModes().load().forEach((check, mode) -> {
      if (CheckCatalog.names().contains(check) && !CheckCatalog.FIXED.contains(check)) {
        modes.set(check, Optional.of(mode));
        log.info("check {} is in {} mode (switched on the admin pages)", check, mode.name().toLowerCase());
      }
    });
    return modes;
  }

  /** The periodic work of the upkeep thread. */
  private static void schedule(ScheduledExecutorService upkeep, PortcullisConfig config, Store store, Clock clock,
      AccessLists lists, KnownRecipients recipients, Timeline timeline, Optional<SourceHealth> sourceHealth,
      Optional<Greylist> greylist, OutboxSender outbox) {
    upkeep.scheduleWithFixedDelay(() -> prune(store, config, clock), 1, 60 * 60, TimeUnit.SECONDS);
    upkeep.scheduleWithFixedDelay(() -> refreshLists(lists), 250, 250, TimeUnit.MILLISECONDS);
    upkeep.scheduleWithFixedDelay(() -> refreshRecipients(recipients), 250, 250, TimeUnit.MILLISECONDS);
    upkeep.scheduleAtFixedRate(timeline::sample, 60, 60, TimeUnit.SECONDS);
    long healthSeconds = config.delivery().sources().healthInterval().toSeconds();
    sourceHealth.ifPresent(h -> upkeep.scheduleWithFixedDelay(() -> checkSources(h), healthSeconds, healthSeconds,
        TimeUnit.SECONDS));
    upkeep.scheduleWithFixedDelay(outbox, 1, 2, TimeUnit.SECONDS);
    greylist.ifPresent(g -> {
      upkeep.scheduleWithFixedDelay(() -> flushGreylist(g), 250, 250, TimeUnit.MILLISECONDS);
      upkeep.scheduleWithFixedDelay(() -> pruneGreylist(g), 60, 60 * 60, TimeUnit.SECONDS);
    });
  }

  public InetSocketAddress smtpAddress() {
    return smtp.localAddress();
  }

  /** The address of the extra MX listener {@code name} ({@code [[smtp.listeners]]}), when there is one. */
  public Optional<InetSocketAddress> listenerAddress(String name) {
    return Optional.ofNullable(listeners.get(name)).map(SmtpServer::localAddress);
  }

  /** The submission (STARTTLS) listener's address, when it runs. */
  public Optional<InetSocketAddress> submissionAddress() {
    return submission.stream().filter(s -> !s.implicitTls()).findFirst().map(SmtpServer::localAddress);
  }

  /** The implicit-TLS submission listener's address, when it runs. */
  public Optional<InetSocketAddress> implicitTlsAddress() {
    return submission.stream().filter(SmtpServer::implicitTls).findFirst().map(SmtpServer::localAddress);
  }

  public Store store() {
    return store;
  }

  /** Sends the quarantine digests that are due now (the upkeep does so every five minutes); returns how many. */
  public int sendQuarantineDigests() {
    return digests.getAsInt();
  }

  public Spool spool() {
    return spool;
  }

  public DeliveryService delivery() {
    return delivery;
  }

  public PortcullisConfig config() {
    return config;
  }

  public SmtpServer smtp() {
    return smtp;
  }

  /** Our own blocklist, the DNS lists' health and the DNSBL server. */
  public Blocklists blocklists() {
    return blocklists;
  }

  /** The web listener's port, when it runs. */
  public Optional<Integer> webPort() {
    return web.map(WebServer::port);
  }

  /** The policy service's port, when it runs. */
  public Optional<Integer> policyServicePort() {
    return policyService.map(PolicyServer::port);
  }

  /** Stops everything in the reverse order of start-up; mail not yet delivered stays in the spool. */
  @Override
  public void close() {
    opened.close();
  }

  /** The configured resolver (dnsjava with the TTL cache), as the gateway uses it. */
  public static DnsResolver resolverFor(PortcullisConfig config) {
    return resolver(config.dns());
  }

  static DnsResolver resolver(PortcullisConfig.Dns dns) {
    DnsjavaResolver network = new DnsjavaResolver(dns.servers(), dns.timeout(), dns.attempts(), dns.udpSockets());
    if (dns.cacheEntriesMax() == 0) {
      return network;
    }
    return new CachingDnsResolver(network, dns.cacheEntriesMax(), dns.cacheTtlMax(), dns.cacheNegativeTtlMax(),
        dns.cacheFailureTtl(), com.github.benmanes.caffeine.cache.Ticker.systemTicker());
  }

  /** The web listener's settings; warns about admin pages served in clear to the network. */
  static WebServer.Settings webSettings(PortcullisConfig config) throws IOException {
    PortcullisConfig.Web w = config.web();
    Optional<SSLContext> tls = w.https()
        ? Optional.of(TlsContexts.fromPem(w.certificateFile().orElseThrow(), w.keyFile().orElseThrow()))
        : Optional.empty();
    java.net.InetAddress address = w.listen().getAddress();
    if (tls.isEmpty() && (w.adminEnabled() || w.tenantEnabled()) && !address.isLoopbackAddress()) {
      log.warn("web listener {}:{} serves the admin pages or the tenant portal over plain HTTP to the network: passwords and session "
          + "cookies cross in clear; set web.certificate-file and web.key-file, listen on loopback behind a TLS proxy, "
          + "or set web.admin-enabled and web.tenant-enabled = false", address.getHostAddress(), w.listen().getPort());
    }
    return new WebServer.Settings(w.listen(), w.publicUrl(), w.formPostsPerMinute(), w.pageViewsPerMinute(), tls,
        w.metricsNetworks(), w.adminEnabled(), w.tenantEnabled(), config.diagnose().requestsPerMinute());
  }

  /** The outbound source addresses, each checked to be one of ours (bindable) before it is used. */
  static SourcePool sourcePool(PortcullisConfig config, Store store, Clock clock) throws IOException {
    PortcullisConfig.SourcePoolSettings s = config.delivery().sources();
    for (java.net.InetAddress a : s.addresses()) {
      try (java.net.Socket probe = new java.net.Socket()) {
        probe.bind(new InetSocketAddress(a, 0));
      } catch (IOException e) {
        throw new IOException("delivery.source-addresses: cannot send from " + a.getHostAddress()
            + " (not an address of this host?): " + e.getMessage(), e);
      }
    }
    return new SourcePool(s.addresses(), clock, s.suspendFor(), s.everywhereAfter(), s.blacklistPatterns(),
        store.sourceSuspensions());
  }

  private static void checkSources(SourceHealth health) {
    try {
      health.run();
    } catch (RuntimeException e) {
      log.warn("checking the outbound source addresses failed", e);
    }
  }

  /** @param delivered told of each MX server that took mail (the correspondents' delivery hosts) */
  static Transport transport(PortcullisConfig config, DnsResolver dns, SourcePool pool,
      java.util.function.BiConsumer<String, java.net.InetAddress> delivered) throws IOException {
    PortcullisConfig.Delivery d = config.delivery();
    Transport inbound = switch (d.transport()) {
      case MAILDIR -> new MaildirTransport(d.maildirRoot(), config.server().hostname());
      case RELAY -> new RelayTransport(d.relayHost().orElseThrow(), config.server().hostname(),
          d.relayConnectTimeout(), d.relayReadTimeout());
    };
    Optional<Transport> smarthost = d.smarthost().isEmpty() ? Optional.empty() : Optional.of(new RelayTransport(
        d.smarthost().get(), config.server().hostname(), d.relayConnectTimeout(), d.relayReadTimeout(),
        SmarthostSecurities.of(d.smarthostSecurity())));
    boolean needsMx = d.outbound() == PortcullisConfig.Outbound.MX || d.routes().stream().anyMatch(r -> r.via()
        .equals("mx"));
    Optional<Transport> mx = needsMx ? Optional.of(new MxTransport(dns, new MxTransport.Settings(
        config.server().hostname(), d.remotePort(), d.relayConnectTimeout(), d.relayReadTimeout(),
        d.destinationConcurrency(), d.connectionReuseTime()), pool, delivered)) : Optional.empty();
    Optional<Transport> outbound = switch (d.outbound()) {
      case SMARTHOST -> smarthost;
      case MX -> mx;
      case NONE -> Optional.empty();
    };
    if (!d.routes().isEmpty()) {
      List<org.portcullis.delivery.DomainRoutes.Route> routes = new ArrayList<>();
      java.util.Map<String, Transport> hops = new java.util.HashMap<>(); // one transport per next hop
      for (PortcullisConfig.Route r : d.routes()) {
        Transport via = switch (r.via()) {
          case "mx" -> mx.orElseThrow();
          case "smarthost" -> smarthost.orElseThrow();
          default -> hops.computeIfAbsent(r.via(), v -> new RelayTransport(r.host().orElseThrow(),
              config.server().hostname(), d.relayConnectTimeout(), d.relayReadTimeout()));
        };
        routes.add(new org.portcullis.delivery.DomainRoutes.Route(r.pattern(), via));
      }
      outbound = Optional.of(new org.portcullis.delivery.DomainRoutes(routes, outbound));
    }
    java.util.Set<String> local = java.util.Set.copyOf(config.mail().acceptedDomains());
    return new RoutingTransport(local::contains, inbound, outbound);
  }

  static SmtpSettings smtpSettings(PortcullisConfig config) throws IOException {
    PortcullisConfig.Smtp s = config.smtp();
    return new SmtpSettings(config.server().hostname(), s.listen(), s.proxyProtocol(), s.proxyNetworks(),
        s.xclientNetworks(), s.greetingDelay(), s.commandLineMaxBytes(), s.esmtpParameterAllowanceBytes(),
        s.textLineMaxBytes(), s.messageSizeMaxBytes(), s.recipientsMax(), s.commandTimeout(), s.dataTimeout(),
        s.connectionsMax(), s.connectionsPerClientMax(), s.errorsMax(), s.dataMemoryMaxBytes(), tls(config),
        config.policy().taggedSubjectPrefix(), Optional.empty(), s.limits(), config.auth().authservId());
  }

  /**
   * The submission listeners' settings (STARTTLS, and implicit TLS when configured): the MX
   * listener's limits, without its pre-greeting delay, PROXY protocol or XCLIENT, with AUTH.
   */
  static List<SmtpSettings> submissionSettings(PortcullisConfig config, Store store, Clock clock) throws IOException {
    PortcullisConfig.Submission sub = config.submission();
    if (!sub.enabled()) {
      return List.of();
    }
    Authenticator authenticator = new SubmissionAuthenticator(new MailUsers(store.mailUsers(), clock),
        new LoginThrottle(sub.loginFailuresPerClient(), sub.loginFailuresPerUser(), sub.loginFailureWindow(), clock));
    Optional<SSLContext> tls = tls(config);
    List<SmtpSettings> out = new ArrayList<>();
    out.add(submissionSettings(config, sub.listen(), tls, new SmtpSettings.Submission(authenticator, sub.requireAuth(),
        false)));
    sub.implicitTlsListen().ifPresent(listen -> out.add(submissionSettings(config, listen, tls,
        new SmtpSettings.Submission(authenticator, sub.requireAuth(), true))));
    return out;
  }

  static Optional<SSLContext> tls(PortcullisConfig config) throws IOException {
    PortcullisConfig.Tls tls = config.tls();
    if (!tls.enabled()) {
      return Optional.empty();
    }
    if (tls.certificateFile().isPresent()) {
      return Optional.of(TlsContexts.fromPem(tls.certificateFile().get(), tls.keyFile().orElseThrow()));
    }
    return Optional.of(TlsContexts.selfSigned(config.selfSignedStore(), config.server().hostname()));
  }

  private static SmtpSettings submissionSettings(PortcullisConfig config, InetSocketAddress listen,
      Optional<SSLContext> tls, SmtpSettings.Submission submission) {
    PortcullisConfig.Smtp s = config.smtp();
    return new SmtpSettings(config.server().hostname(), listen, false, List.of(), List.of(), Duration.ZERO,
        s.commandLineMaxBytes(), s.esmtpParameterAllowanceBytes(), s.textLineMaxBytes(), s.messageSizeMaxBytes(),
        s.recipientsMax(), s.commandTimeout(), s.dataTimeout(), s.connectionsMax(), s.connectionsPerClientMax(),
        s.errorsMax(), s.dataMemoryMaxBytes(), tls, "", Optional.of(submission), s.limits(),
        config.auth().authservId());
  }

  /** Each check's configured mode, in chain order. */
  private static java.util.Map<String, org.portcullis.policy.CheckMode> configuredModes(PortcullisConfig config) {
    java.util.Map<String, org.portcullis.policy.CheckMode> out = new java.util.LinkedHashMap<>();
    for (String name : CheckCatalog.names()) {
      out.put(name, config.policy().checks().get(name).mode());
    }
    return out;
  }

  private static void refreshLists(AccessLists lists) {
    try {
      lists.refresh();
    } catch (RuntimeException e) {
      log.warn("reloading the allow and deny lists failed; the previous lists stay in force: {}", e.toString());
    }
  }

  /** The data directory and what holds secrets or mail should be private to the service user. */
  private static void warnAboutLooseModes(PortcullisConfig config) throws IOException {
    java.nio.file.Path data = config.server().dataDir();
    List<java.nio.file.Path> paths = new ArrayList<>(List.of(data, config.storeFile(),
        config.storeFile().resolveSibling(config.storeFile().getFileName() + "-wal"), config.spoolDir(),
        config.delivery().maildirRoot(), config.selfSignedStore()));
    List<String> loose = PrivateFiles.looser(paths);
    if (!loose.isEmpty()) {
      log.warn("readable by others than the service user (should be 0700 for directories, 0600 for files; "
          + "chmod them): {}", String.join(", ", loose));
    }
  }

  private static void refreshRecipients(KnownRecipients recipients) {
    try {
      recipients.refresh();
    } catch (RuntimeException e) {
      log.warn("reloading the mailboxes failed; the previous ones stay in force: {}", e.toString());
    }
  }

  private static DmarcReportSender dmarcReports(PortcullisConfig config, Store store, DnsResolver dns, Spool spool,
      DeliveryService delivery, References queueIds, OutgoingSigner signer, Clock clock) {
    String host = config.server().hostname();
    DmarcReportSender.Settings settings = new DmarcReportSender.Settings(
        new AggregateReportWriter.Reporter(config.dmarc().reportOrgName(), config.dmarc().reportFrom().toString()),
        config.dmarc().reportFrom(), host, OrganizationalDomain.of(host).orElse(host));
    return new DmarcReportSender(store.dmarcTally(), new DmarcEvaluator(dns, config.dmarc().timeout()),
        new ReportDestinations(dns, config.dmarc().timeout()), spool, delivery, queueIds, signer, settings, clock);
  }

  private static void flushDmarcTally(DmarcTally tally) {
    try {
      tally.flush();
    } catch (RuntimeException e) {
      log.warn("writing the DMARC tally failed; it stays in memory and is retried", e);
    }
  }

  /** Aggregate reports cover a day; a month is kept for reports that are late or asked again. */
  private static void pruneDmarcTally(Store store, Clock clock) {
    try {
      store.dmarcTally().prune(java.time.LocalDate.now(clock).minusDays(31));
    } catch (RuntimeException e) {
      log.warn("pruning the DMARC tally failed", e);
    }
  }

  /**
   * The quarantine digests, queued like the server's other mail (null sender, DKIM-signed when a
   * key exists); off (with a warning) without a public URL to link to or a web listener to answer.
   */
  private static java.util.function.IntSupplier digestRunner(PortcullisConfig config, Store store, Spool spool,
      DeliveryService delivery, References queueIds, OutgoingSigner signer, QuarantineLinks links, Clock clock) {
    if (!config.quarantine().digests()) {
      return () -> 0;
    }
    if (config.web().publicUrl().isEmpty() || !config.web().enabled()) {
      log.warn("quarantine digests are off: their links need web.enabled and a web.public-url");
      return () -> 0;
    }
    Digests digests = new Digests(store.quarantine(), store.digests(), links, clock, config.web().publicUrl(),
        config.server().hostname(), java.time.Duration.ofDays(config.quarantine().digestLinkDays()));
    Digests.Mailer mailer = (from, to, message) -> {
      String queueId = queueIds.next();
      byte[] signed = signer.signedOrAsIs(message, "quarantine digest queue=" + queueId);
      org.portcullis.mail.Envelope envelope = new org.portcullis.mail.Envelope(org.portcullis.mail.MailPath.NULL,
          List.of(org.portcullis.mail.Recipient.of(org.portcullis.mail.EmailAddress.parse(to))),
          org.portcullis.mail.MailParameters.NONE);
      delivery.submit(spool.append(queueId, clock.instant(), "127.0.0.1", "localhost", config.server().hostname(),
          envelope, List.of(java.nio.ByteBuffer.wrap(signed))));
    };
    return () -> {
      try {
        return digests.run(mailer);
      } catch (RuntimeException e) {
        log.warn("sending the quarantine digests failed; tried again at the next run", e);
        return 0;
      }
    };
  }

  private static void refreshChoices(Preferences preferences) {
    try {
      preferences.refresh();
    } catch (RuntimeException e) {
      log.warn("reading the recipients' choices failed; the previous ones stay in force", e);
    }
  }

  private static void pruneQuarantine(Quarantine quarantine) {
    try {
      quarantine.prune();
    } catch (IOException | RuntimeException e) {
      log.warn("pruning the quarantine failed", e);
    }
  }

  private static void flushGreylist(Greylist greylist) {
    try {
      greylist.flush();
    } catch (RuntimeException e) {
      log.warn("writing {} greylist change(s) failed; they stay in memory and are retried", greylist.pendingWrites(), e);
    }
  }

  private static void pruneGreylist(Greylist greylist) {
    try {
      int removed = greylist.prune();
      if (removed > 0) {
        log.info("pruned {} greylist triplet(s) not seen for {} days", removed,
            greylist.settings().passedLifetime().toDays());
      }
    } catch (RuntimeException e) {
      log.warn("pruning the greylist failed", e);
    }
  }

  private static void prune(Store store, PortcullisConfig config, Clock clock) {
    try {
      int removed = store.pruneRefusals(clock.instant().minus(config.store().refusalRetention()));
      if (removed > 0) {
        log.info("pruned {} refusal record(s) older than {} days", removed, config.store().refusalRetention().toDays());
      }
    } catch (RuntimeException e) {
      log.warn("pruning refusal records failed", e);
    }
    try {
      // Expired allow and deny entries stay listed (`lists list --all`) as long as refusal records.
      int removed = store.lists().pruneExpired(clock.instant().minus(config.store().refusalRetention()));
      if (removed > 0) {
        log.info("pruned {} allow/deny entr(y/ies) expired more than {} days ago", removed,
            config.store().refusalRetention().toDays());
      }
    } catch (RuntimeException e) {
      log.warn("pruning expired list entries failed", e);
    }
  }
}
