package org.portcullis.config;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.portcullis.blocklist.AutoListing;
import org.portcullis.blocklist.BlocklistSettings;
import org.portcullis.blocklist.ZoneSettings;
import org.portcullis.delivery.RetrySchedule;
import org.portcullis.dnsbl.DnsblZone;
import org.portcullis.greylist.GreylistSettings;
import org.portcullis.mail.Cidr;
import org.portcullis.mail.EmailAddress;
import org.portcullis.policy.CheckMode;
import org.portcullis.policy.ExceptionRule;
import org.portcullis.policy.RejectAction;

/**
 * The whole configuration, typed and validated; made by {@link ConfigLoader} from
 * {@code portcullis.toml} (or from the defaults when there is no file). Every key, its default
 * and unit are in docs/configuration.md.
 */
public record PortcullisConfig(Server server, Mail mail, Smtp smtp, Tls tls, Dns dns, Policy policy, Queue queue,
    Delivery delivery, Store store, Log log, Dnsbl dnsbl, Blocklist blocklist, ZoneSettings dnsblServer, Web web,
    GreylistSettings greylist, PolicyService policyService, Lists lists, Submission submission, Spf spf,
    Dkim dkim, Dmarc dmarc, Auth auth, Scan scan, Quarantine quarantine, Diagnose diagnose,
    Correspondents correspondents, Verify verify, List<Listener> listeners) {

  /** How {@code verify.recipients} verifies our recipients. */
  public enum RecipientVerification {
    /** Not at all (recipient-known still judges Maildir mailboxes). */
    OFF,
    /** By a callout to {@code delivery.relay-host}. */
    CALLOUT,
    /** In the directories of {@code [[recipients.ldap]]}. */
    LDAP
  }

  /**
   * One {@code [[recipients.ldap]]}: an LDAP or Active Directory server that knows our recipients.
   *
   * @param implicitTls {@code ldaps://}
   * @param startTls StartTLS before the bind ({@code ldap://} only)
   * @param caFile the CA certificates that may sign its certificate (PEM); empty: the system's trust store
   * @param bindDn who we bind as; empty: anonymously
   * @param passwordFile where the bind password is (first line); never in the TOML
   * @param filter the search filter, {@code %s} standing for the address (escaped)
   * @param tenantAttribute the attribute naming the tenant that owns an address; empty: not asked
   */
  public record LdapDirectory(String host, int port, boolean implicitTls, boolean startTls, Optional<Path> caFile,
      Optional<String> bindDn, Optional<Path> passwordFile, String base, String filter, Duration timeout,
      Optional<String> tenantAttribute) {}

  /**
   * {@code [verify]}: address verification.
   *
   * @param recipients how recipients of our domains are verified before they are accepted
   * @param sender whether strangers' senders are verified by a callout to their domain's MX
   * @param timeout the longest a check waits for a verification
   * @param connectTimeout the longest one callout connection may take to open
   * @param concurrency callouts at once, at most
   * @param senderPort the port sender callouts connect to ({@code delivery.remote-port})
   * @param positiveTtl how long "exists" is kept
   * @param negativeTtl how long "does not exist" is kept
   * @param tempfailTtl how long "unknown" is kept (short: the sender's retry asks again)
   * @param cacheMaxEntries answers kept at most
   * @param allowPrivateTargets sender callouts may go to private and loopback addresses (tests only)
   * @param directories {@code [[recipients.ldap]]}, asked in order with {@code recipients = LDAP}
   */
  public record Verify(RecipientVerification recipients, boolean sender, Duration timeout, Duration connectTimeout,
      int concurrency, int senderPort, Duration positiveTtl, Duration negativeTtl, Duration tempfailTtl,
      long cacheMaxEntries, boolean allowPrivateTargets, List<LdapDirectory> directories) {}

  /**
   * {@code [correspondents]}: whom our users write to, whose replies skip the soft checks.
   *
   * @param lifetime how long after our user last wrote to it a correspondent is remembered
   * @param maxEntries the most pairs kept (the oldest go first)
   * @param trustDeliveryHosts mail from the MX servers we delivered to skips the soft checks too
   */
  public record Correspondents(boolean enabled, Duration lifetime, long maxEntries, boolean trustDeliveryHosts) {}

  /**
   * {@code [diagnose]}: "test your server".
   *
   * @param timeout the longest a whole diagnosis takes; what has not answered by then is unknown
   * @param smtpPort the port the banner check connects to (25)
   * @param connectTimeout the longest a connection may take to open
   * @param bannerTimeout the longest the conversation may take
   * @param allowPrivateTargets connect to private, loopback and reserved addresses too (tests only)
   * @param requestsPerMinute diagnoses one client network may run per minute on the web listener
   * @param dnsPort the port authoritative name servers are asked on for TTLs (53)
   * @param probeDomain the retry probe's domain, one of ours; empty: no retry probe
   * @param probeDelay how long after the first attempt a retry to a probe is accepted
   */
  public record Diagnose(Duration timeout, int smtpPort, Duration connectTimeout, Duration bannerTimeout,
      boolean allowPrivateTargets, int requestsPerMinute, int dnsPort, Optional<String> probeDomain,
      Duration probeDelay) {}

  /**
   * One {@code [[smtp.listeners]]}: another MX listener (for partner relays, say) with the
   * {@code [smtp]} settings and its own check modes and actions.
   *
   * @param name how logs, explanations and {@code portcullis why} name it ({@code listener NAME})
   * @param checks every check's settings on this listener: the global ones, with its overrides
   */
  public record Listener(String name, InetSocketAddress listen, Map<String, CheckConfig> checks) {}

  /** The configuration as one extra listener sees it: its address, its checks, everything else shared. */
  public PortcullisConfig forListener(Listener listener) {
    Smtp s = smtp;
    Smtp moved = new Smtp(listener.listen(), s.proxyProtocol(), s.proxyNetworks(), s.xclientNetworks(),
        s.greetingDelay(), s.commandLineMaxBytes(), s.esmtpParameterAllowanceBytes(), s.textLineMaxBytes(),
        s.messageSizeMaxBytes(), s.recipientsMax(), s.commandTimeout(), s.dataTimeout(), s.connectionsMax(),
        s.connectionsPerClientMax(), s.errorsMax(), s.dataMemoryMaxBytes(), s.delayReject(), s.limits());
    return new PortcullisConfig(server, mail, moved, tls, dns, new Policy(listener.checks(),
        policy.taggedSubjectPrefix(), policy.exceptions(), policy.actions()), queue, delivery, store, log, dnsbl, blocklist,
        dnsblServer, web, greylist, policyService, lists, submission, spf, dkim, dmarc, auth, scan, quarantine,
        diagnose, correspondents, verify, List.of());
  }

  /**
   * {@code [quarantine]}: messages held by checks whose {@code on-reject} is {@code quarantine}.
   *
   * @param retention how long a message (held, released or deleted) is remembered
   * @param digests whether mailboxes get digests of their quarantined mail
   * @param digestLinkDays how long a digest's links work
   */
  public record Quarantine(java.time.Duration retention, boolean digests, int digestLinkDays) {}

  /** Where quarantined messages are kept. */
  public Path quarantineDir() {
    return server.dataDir().resolve("quarantine");
  }

  /**
   * {@code [scan]}: content scanners asked at the end of DATA (all off by default).
   *
   * @param timeout the longest one scan may take, waiting for a turn included
   * @param messageMaxBytes larger messages are not given to spamd or rspamd
   * @param concurrencyMax scans running at once, per scanner
   * @param onFailure what a scan that gives no answer becomes
   * @param breakerFailures failures in a row that open a scanner's circuit breaker
   * @param breakerOpen how long an open breaker fails scans at once before one probe
   * @param spamd {@code [scan.spamd]}, empty when not enabled
   * @param rspamd {@code [scan.rspamd]}, empty when not enabled
   * @param clamd {@code [scan.clamd]}, empty when not enabled
   */
  public record Scan(java.time.Duration timeout, long messageMaxBytes, int concurrencyMax,
      org.portcullis.policy.checks.ScanCheck.OnFailure onFailure, int breakerFailures, java.time.Duration breakerOpen,
      java.util.Optional<Spamd> spamd, java.util.Optional<Rspamd> rspamd, java.util.Optional<Clamd> clamd) {}

  /**
   * @param user the {@code User:} spamd scores for, empty for none
   * @param rejectScore the score at which spam is refused rather than tagged
   */
  public record Spamd(org.portcullis.scan.ScannerAddress address, java.util.Optional<String> user,
      double rejectScore) {}

  /** @param password rspamd's {@code Password} header, empty for none */
  public record Rspamd(java.net.URI url, java.util.Optional<String> password) {}

  /** @param messageMaxBytes larger messages are not given to clamd (its own StreamMaxLength is 25 MiB) */
  public record Clamd(org.portcullis.scan.ScannerAddress address, long messageMaxBytes) {}

  /** What {@code spf.on-fail} makes of an SPF fail. */
  public enum SpfOnFail {
    /** Record it in Received-SPF and leave the decision to DMARC (RFC 7489 10.1). */
    RECORD,
    /** Refuse fail (550 5.7.23) and a broken policy (550 5.7.24). */
    REJECT
  }

  /**
   * {@code [spf]}: SPF (RFC 7208) for the MAIL FROM identity.
   *
   * @param enabled whether the {@code spf} check evaluates anything
   * @param timeout the longest one evaluation may take, its DNS lookups included
   * @param checkHelo whether the HELO identity is evaluated too (RFC 7208 2.3), not only MAIL FROM
   */
  public record Spf(boolean enabled, java.time.Duration timeout, SpfOnFail onFail, boolean checkHelo) {}

  /**
   * {@code [dkim]}: verification of the DKIM signatures of mail from strangers (RFC 6376).
   *
   * @param enabled whether the {@code dkim} check verifies anything
   * @param timeout the longest the key lookups of one message may take together
   * @param requireSignatureFrom author (From) domains whose mail must carry a valid signature of
   *     their own, lower case; empty: a failed or missing signature is only recorded (RFC 6376 6.3)
   */
  public record Dkim(boolean enabled, java.time.Duration timeout, java.util.Set<String> requireSignatureFrom) {}

  /**
   * {@code [dmarc]}: the author domain's policy (RFC 7489).
   *
   * @param enabled whether the {@code dmarc} check evaluates anything
   * @param timeout the longest both policy lookups of one message may take together
   * @param requireOneFrom refuse (550 5.7.1) a message without exactly one From address
   * @param enforce false: p=reject is recorded with the reason local_policy and the message delivered
   * @param trustedForwarders CIDR networks or PTR domains whose mail never has DMARC refusals (trusted_forwarder)
   * @param mailingLists the same for list servers (mailing_list)
   * @param reportAddress where others send aggregate reports about our domains; they are read and stored
   * @param sendReports whether we send daily aggregate reports to the domains that ask ({@code rua=})
   * @param reportFrom the From address and envelope sender of the reports we send
   * @param reportOrgName {@code org_name} in the reports we send
   * @param quarantineHolds {@code on-quarantine = "quarantine"}: p=quarantine failures go to the quarantine, not a tag
   */
  public record Dmarc(boolean enabled, java.time.Duration timeout, boolean requireOneFrom, boolean enforce,
      List<String> trustedForwarders, List<String> mailingLists, Optional<EmailAddress> reportAddress,
      boolean sendReports, EmailAddress reportFrom, String reportOrgName, boolean quarantineHolds) {}

  /**
   * {@code [auth]}: the Authentication-Results field (RFC 8601).
   *
   * @param authservId the name our results are written under; fields with this name that arrive
   *     with a message are removed first
   */
  public record Auth(String authservId) {}

  /**
   * {@code [submission]}: the listener for our own users' outgoing mail (RFC 6409).
   *
   * @param enabled whether it listens
   * @param listen STARTTLS listener (587 in production)
   * @param implicitTlsListen optional implicit-TLS listener (465 in production, RFC 8314)
   * @param requireAuth whether MAIL needs a login first
   * @param loginFailuresPerClient failed logins one client network may make within the window
   * @param loginFailuresPerUser failed logins against one account within the window
   * @param loginFailureWindow how long failures are remembered after the last one
   */
  public record Submission(boolean enabled, InetSocketAddress listen, Optional<InetSocketAddress> implicitTlsListen,
      boolean requireAuth, int loginFailuresPerClient, int loginFailuresPerUser, Duration loginFailureWindow) {}

  /**
   * {@code [lists]}: allow and deny lists and recipients' whitelists.
   *
   * @param whitelistSkips the checks a sender on a recipient's whitelist skips for that recipient
   * @param importMaxBytes the largest address book accepted for import
   */
  public record Lists(Set<String> whitelistSkips, long importMaxBytes) {}

  /** {@code [server]}. */
  public record Server(String hostname, Path dataDir) {}

  /**
   * {@code [mail]}: who we are for mail.
   *
   * @param rejectUnknownRecipients whether recipients of our domains must exist ({@code mail.unknown-recipients})
   */
  public record Mail(List<String> acceptedDomains, List<Cidr> lanNetworks, List<String> alwaysReachable,
      List<EmailAddress> knownRecipients, boolean rejectUnknownRecipients) {}

  /** {@code [smtp]}: the MX listener. */
  public record Smtp(InetSocketAddress listen, boolean proxyProtocol, List<Cidr> proxyNetworks,
      List<Cidr> xclientNetworks, Duration greetingDelay, int commandLineMaxBytes, int esmtpParameterAllowanceBytes,
      int textLineMaxBytes, long messageSizeMaxBytes, int recipientsMax, Duration commandTimeout,
      Duration dataTimeout, int connectionsMax, int connectionsPerClientMax, int errorsMax, long dataMemoryMaxBytes,
      boolean delayReject, org.portcullis.smtp.SmtpSettings.Limits limits) {}

  /** {@code [tls]}: STARTTLS. */
  public record Tls(boolean enabled, Optional<Path> certificateFile, Optional<Path> keyFile) {}

  /** {@code [dns]}: the resolver and its cache. */
  public record Dns(List<InetSocketAddress> servers, Duration timeout, int attempts, int udpSockets,
      long cacheEntriesMax, Duration cacheTtlMax, Duration cacheNegativeTtlMax, Duration cacheFailureTtl) {}

  /**
   * One {@code [checks.<name>]} table, defaults filled in.
   *
   * @param defaultChoice for a per-recipient check, what its refusal becomes where neither the
   *     mailbox nor its domain chose ({@code default-choice}; reject unless set)
   * @param scope where the settings come from: empty for {@code [checks]}, {@code listener NAME}
   *     for a listener's override
   * @param score with {@code on-reject = "score"}: the points its refusal or tag adds to the message's score
   */
  public record CheckConfig(CheckMode mode, RejectAction onReject, Duration timeout, List<String> patterns,
      org.portcullis.policy.RecipientChoice defaultChoice, String scope, double score) {}

  /**
   * {@code [policy]}, {@code [checks.*]}, {@code [tagging]}, {@code [[exceptions]]} and {@code [actions]}.
   *
   * @param actions what the score of checks in score mode becomes
   */
  public record Policy(Map<String, CheckConfig> checks, String taggedSubjectPrefix, List<ExceptionRule> exceptions,
      org.portcullis.policy.ScoreActions actions) {}

  /** {@code [queue]}: the inbound spool. */
  public record Queue(boolean fsync, long segmentMaxBytes) {}

  /**
   * {@code [delivery]}.
   *
   * @param outbound how mail for other domains leaves
   * @param remotePort the port of other domains' mail servers (25)
   * @param destinationConcurrency deliveries to one domain at once
   * @param connectionReuseTime how long an idle outbound connection is kept for the next message
   * @param delayWarning how long after arrival the sender of a message still being retried is told
   *     (a "delayed" DSN); zero never
   * @param sources the outbound source-address pool
   * @param smarthostSecurity TLS and AUTH towards the smarthost
   * @param routes {@code [[delivery.routes]]}: remote domains that go another way than {@code outbound}
   */
  public record Delivery(Transport transport, Path maildirRoot, Optional<InetSocketAddress> relayHost,
      Optional<InetSocketAddress> smarthost, int concurrency, RetrySchedule retry, Duration relayConnectTimeout,
      Duration relayReadTimeout, Outbound outbound, int remotePort, int destinationConcurrency,
      Duration connectionReuseTime, Duration delayWarning, SourcePoolSettings sources,
      SmarthostSecurity smarthostSecurity, List<Route> routes) {}

  /**
   * One {@code [[delivery.routes]]}: where mail for the domains of {@code pattern} goes.
   *
   * @param pattern {@code example.com} (that domain) or {@code .example.com} (its subdomains)
   * @param via {@code mx}, {@code smarthost}, or a next hop
   * @param host the next hop when {@code via} is one ({@code host:port})
   */
  public record Route(String pattern, String via, Optional<InetSocketAddress> host) {}

  /**
   * TLS and AUTH towards the smarthost (relaying through the ISP).
   *
   * @param tls opportunistic, required (STARTTLS, certificate checked) or implicit (port 465)
   * @param caFile the CA certificates that may sign its certificate (PEM); empty: the system's trust store
   * @param mechanism PLAIN or LOGIN; empty: no AUTH
   * @param passwordFile where the password is (its first line), never the TOML
   */
  public record SmarthostSecurity(org.portcullis.delivery.NextHopSecurity.Tls tls, Optional<Path> caFile,
      Optional<String> mechanism, String username, Optional<Path> passwordFile) {}

  /**
   * The outbound source addresses ({@code delivery.source-*}, {@code delivery.blacklist-patterns}).
   *
   * @param addresses the pool; empty: the system picks
   * @param suspendFor how long a destination's blacklist refusal suspends an address for it
   * @param everywhereAfter destinations refusing an address before it is suspended for all
   * @param healthInterval how often the addresses are checked against the DNS lists
   * @param blacklistPatterns regular expressions that mark a refusal as a blacklisting
   */
  public record SourcePoolSettings(List<InetAddress> addresses, Duration suspendFor, int everywhereAfter,
      Duration healthInterval, List<String> blacklistPatterns) {}

  /** How mail for other domains leaves: by their MX records, through the smarthost, or not at all. */
  public enum Outbound { MX, SMARTHOST, NONE }

  /** Where accepted mail goes. */
  public enum Transport { MAILDIR, RELAY }

  /** {@code [store]}. */
  public record Store(Duration refusalRetention) {}

  /**
   * {@code [dnsbl]} and {@code [[dnsbl.zones]]}: the DNS lists the {@code dnsbl} check consults.
   *
   * @param threshold the score at which a client is refused
   * @param reply the reply text template
   * @param healthInterval how often the zones' test points are checked
   * @param zones the zones, in order
   */
  public record Dnsbl(double threshold, String reply, Duration healthInterval, List<DnsblZone> zones) {}

  /**
   * {@code [blocklist]}: our own blocklist.
   *
   * @param enabled whether the gateway checks it and keeps it up to date
   * @param zone the zone name (served by the DNSBL server, named in replies)
   * @param settings expiry, the self-service limit and cooldown, the widest reportable networks
   * @param spamTraps trap addresses
   * @param trapRefuseAtData refuse trap mail after DATA (with a header excerpt) rather than at RCPT
   * @param autoList rules that list clients on the gateway's own refusals
   */
  public record Blocklist(boolean enabled, String zone, BlocklistSettings settings,
      List<EmailAddress> spamTraps, boolean trapRefuseAtData, List<AutoListing.Rule> autoList) {}

  /**
   * {@code [web]}.
   *
   * @param formPostsPerMinute posts of each public form a client address may make per minute
   * @param publicUrl where strangers reach the portal (no trailing slash), named in every refusal's
   *     reply; empty: replies carry a bare reference
   * @param pageViewsPerMinute explanation and lookup pages one client network may view per minute
   * @param certificateFile with {@code keyFile}: serve HTTPS (cookies then {@code Secure})
   * @param metricsNetworks the clients that may read {@code /metrics}; empty: anyone
   * @param adminEnabled whether the admin pages are served
   * @param tenantEnabled whether the tenant portal ({@code /tenant}, {@code /api/tenant}) is served
   */
  public record Web(boolean enabled, InetSocketAddress listen, int formPostsPerMinute, String publicUrl,
      int pageViewsPerMinute, Optional<Path> certificateFile, Optional<Path> keyFile, List<Cidr> metricsNetworks,
      boolean adminEnabled, boolean tenantEnabled) {

    public boolean https() {
      return certificateFile.isPresent();
    }
  }

  /** {@code [policy-service]}: the Postfix policy delegation listener. */
  public record PolicyService(boolean enabled, InetSocketAddress listen, Duration idleTimeout, int connectionsMax,
      boolean okOnAllowEntries) {}

  /** {@code [log]}. */
  public record Log(String level) {}

  /** The SQLite file in the data directory. */
  public Path storeFile() {
    return server.dataDir().resolve("portcullis.db");
  }

  /** The running server's control socket, for {@code portcullis queue ...}. */
  public Path controlSocket() {
    return server.dataDir().resolve("control.sock");
  }

  public Path spoolDir() {
    return server.dataDir().resolve("spool");
  }

  /** The DKIM signing keys, {@code <domain>/<selector>.pem} ({@code portcullis dkim keygen}). */
  public Path dkimKeysDir() {
    return server.dataDir().resolve("dkim");
  }

  public Path selfSignedStore() {
    return server.dataDir().resolve("tls").resolve("self-signed.p12");
  }
}
