package org.portcullis.app;

import java.io.IOException;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.portcullis.blocklist.LiveListings;
import org.portcullis.config.PortcullisConfig;
import org.portcullis.delivery.NextHops;
import org.portcullis.dkim.DkimVerifier;
import org.portcullis.dmarc.DmarcEvaluator;
import org.portcullis.dmarc.DmarcTally;
import org.portcullis.dns.DnsResolver;
import org.portcullis.dnsbl.DnsblLookups;
import org.portcullis.dnsbl.DnsblReport;
import org.portcullis.dnsbl.DnsblZone;
import org.portcullis.dnsbl.ZoneHealth;
import org.portcullis.greylist.Greylist;
import org.portcullis.lists.AccessLists;
import org.portcullis.mail.Addresses;
import org.portcullis.mail.References;
import org.portcullis.policy.CheckModes;
import org.portcullis.policy.CheckSettings;
import org.portcullis.policy.ClientLookup;
import org.portcullis.policy.LiveExceptions;
import org.portcullis.policy.LocalSite;
import org.portcullis.policy.PolicyChain;
import org.portcullis.policy.PolicyEngine;
import org.portcullis.policy.RecipientChoices;
import org.portcullis.policy.RecipientDirectory;
import org.portcullis.policy.RefusalLog;
import org.portcullis.policy.ReplyRenderer;
import org.portcullis.policy.checks.CheckCatalog;
import org.portcullis.policy.checks.DmarcCheck;
import org.portcullis.policy.checks.DnsblCheck;
import org.portcullis.policy.checks.ScanCheck;
import org.portcullis.probe.RetryProbes;
import org.portcullis.scan.CircuitBreaker;
import org.portcullis.scan.ClamdScanner;
import org.portcullis.scan.GuardedScanner;
import org.portcullis.scan.RspamdScanner;
import org.portcullis.scan.Scanner;
import org.portcullis.scan.SpamdScanner;
import org.portcullis.spf.SpfEvaluator;
import org.portcullis.verify.AddressVerifier;
import org.portcullis.verify.CachingVerifier;
import org.portcullis.verify.CalloutVerifier;
import org.portcullis.verify.LdapVerifier;

/** Builds the policy engine of a listener from the configuration. */
public final class Policies {

  private Policies() {}

  /** Who we are: host name, domains, LAN, our own addresses (interfaces and the listen address). */
  public static LocalSite site(PortcullisConfig config) {
    Set<InetAddress> local = new HashSet<>(interfaceAddresses());
    InetAddress listen = config.smtp().listen().getAddress();
    if (listen != null && !listen.isAnyLocalAddress()) {
      local.add(Addresses.unmap(listen));
    }
    return new LocalSite(config.server().hostname(), new LinkedHashSet<>(config.mail().acceptedDomains()),
        config.mail().lanNetworks(), local, new LinkedHashSet<>(config.mail().alwaysReachable()),
        config.delivery().outbound() != PortcullisConfig.Outbound.NONE);
  }

  /**
   * The parts of the gateway that checks use beyond configuration.
   *
   * @param dnsbl the DNS list lookups (empty when no zones are configured)
   * @param listings our own blocklist, live (empty when disabled or without a store)
   * @param greylist the greylist (empty when disabled or without a store)
   * @param lists the allow and deny lists and whitelists, live (empty without a store)
   * @param modes check modes switched at run time
   * @param recipients the mailboxes that exist, live (empty: only {@code mail.known-recipients}, as in policy-test)
   * @param verifiers who verifies recipients and senders ({@code [verify]}; none in policy-test, which calls nobody)
   */
  public record Features(Optional<DnsblLookups> dnsbl, Optional<LiveListings> listings, Optional<Greylist> greylist,
      Optional<AccessLists> lists, CheckModes modes, Optional<RecipientDirectory> recipients,
      Optional<DmarcTally> dmarcTally, ScanCheck.Scanners scanners, RecipientChoices choices,
      LiveExceptions correspondents, CheckCatalog.Verifiers verifiers, Optional<RetryProbes> probes) {
    public static final Features NONE = new Features(Optional.empty(), Optional.empty(), Optional.empty(),
        Optional.empty(), CheckModes.none(), Optional.empty(), Optional.empty(), ScanCheck.Scanners.NONE,
        RecipientChoices.NONE, LiveExceptions.NONE, CheckCatalog.Verifiers.NONE, Optional.empty());

    public Features(Optional<DnsblLookups> dnsbl, Optional<LiveListings> listings, Optional<Greylist> greylist,
        Optional<AccessLists> lists, CheckModes modes) {
      this(dnsbl, listings, greylist, lists, modes, Optional.empty(), Optional.empty(), ScanCheck.Scanners.NONE,
          RecipientChoices.NONE, LiveExceptions.NONE, CheckCatalog.Verifiers.NONE, Optional.empty());
    }

    public Features(Optional<DnsblLookups> dnsbl, Optional<LiveListings> listings, Optional<Greylist> greylist,
        Optional<AccessLists> lists, CheckModes modes, Optional<RecipientDirectory> recipients,
        Optional<DmarcTally> dmarcTally) {
      this(dnsbl, listings, greylist, lists, modes, recipients, dmarcTally, ScanCheck.Scanners.NONE,
          RecipientChoices.NONE, LiveExceptions.NONE, CheckCatalog.Verifiers.NONE, Optional.empty());
    }

    /** The same features with another directory of recipients. */
    public Features withRecipients(RecipientDirectory directory) {
      return new Features(dnsbl, listings, greylist, lists, modes, Optional.of(directory), dmarcTally, scanners,
          choices, correspondents, verifiers, probes);
    }

    /** The same features with these content scanners (one set per gateway: their limits are shared). */
    public Features withScanners(ScanCheck.Scanners configured) {
      return new Features(dnsbl, listings, greylist, lists, modes, recipients, dmarcTally, configured, choices,
          correspondents, verifiers, probes);
    }

    /** The same features with the recipients' choices for per-recipient checks. */
    public Features withChoices(RecipientChoices chosen) {
      return new Features(dnsbl, listings, greylist, lists, modes, recipients, dmarcTally, scanners, chosen,
          correspondents, verifiers, probes);
    }

    /** The same features with replies from our users' correspondents let through the soft checks. */
    public Features withCorrespondents(LiveExceptions replies) {
      return new Features(dnsbl, listings, greylist, lists, modes, recipients, dmarcTally, scanners, choices,
          replies, verifiers, probes);
    }

    /** The same features with these address verifiers (one set per gateway: their caches and limits are shared). */
    public Features withVerifiers(CheckCatalog.Verifiers chosen) {
      return new Features(dnsbl, listings, greylist, lists, modes, recipients, dmarcTally, scanners, choices,
          correspondents, chosen, probes);
    }

    /** The same features with the retry probes of "test your server". */
    public Features withProbes(RetryProbes given) {
      return new Features(dnsbl, listings, greylist, lists, modes, recipients, dmarcTally, scanners, choices,
          correspondents, verifiers, Optional.of(given));
    }
  }

  /** The content scanners {@code [scan]} enables, each with its limits and circuit breaker. */
  public static ScanCheck.Scanners scanners(PortcullisConfig config, Clock clock) {
    PortcullisConfig.Scan scan = config.scan();
    java.util.function.BiFunction<Scanner, Long, GuardedScanner> guard = (scanner, maxBytes) -> new GuardedScanner(
        scanner, new GuardedScanner.Limits(maxBytes, scan.concurrencyMax(), scan.timeout()),
        new CircuitBreaker(scan.breakerFailures(), scan.breakerOpen(), clock));
    return new ScanCheck.Scanners(
        scan.clamd().map(c -> guard.apply(new ClamdScanner(c.address()), c.messageMaxBytes())),
        scan.spamd().map(c -> guard.apply(new SpamdScanner(c.address(), c.user(), c.rejectScore()),
            scan.messageMaxBytes())),
        scan.rspamd().map(c -> guard.apply(new RspamdScanner(c.url(), c.password(), scan.timeout()),
            scan.messageMaxBytes())),
        scan.onFailure());
  }

  /**
   * Without a store (policy-test): the configured {@code mail.known-recipients}, judged when there
   * are any; otherwise every recipient of our domains counts as existing.
   */
  static RecipientDirectory configuredRecipients(PortcullisConfig config) {
    java.util.Set<String> known = new java.util.HashSet<>();
    config.mail().knownRecipients().forEach(a -> known.add((a.localPart() + "@" + a.domain())
        .toLowerCase(java.util.Locale.ROOT)));
    if (known.isEmpty() || !config.mail().rejectUnknownRecipients()) {
      return RecipientDirectory.ANYONE;
    }
    return new RecipientDirectory() {
      @Override
      public boolean enforced() {
        return true;
      }

      @Override
      public boolean exists(org.portcullis.mail.EmailAddress address) {
        return known.contains((address.localPart() + "@" + address.domain()).toLowerCase(java.util.Locale.ROOT));
      }
    };
  }

  /**
   * The address verifiers {@code [verify]} asks for, each behind its own cache: recipients by a
   * callout to {@code delivery.relay-host} or in the {@code [[recipients.ldap]]} directories,
   * strangers' senders by a callout to their domain's MX from {@code sources}' first address for
   * that domain. What holds connections open is closed by the action given to {@code onClose}.
   *
   * @throws IOException a directory's password file or CA file cannot be read
   */
  public static CheckCatalog.Verifiers verifiers(PortcullisConfig config, DnsResolver dns,
      java.util.function.Function<String, List<Optional<InetAddress>>> sources, Clock clock,
      java.util.function.Consumer<Runnable> onClose) throws IOException {
    PortcullisConfig.Verify v = config.verify();
    CachingVerifier.Lifetimes lifetimes = new CachingVerifier.Lifetimes(v.positiveTtl(), v.negativeTtl(),
        v.tempfailTtl(), v.cacheMaxEntries());
    java.util.concurrent.Executor lookups = task -> Thread.ofVirtual().name("verify").start(task);
    String helo = config.server().hostname();
    Optional<AddressVerifier> recipients = switch (v.recipients()) {
      case OFF -> Optional.empty();
      case CALLOUT -> Optional.of(new CalloutVerifier(CalloutVerifier.relayHost(config.delivery().relayHost()
          .orElseThrow()), helo, v.connectTimeout(), v.concurrency()));
      case LDAP -> {
        LdapVerifier ldap = new LdapVerifier(directories(v.directories()));
        onClose.accept(ldap::close);
        yield Optional.of(ldap);
      }
    };
    Optional<AddressVerifier> senders = v.sender()
        ? Optional.of(new CalloutVerifier(CalloutVerifier.mx(new NextHops(dns), v.senderPort(), sources,
            v.allowPrivateTargets()), helo, v.connectTimeout(), v.concurrency()))
        : Optional.empty();
    return new CheckCatalog.Verifiers(recipients.map(r -> new CachingVerifier(r, lifetimes, clock, lookups)),
        senders.map(s -> new CachingVerifier(s, lifetimes, clock, lookups)), v.timeout(),
        org.portcullis.verify.NetworkShare.of(v.concurrency()));
  }

  private static List<LdapVerifier.Directory> directories(List<PortcullisConfig.LdapDirectory> configured)
      throws IOException {
    List<LdapVerifier.Directory> out = new ArrayList<>();
    for (int i = 0; i < configured.size(); i++) {
      PortcullisConfig.LdapDirectory d = configured.get(i);
      String key = "recipients.ldap[" + i + "].";
      Optional<javax.net.ssl.SSLContext> tls = d.implicitTls() || d.startTls()
          ? Optional.of(ConfiguredSecrets.verifying(d.caFile(), key + "ca-file")) : Optional.empty();
      Optional<String> password = d.passwordFile().isEmpty() ? Optional.empty()
          : Optional.of(ConfiguredSecrets.password(d.passwordFile().get(), key + "password-file"));
      out.add(new LdapVerifier.Directory(d.host(), d.port(), d.implicitTls(), d.startTls(), tls, d.bindDn(), password,
          d.base(), d.filter(), d.timeout(), d.tenantAttribute()));
    }
    return out;
  }

  /** The DNS list lookups for the configured zones, or empty when there are none. */
  public static Optional<DnsblLookups> dnsblLookups(PortcullisConfig config, DnsResolver dns, Clock clock) {
    List<DnsblZone> zones = config.dnsbl().zones();
    if (zones.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new DnsblLookups(zones, dns, new ZoneHealth(zones, dns, clock)));
  }

  static PolicyChain chain(PortcullisConfig config, LocalSite site, DnsResolver dns,
      Optional<ClientLookup<DnsblReport>> dnsbl, Features features) {
    Optional<LiveListings> listings = features.listings();
    PortcullisConfig.Blocklist blocklist = config.blocklist();
    CheckCatalog.Parameters parameters = new CheckCatalog.Parameters(site,
        config.policy().checks().get("client-generic-ptr").patterns(),
        features.recipients().orElseGet(() -> configuredRecipients(config)),
        dnsbl, config.dnsbl().threshold(), config.dnsbl().reply(), blocklist.enabled() ? listings : Optional.empty(),
        blocklist.zone(), config.web().publicUrl(), new LinkedHashSet<>(blocklist.spamTraps()), blocklist.trapRefuseAtData(),
        features.greylist(), features.lists(),
        config.spf().enabled() ? Optional.of(new SpfEvaluator(dns, config.spf().timeout())) : Optional.empty(),
        config.spf().onFail() == PortcullisConfig.SpfOnFail.REJECT, config.spf().checkHelo(),
        config.dkim().enabled() ? Optional.of(new DkimVerifier(dns, config.dkim().timeout())) : Optional.empty(),
        config.dkim().requireSignatureFrom(),
        config.dmarc().enabled() ? Optional.of(new DmarcEvaluator(dns, config.dmarc().timeout())) : Optional.empty(),
        new DmarcCheck.Settings(config.dmarc().requireOneFrom(), config.dmarc().enforce(),
            config.dmarc().trustedForwarders(), config.dmarc().mailingLists(),
            config.dmarc().quarantineHolds()),
        () -> java.util.concurrent.ThreadLocalRandom.current().nextDouble(), features.dmarcTally(),
        features.scanners(), features.verifiers(), features.probes());
    List<PolicyChain.Entry> entries = new ArrayList<>();
    java.util.Map<String, RecipientChoices.Decided> fallbacks = new java.util.HashMap<>();
    for (CheckCatalog.Entry entry : CheckCatalog.ENTRIES) {
      PortcullisConfig.CheckConfig settings = config.policy().checks().get(entry.name());
      entries.add(new PolicyChain.Entry(entry.factory().apply(parameters),
          new CheckSettings(settings.mode(), settings.onReject(), settings.timeout(), entry.tagKind(), settings.scope(),
              settings.score())));
      if (settings.onReject() == org.portcullis.policy.RejectAction.PER_RECIPIENT
          && (settings.defaultChoice() != org.portcullis.policy.RecipientChoice.REJECT || !settings.scope().isEmpty())) {
        fallbacks.put(entry.name(), new RecipientChoices.Decided(settings.defaultChoice(),
            settings.scope().isEmpty() ? RecipientChoices.DEFAULT : settings.scope()));
      }
    }
    // Most specific first: the mailbox, its domain, then this listener's or the configuration's default-choice.
    return new PolicyChain(entries, features.modes(), RecipientChoices.fallingBack(features.choices(), fallbacks),
        config.policy().actions());
  }

  /** An engine with the configured DNS lists (queried through {@code dns}) and no own blocklist. */
  public static PolicyEngine engine(PortcullisConfig config, DnsResolver dns, RefusalLog refusals, Clock clock) {
    return engine(config, dns, refusals, clock,
        new Features(dnsblLookups(config, dns, clock), Optional.empty(), Optional.empty(), Optional.empty(),
            CheckModes.none()));
  }

  public static PolicyEngine engine(PortcullisConfig config, DnsResolver dns, RefusalLog refusals, Clock clock,
      Features features) {
    return engine(config, dns, refusals, clock, features, config.web().publicUrl());
  }

  /**
   * An engine whose replies point to {@code publicUrl} (empty for a bare {@code ref=}: policy-test's
   * references lead nowhere, since it records nothing).
   */
  public static PolicyEngine engine(PortcullisConfig config, DnsResolver dns, RefusalLog refusals, Clock clock,
      Features features, String publicUrl) {
    LocalSite site = site(config);
    ReplyRenderer renderer = new ReplyRenderer(config.server().hostname(), References.unguessable(), refusals, clock,
        publicUrl);
    Optional<ClientLookup<DnsblReport>> dnsbl = features.dnsbl().map(DnsblCheck::lookup);
    List<ClientLookup<?>> lookups = dnsbl.<List<ClientLookup<?>>>map(List::of).orElse(List.of());
    LiveExceptions live = LiveExceptions.both(LiveExceptions.both(features.lists().<LiveExceptions>map(l -> l)
        .orElse(LiveExceptions.NONE), features.correspondents()), features.probes().<LiveExceptions>map(p -> p)
        .orElse(LiveExceptions.NONE));
    return new PolicyEngine(chain(config, site, dns, dnsbl, features), renderer, config.policy().exceptions(), live,
        site, dns, clock, config.smtp().delayReject(), lookups);
  }

  private static Set<InetAddress> interfaceAddresses() {
    Set<InetAddress> out = new HashSet<>();
    try {
      Enumeration<NetworkInterface> interfaces = NetworkInterface.getNetworkInterfaces();
      while (interfaces != null && interfaces.hasMoreElements()) {
        Enumeration<InetAddress> addresses = interfaces.nextElement().getInetAddresses();
        while (addresses.hasMoreElements()) {
          InetAddress address = addresses.nextElement();
          if (!address.isLinkLocalAddress()) {
            out.add(Addresses.unmap(address));
          }
        }
      }
    } catch (SocketException e) {
      // no interface list: only the listen address counts as ours
    }
    return out;
  }
}
