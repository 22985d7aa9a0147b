package org.portcullis.config;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.function.Function;
import org.portcullis.blocklist.AutoListing;
import org.portcullis.blocklist.BlocklistSettings;
import org.portcullis.blocklist.Category;
import org.portcullis.blocklist.ZoneSettings;
import org.portcullis.delivery.RetrySchedule;
import org.portcullis.delivery.SourcePool;
import org.portcullis.dnsbl.DnsblZone;
import org.portcullis.dnsbl.ReturnCodes;
import org.portcullis.greylist.GreylistSettings;
import org.portcullis.mail.Addresses;
import org.portcullis.mail.Cidr;
import org.portcullis.mail.EmailAddress;
import org.portcullis.mail.HeloName;
import org.portcullis.mail.LogText;
import org.portcullis.mail.WebUrl;
import org.portcullis.policy.AddressPattern;
import org.portcullis.policy.CheckMode;
import org.portcullis.policy.ExceptionRule;
import org.portcullis.policy.RecipientChoice;
import org.portcullis.policy.RejectAction;
import org.portcullis.policy.ScoreActions;
import org.portcullis.policy.checks.CheckCatalog;
import org.portcullis.policy.checks.RelayControlCheck;
import org.portcullis.policy.checks.ClientGenericPtrCheck;
import org.portcullis.policy.checks.DnsblCheck;
import org.portcullis.smtp.SmtpSettings;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.dataformat.toml.TomlMapper;

/**
 * Reads {@code portcullis.toml} into a {@link PortcullisConfig}. Without a file, every default
 * applies: listen on 127.0.0.1:2525, data in {@code ./data}, accept mail for {@code example.test},
 * deliver to Maildirs in the data directory. Any invalid value or unknown key throws a
 * {@link ConfigException} naming the key.
 */
public final class ConfigLoader {

  public static final String DEFAULT_FILE = "portcullis.toml";
  private static final long MAX_FILE_BYTES = 4 * 1024 * 1024;

  private ConfigLoader() {}

  /** Loads {@code file}, or the defaults if it is empty. */
  public static PortcullisConfig load(Optional<Path> file) {
    if (file.isEmpty()) {
      return fromTree(null);
    }
    Path path = file.get();
    try {
      if (Files.size(path) > MAX_FILE_BYTES) {
        throw new ConfigException(path.toString(), "the configuration file is larger than 4 MiB");
      }
      return fromTree(new TomlMapper().readTree(Files.readString(path)));
    } catch (IOException e) {
      throw new ConfigException(path.toString(), "cannot read the configuration file: " + e.getMessage(), e);
    } catch (JacksonException e) {
      throw new ConfigException(path.toString(), "not valid TOML: " + e.getOriginalMessage(), e);
    }
  }

  /** Parses TOML text (for tests and {@code check-config}). */
  public static PortcullisConfig parse(String toml) {
    try {
      return fromTree(new TomlMapper().readTree(toml));
    } catch (JacksonException e) {
      throw new ConfigException("(text)", "not valid TOML: " + e.getOriginalMessage(), e);
    }
  }

  private static PortcullisConfig fromTree(JsonNode root) {
    ConfigSection top = new ConfigSection("", root);
    PortcullisConfig.Server server = server(top.section("server"));
    PortcullisConfig.Delivery delivery = delivery(top.section("delivery"), server);
    PortcullisConfig.Mail mail = mail(top.section("mail"), delivery);
    ConfigSection smtpSection = top.section("smtp");
    List<ConfigSection> listenerSections = smtpSection.sections("listeners");
    PortcullisConfig.Smtp smtp = smtp(smtpSection);
    PortcullisConfig.Tls tls = tls(top.section("tls"));
    PortcullisConfig.Dns dns = dns(top.section("dns"));
    PortcullisConfig.Policy policy = policy(top.section("policy"), top.section("checks"), top.section("tagging"),
        top.sections("exceptions"), top.section("actions"));
    PortcullisConfig.Queue queue = queue(top.section("queue"));
    PortcullisConfig.Store store = store(top.section("store"));
    PortcullisConfig.Log log = log(top.section("log"));
    PortcullisConfig.Dnsbl dnsbl = dnsbl(top.section("dnsbl"));
    PortcullisConfig.Web web = web(top.section("web"), server, mail);
    PortcullisConfig.Blocklist blocklist = blocklist(top.section("blocklist"), mail);
    ZoneSettings dnsblServer = dnsblServer(top.section("dnsbl-server"), blocklist, server, web);
    GreylistSettings greylist = greylist(top.section("greylist"));
    PortcullisConfig.PolicyService policyService = policyService(top.section("policy-service"));
    PortcullisConfig.Lists lists = lists(top.section("lists"));
    PortcullisConfig.Submission submission = submission(top.section("submission"), tls);
    PortcullisConfig.Spf spf = spf(top.section("spf"));
    PortcullisConfig.Dkim dkim = dkim(top.section("dkim"));
    PortcullisConfig.Dmarc dmarc = dmarc(top.section("dmarc"), mail, server);
    PortcullisConfig.Auth auth = auth(top.section("auth"), server);
    PortcullisConfig.Scan scan = scan(top.section("scan"));
    ConfigSection q = top.section("quarantine");
    PortcullisConfig.Quarantine quarantine = new PortcullisConfig.Quarantine(
        Duration.ofDays(q.integer("retention-days", 30, 1, 3650)), q.bool("digests", true),
        (int) q.integer("digest-link-days", 7, 1, 30));
    q.finish();
    ConfigSection d = top.section("diagnose");
    PortcullisConfig.Diagnose diagnose = new PortcullisConfig.Diagnose(Duration.ofSeconds(d.integer("timeout-seconds",
        30, 1, 300)), (int) d.integer("smtp-port", 25, 1, 65_535), Duration.ofSeconds(d.integer(
            "connect-timeout-seconds", 10, 1, 60)), Duration.ofSeconds(d.integer("banner-timeout-seconds", 30, 1, 300)),
        d.bool("allow-private-targets", false), (int) d.integer("requests-per-minute", 5, 1, 10_000),
        (int) d.integer("dns-port", 53, 1, 65_535), probeDomain(d, mail),
        Duration.ofSeconds(d.integer("probe-delay-seconds", 300, 10, 86_400)));
    d.finish();
    ConfigSection k = top.section("correspondents");
    PortcullisConfig.Correspondents correspondents = new PortcullisConfig.Correspondents(k.bool("enabled", true),
        Duration.ofDays(k.integer("lifetime-days", 60, 1, 3650)), k.integer("max-entries", 200_000, 1_000,
            100_000_000), k.bool("trust-delivery-hosts", false));
    k.finish();
    ConfigSection recipientsSection = top.section("recipients");
    List<PortcullisConfig.LdapDirectory> directories = new ArrayList<>();
    for (ConfigSection ldap : recipientsSection.sections("ldap")) {
      directories.add(ldapDirectory(ldap));
    }
    recipientsSection.finish();
    PortcullisConfig.Verify verify = verify(top.section("verify"), delivery, directories);
    List<PortcullisConfig.Listener> listeners = listeners(listenerSections, smtp, policy);
    top.finish();
    return new PortcullisConfig(server, mail, smtp, tls, dns, policy, queue, delivery, store, log, dnsbl, blocklist,
        dnsblServer, web, greylist, policyService, lists, submission, spf, dkim, dmarc, auth, scan, quarantine,
        diagnose, correspondents, verify, listeners);
  }

  private static PortcullisConfig.Verify verify(ConfigSection s, PortcullisConfig.Delivery delivery,
      List<PortcullisConfig.LdapDirectory> directories) {
    String how = s.string("recipients", directories.isEmpty() ? "off" : "ldap");
    PortcullisConfig.RecipientVerification recipients = switch (how) {
      case "off" -> PortcullisConfig.RecipientVerification.OFF;
      case "ldap" -> {
        if (directories.isEmpty()) {
          throw new ConfigException(s.key("recipients"), "\"ldap\" needs at least one [[recipients.ldap]] table");
        }
        yield PortcullisConfig.RecipientVerification.LDAP;
      }
      case "callout" -> {
        if (delivery.transport() != PortcullisConfig.Transport.RELAY) {
          throw new ConfigException(s.key("recipients"), "\"callout\" asks the server we relay to, so it needs "
              + "delivery.transport = \"relay\"; with Maildir delivery, mail.known-recipients and the mailboxes "
              + "decide (recipient-known)");
        }
        yield PortcullisConfig.RecipientVerification.CALLOUT;
      }
      default -> throw new ConfigException(s.key("recipients"), "must be \"off\", \"callout\" or \"ldap\", not \""
          + how + "\"");
    };
    PortcullisConfig.Verify verify = new PortcullisConfig.Verify(recipients, s.bool("sender", false),
        Duration.ofSeconds(s.integer("timeout-seconds", 10, 1, 120)),
        Duration.ofSeconds(s.integer("connect-timeout-seconds", 5, 1, 60)),
        (int) s.integer("concurrency", 20, 1, 1_000), delivery.remotePort(),
        Duration.ofHours(s.integer("positive-ttl-hours", 24, 1, 24 * 90)),
        Duration.ofMinutes(s.integer("negative-ttl-minutes", 60, 1, 24 * 60 * 30)),
        Duration.ofSeconds(s.integer("tempfail-ttl-seconds", 60, 1, 3_600)),
        s.integer("cache-max-entries", 100_000, 100, 10_000_000), s.bool("allow-private-targets", false),
        List.copyOf(directories));
    s.finish();
    return verify;
  }

  /** One {@code [[recipients.ldap]]}: a bind password only in a file, and only over TLS. */
  private static PortcullisConfig.LdapDirectory ldapDirectory(ConfigSection s) {
    String url = s.string("url", "");
    java.net.URI uri;
    try {
      uri = new java.net.URI(url);
    } catch (java.net.URISyntaxException e) {
      throw new ConfigException(s.key("url"), "not a URL: " + e.getMessage(), e);
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("ldap") && !scheme.equals("ldaps") || uri.getHost() == null
        || uri.getPath() != null && !uri.getPath().isEmpty() && !uri.getPath().equals("/") || uri.getQuery() != null) {
      throw new ConfigException(s.key("url"), "must be ldap://host[:port] or ldaps://host[:port], not \""
          + LogText.escape(url, 200) + "\"");
    }
    boolean implicitTls = scheme.equals("ldaps");
    int port = uri.getPort() < 0 ? (implicitTls ? 636 : 389) : uri.getPort();
    boolean startTls = s.bool("start-tls", false);
    if (startTls && implicitTls) {
      throw new ConfigException(s.key("start-tls"), "is for ldap:// URLs; ldaps:// is TLS from the first byte");
    }
    String ca = s.string("ca-file", "");
    Optional<Path> caFile = ca.isEmpty() ? Optional.empty() : Optional.of(path(s, "ca-file", ca));
    if (s.has("password")) {
      throw new ConfigException(s.key("password"), "a password is never kept in the TOML: put it in a file "
          + "readable only by the service and name it with password-file");
    }
    String bindDn = s.string("bind-dn", "");
    String password = s.string("password-file", "");
    if (!bindDn.isEmpty()) {
      if (!com.unboundid.ldap.sdk.DN.isValidDN(bindDn)) {
        throw new ConfigException(s.key("bind-dn"), "not a distinguished name");
      }
      if (password.isEmpty()) {
        throw new ConfigException(s.key("password-file"), "is required with bind-dn");
      }
      if (!implicitTls && !startTls) {
        throw new ConfigException(s.key("start-tls"), "a bind password is only sent over TLS: use an ldaps:// URL "
            + "or start-tls = true");
      }
    }
    String base = s.string("base", "");
    if (base.isEmpty() || !com.unboundid.ldap.sdk.DN.isValidDN(base)) {
      throw new ConfigException(s.key("base"), "must be the distinguished name the search starts at, such as "
          + "\"dc=example,dc=com\"");
    }
    String filter = s.string("filter", "(mail=%s)");
    try {
      if (!filter.contains("%s") || filter.length() > 1000) {
        throw new com.unboundid.ldap.sdk.LDAPException(com.unboundid.ldap.sdk.ResultCode.FILTER_ERROR, "no %s");
      }
      com.unboundid.ldap.sdk.Filter.create(filter.replace("%s", "someone@example.com"));
    } catch (com.unboundid.ldap.sdk.LDAPException e) {
      throw new ConfigException(s.key("filter"), "must be an LDAP filter (RFC 4515) with %s for the address, such as "
          + "\"(|(mail=%s)(proxyAddresses=smtp:%s))\", at most 1000 characters", e);
    }
    Duration timeout = Duration.ofMillis(s.integer("timeout-ms", 3_000, 100, 60_000));
    String tenant = s.string("tenant-attribute", "");
    if (!tenant.isEmpty() && !tenant.matches("[A-Za-z][A-Za-z0-9-]{0,63}")) {
      throw new ConfigException(s.key("tenant-attribute"), "must be an attribute name, such as \"company\" or "
          + "\"extensionAttribute1\"");
    }
    s.finish();
    return new PortcullisConfig.LdapDirectory(uri.getHost(), port, implicitTls, startTls, caFile,
        bindDn.isEmpty() ? Optional.empty() : Optional.of(bindDn),
        password.isEmpty() ? Optional.empty() : Optional.of(path(s, "password-file", password)), base, filter, timeout,
        tenant.isEmpty() ? Optional.empty() : Optional.of(tenant));
  }

  /** {@code diagnose.probe-domain}: one of our domains, so that mail to its probes reaches us and is ours. */
  private static Optional<String> probeDomain(ConfigSection d, PortcullisConfig.Mail mail) {
    String domain = d.string("probe-domain", "").strip().toLowerCase(Locale.ROOT);
    if (domain.isEmpty()) {
      return Optional.empty();
    }
    if (mail.acceptedDomains().stream().noneMatch(domain::equalsIgnoreCase)) {
      throw new ConfigException(d.key("probe-domain"), "must be one of mail.accepted-domains (mail to its probe "
          + "addresses must reach this server), not \"" + LogText.escape(domain, 253) + "\"");
    }
    return Optional.of(domain);
  }

  private static PortcullisConfig.Scan scan(ConfigSection s) {
    Duration timeout = Duration.ofMillis(s.integer("timeout-ms", 10_000, 100, 300_000));
    long maxBytes = s.integer("message-max-bytes", 512 * 1024, 1024, 1L << 30);
    int concurrency = (int) s.integer("concurrency-max", 16, 1, 10_000);
    String failure = s.string("on-failure", "tempfail");
    org.portcullis.policy.checks.ScanCheck.OnFailure onFailure = switch (failure) {
      case "tempfail" -> org.portcullis.policy.checks.ScanCheck.OnFailure.TEMPFAIL;
      case "accept-tagged" -> org.portcullis.policy.checks.ScanCheck.OnFailure.ACCEPT_TAGGED;
      default -> throw new ConfigException(s.key("on-failure"), "must be \"tempfail\" (fail closed: 451 4.3.0) or "
          + "\"accept-tagged\" (fail open: delivered with X-Portcullis-Scan), not \"" + failure + "\"");
    };
    int breakerFailures = (int) s.integer("breaker-failures", 5, 1, 10_000);
    Duration breakerOpen = Duration.ofMillis(s.integer("breaker-open-ms", 30_000, 100, 3_600_000));
    // Every key is checked whether or not its scanner is enabled: a typo waits for no one.
    ConfigSection spamdSection = s.section("spamd");
    boolean spamdOn = spamdSection.bool("enabled", false);
    var spamdAddress = scannerAddress(spamdSection, "127.0.0.1:783", 783);
    String user = spamdSection.string("user", "");
    if (!user.matches("[A-Za-z0-9._@+-]{0,64}")) {
      throw new ConfigException(spamdSection.key("user"), "must be at most 64 letters, digits and ._@+-");
    }
    double reject = spamdSection.decimal("reject-score", 10.0, -1000, 10_000);
    spamdSection.finish();
    Optional<PortcullisConfig.Spamd> spamd = spamdOn ? Optional.of(new PortcullisConfig.Spamd(spamdAddress,
        user.isEmpty() ? Optional.empty() : Optional.of(user), reject)) : Optional.empty();
    ConfigSection rspamdSection = s.section("rspamd");
    boolean rspamdOn = rspamdSection.bool("enabled", false);
    String text = rspamdSection.string("url", "http://127.0.0.1:11333/checkv2");
    java.net.URI url;
    try {
      url = new java.net.URI(text);
    } catch (java.net.URISyntaxException e) {
      throw new ConfigException(rspamdSection.key("url"), "\"" + text + "\" is not a URL");
    }
    if (!"http".equals(url.getScheme()) && !"https".equals(url.getScheme()) || url.getHost() == null) {
      throw new ConfigException(rspamdSection.key("url"), "must be an http:// or https:// URL, like "
          + "http://127.0.0.1:11333/checkv2, not \"" + text + "\"");
    }
    String password = rspamdSection.string("password", "");
    rspamdSection.finish();
    Optional<PortcullisConfig.Rspamd> rspamd = rspamdOn ? Optional.of(new PortcullisConfig.Rspamd(url,
        password.isEmpty() ? Optional.empty() : Optional.of(password))) : Optional.empty();
    ConfigSection clamdSection = s.section("clamd");
    boolean clamdOn = clamdSection.bool("enabled", false);
    var clamdAddress = scannerAddress(clamdSection, "unix:/run/clamav/clamd.ctl", 3310);
    long clamdMax = clamdSection.integer("message-max-bytes", 25L * 1024 * 1024, 1024, 4L << 30);
    clamdSection.finish();
    Optional<PortcullisConfig.Clamd> clamd = clamdOn ? Optional.of(new PortcullisConfig.Clamd(clamdAddress, clamdMax))
        : Optional.empty();
    s.finish();
    return new PortcullisConfig.Scan(timeout, maxBytes, concurrency, onFailure, breakerFailures, breakerOpen, spamd,
        rspamd, clamd);
  }

  /** {@code address}: {@code host:port} or {@code unix:/path/to/socket}. */
  private static org.portcullis.scan.ScannerAddress scannerAddress(ConfigSection s, String fallback, int defaultPort) {
    String text = s.string("address", fallback);
    if (text.startsWith(org.portcullis.scan.ScannerAddress.UNIX)) {
      String path = text.substring(org.portcullis.scan.ScannerAddress.UNIX.length());
      if (!path.startsWith("/") || path.length() > 100) {
        throw new ConfigException(s.key("address"), "a Unix socket must be an absolute path of at most 100 "
            + "characters, like unix:/run/clamav/clamd.ctl");
      }
      return org.portcullis.scan.ScannerAddress.unix(Path.of(path));
    }
    return org.portcullis.scan.ScannerAddress.tcp(hostPort(s.key("address"), text, defaultPort, false));
  }

  private static PortcullisConfig.Spf spf(ConfigSection s) {
    boolean enabled = s.bool("enabled", true);
    Duration timeout = Duration.ofMillis(s.integer("timeout-ms", 5_000, 100, 60_000));
    PortcullisConfig.SpfOnFail onFail = choice(s, "on-fail", PortcullisConfig.SpfOnFail.RECORD,
        PortcullisConfig.SpfOnFail.class);
    boolean checkHelo = s.bool("check-helo", true);
    s.finish();
    return new PortcullisConfig.Spf(enabled, timeout, onFail, checkHelo);
  }

  private static PortcullisConfig.Dkim dkim(ConfigSection s) {
    boolean enabled = s.bool("enabled", true);
    Duration timeout = Duration.ofMillis(s.integer("timeout-ms", 5_000, 100, 60_000));
    java.util.Set<String> required = new java.util.LinkedHashSet<>();
    for (String domain : s.strings("require-signature-from", List.of())) {
      HeloName name = HeloName.parse(domain.toLowerCase(Locale.ROOT));
      if (!name.isDomain()) {
        throw new ConfigException(s.key("require-signature-from"), "must list domain names like example.com, not \""
            + domain + "\"");
      }
      required.add(name.raw());
    }
    s.finish();
    return new PortcullisConfig.Dkim(enabled, timeout, java.util.Set.copyOf(required));
  }

  private static PortcullisConfig.Dmarc dmarc(ConfigSection s, PortcullisConfig.Mail mail,
      PortcullisConfig.Server server) {
    boolean enabled = s.bool("enabled", true);
    Duration timeout = Duration.ofMillis(s.integer("timeout-ms", 5_000, 100, 60_000));
    boolean oneFrom = s.bool("require-one-from", true);
    boolean enforce = s.bool("enforce", true);
    List<String> forwarders = networksOrDomains(s, "trusted-forwarders");
    List<String> lists = networksOrDomains(s, "mailing-lists");
    String reports = s.string("report-address", "");
    Optional<EmailAddress> reportAddress = reports.isEmpty() ? Optional.empty()
        : Optional.of(ourAddress(s, "report-address", reports, mail));
    boolean sendReports = s.bool("send-reports", false);
    String from = s.string("report-from", reportAddress.map(EmailAddress::toString)
        .orElse("postmaster@" + mail.acceptedDomains().getFirst()));
    EmailAddress reportFrom = ourAddress(s, "report-from", from, mail);
    String organisation = s.string("report-org-name", server.hostname()).strip();
    if (organisation.isEmpty() || organisation.length() > 200 || !organisation.matches("[\\x20-\\x7e]+")) {
      throw new ConfigException(s.key("report-org-name"), "must be 1 to 200 printable ASCII characters");
    }
    String onQuarantine = s.string("on-quarantine", "tag");
    if (!onQuarantine.equals("tag") && !onQuarantine.equals("quarantine")) {
      throw new ConfigException(s.key("on-quarantine"), "must be \"tag\" or \"quarantine\", not \""
          + onQuarantine + "\"");
    }
    s.finish();
    return new PortcullisConfig.Dmarc(enabled, timeout, oneFrom, enforce, forwarders, lists, reportAddress,
        sendReports, reportFrom, organisation, onQuarantine.equals("quarantine"));
  }

  /** An address at one of our accepted domains (mail to and from it is ours to sign and to read). */
  private static EmailAddress ourAddress(ConfigSection s, String key, String text, PortcullisConfig.Mail mail) {
    EmailAddress address;
    try {
      address = EmailAddress.parse(text);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(s.key(key), "\"" + text + "\" is not an address: " + e.getMessage());
    }
    if (!mail.acceptedDomains().contains(address.domain().toLowerCase(Locale.ROOT))) {
      throw new ConfigException(s.key(key), "must be at one of mail.accepted-domains, not " + text);
    }
    return address;
  }

  /** CIDR networks (192.0.2.0/24, 2001:db8::/32, a single address) or domain names matched against verified PTR names. */
  private static List<String> networksOrDomains(ConfigSection s, String key) {
    List<String> out = new ArrayList<>();
    for (String entry : s.strings(key, List.of())) {
      String e = entry.strip().toLowerCase(Locale.ROOT);
      if (Cidr.looksLikeNetwork(e)) {
        try {
          Cidr.parse(e);
        } catch (IllegalArgumentException bad) {
          throw new ConfigException(s.key(key), "\"" + entry + "\" is not a network (" + bad.getMessage() + ")");
        }
      } else if (!HeloName.parse(e).isDomain()) {
        throw new ConfigException(s.key(key), "must list networks like 192.0.2.0/24 or domains like lists.example.org, "
            + "not \"" + entry + "\"");
      }
      out.add(e);
    }
    return List.copyOf(out);
  }

  private static PortcullisConfig.Auth auth(ConfigSection s, PortcullisConfig.Server server) {
    String id = s.string("authserv-id", server.hostname());
    if (!id.matches("[A-Za-z0-9][A-Za-z0-9.-]{0,252}")) {
      throw new ConfigException(s.key("authserv-id"), "must be a host name like mx.example.com, not \"" + id + "\"");
    }
    s.finish();
    return new PortcullisConfig.Auth(id);
  }

  private static PortcullisConfig.Server server(ConfigSection s) {
    String hostname = s.string("hostname", defaultHostname()).toLowerCase(Locale.ROOT);
    HeloName name = HeloName.parse(hostname);
    if (!name.isDomain()) {
      throw new ConfigException(s.key("hostname"), "must be a host name like mx.example.com, not \"" + hostname + "\"");
    }
    Path dataDir = path(s, "data-dir", "./data");
    s.finish();
    return new PortcullisConfig.Server(hostname, dataDir);
  }

  private static PortcullisConfig.Mail mail(ConfigSection s, PortcullisConfig.Delivery delivery) {
    List<String> domains = new ArrayList<>();
    for (String d : s.strings("accepted-domains", List.of("example.test"))) {
      String domain = d.toLowerCase(Locale.ROOT);
      HeloName parsed = HeloName.parse(domain);
      if (!parsed.isDomain()) {
        throw new ConfigException(s.key("accepted-domains"), "\"" + d + "\" is not a domain name");
      }
      domains.add(domain);
    }
    if (domains.isEmpty()) {
      throw new ConfigException(s.key("accepted-domains"), "must name at least one domain: the domains this server "
          + "takes mail for (its postmaster@ and blocklist zone come from the first)");
    }
    List<Cidr> lan = cidrs(s, "lan-networks", List.of("127.0.0.1/32", "::1/128"));
    for (Cidr network : lan) {
      if (network.prefixLength() == 0) {
        throw new ConfigException(s.key("lan-networks"), network + " covers the whole internet: every client could "
            + "relay (an open relay); list your own networks");
      }
    }
    List<String> reachable = new ArrayList<>();
    for (String local : s.strings("always-reachable", List.of("postmaster", "abuse"))) {
      if (!local.matches("[A-Za-z0-9._+-]{1,64}")) {
        throw new ConfigException(s.key("always-reachable"), "\"" + local + "\" is not a plain local part");
      }
      reachable.add(local.toLowerCase(Locale.ROOT));
    }
    List<EmailAddress> known = list(s, "known-recipients", List.of(), EmailAddress::parse);
    // With Maildir delivery we are the mailbox server: unknown local parts must not create mailboxes.
    // With a next-hop relay, that server knows its mailboxes (Postfix's relay_recipient_maps is opt-in too).
    String unknown = s.string("unknown-recipients",
        delivery.transport() == PortcullisConfig.Transport.MAILDIR ? "reject" : "accept");
    if (!unknown.equals("reject") && !unknown.equals("accept")) {
      throw new ConfigException(s.key("unknown-recipients"), "must be \"reject\" or \"accept\", not \""
          + unknown + "\"");
    }
    s.finish();
    return new PortcullisConfig.Mail(List.copyOf(domains), lan, List.copyOf(reachable), known,
        unknown.equals("reject"));
  }

  private static PortcullisConfig.Smtp smtp(ConfigSection s) {
    InetSocketAddress listen = listenAddress(s, "listen", "127.0.0.1:2525");
    boolean proxy = s.bool("proxy-protocol", false);
    List<Cidr> proxyNetworks = cidrs(s, "proxy-networks", List.of());
    if (proxy && proxyNetworks.isEmpty()) {
      throw new ConfigException(s.key("proxy-networks"),
          "must list the load balancers' addresses when proxy-protocol = true (anyone else is refused)");
    }
    List<Cidr> xclient = cidrs(s, "xclient-networks", List.of());
    Duration greetingDelay = Duration.ofMillis(s.integer("greeting-delay-ms", 0, 0, 30_000));
    int commandLine = (int) s.integer("command-line-max-bytes", 512, 512, 65_536);
    int allowance = (int) s.integer("esmtp-parameter-allowance-bytes", 512, 0, 65_536);
    int textLine = (int) s.integer("text-line-max-bytes", 1000, 1000, 1_048_576);
    long size = s.integer("message-size-max-bytes", 10_485_760, 1024, 1_073_741_824);
    int recipients = (int) s.integer("recipients-max", 100, 100, 100_000);
    Duration commandTimeout = Duration.ofSeconds(s.integer("command-timeout-seconds", 300, 1, 3600));
    Duration dataTimeout = Duration.ofSeconds(s.integer("data-timeout-seconds", 180, 1, 3600));
    int connections = (int) s.integer("connections-max", 1000, 1, 1_000_000);
    int perClient = (int) s.integer("connections-per-client-max", 20, 1, 1_000_000);
    if (perClient > connections) {
      throw new ConfigException(s.key("connections-per-client-max"), "must not exceed smtp.connections-max (" + connections + ")");
    }
    int perNetwork = (int) s.integer("connections-per-network-max", Math.max(perClient, Math.min(50, connections)),
        1, 1_000_000);
    if (perNetwork < perClient) {
      throw new ConfigException(s.key("connections-per-network-max"), "must be at least smtp.connections-per-client-max ("
          + perClient + ")");
    }
    int reserved = (int) s.integer("connections-reserved-for-lan", Math.min(100, connections / 10), 0, 1_000_000);
    if (reserved >= connections) {
      throw new ConfigException(s.key("connections-reserved-for-lan"), "must be less than smtp.connections-max ("
          + connections + "): strangers need room too");
    }
    int errors = (int) s.integer("errors-max", 20, 1, 10_000);
    int overshoot = (int) s.integer("recipient-overshoot-max", 1000, 0, 1_000_000);
    long rate = s.integer("data-rate-min-bytes-per-second", 500, 1, 1L << 30);
    Duration transaction = Duration.ofSeconds(s.integer("transaction-max-seconds", 1800, 1, 86_400));
    long memory = s.integer("data-memory-max-bytes", 536_870_912, 1_048_576, 1L << 40);
    boolean delayReject = s.bool("delay-reject", true);
    s.finish();
    return new PortcullisConfig.Smtp(listen, proxy, proxyNetworks, xclient, greetingDelay, commandLine, allowance,
        textLine, size, recipients, commandTimeout, dataTimeout, connections, perClient, errors, memory, delayReject,
        new SmtpSettings.Limits(perNetwork, reserved, overshoot, rate, transaction));
  }

  private static PortcullisConfig.Tls tls(ConfigSection s) {
    boolean enabled = s.bool("enabled", true);
    String cert = s.string("certificate-file", "");
    String key = s.string("key-file", "");
    if (cert.isEmpty() != key.isEmpty()) {
      throw new ConfigException(s.key(cert.isEmpty() ? "certificate-file" : "key-file"),
          "certificate-file and key-file go together: set both, or neither for a self-signed certificate");
    }
    s.finish();
    return new PortcullisConfig.Tls(enabled, cert.isEmpty() ? Optional.empty() : Optional.of(Path.of(cert)),
        key.isEmpty() ? Optional.empty() : Optional.of(Path.of(key)));
  }

  private static PortcullisConfig.Dns dns(ConfigSection s) {
    List<InetSocketAddress> servers = new ArrayList<>();
    for (String server : s.strings("servers", List.of())) {
      servers.add(hostPort(s.key("servers"), server, 53, true));
    }
    Duration timeout = Duration.ofMillis(s.integer("timeout-ms", 2000, 10, 60_000));
    int attempts = (int) s.integer("attempts", 2, 1, 10);
    int udpSockets = (int) s.integer("udp-sockets", 4, 0, 64);
    long entries = s.integer("cache-entries-max", 100_000, 0, 100_000_000);
    Duration ttlMax = Duration.ofSeconds(s.integer("cache-ttl-max-seconds", 86_400, 0, 604_800));
    Duration negativeMax = Duration.ofSeconds(s.integer("cache-negative-ttl-max-seconds", 3600, 0, 86_400));
    Duration failure = Duration.ofSeconds(s.integer("cache-failure-ttl-seconds", 5, 0, 3600));
    s.finish();
    return new PortcullisConfig.Dns(List.copyOf(servers), timeout, attempts, udpSockets, entries, ttlMax, negativeMax,
        failure);
  }

  private static PortcullisConfig.Policy policy(ConfigSection policy, ConfigSection checks, ConfigSection tagging,
      List<ConfigSection> exceptions, ConfigSection actions) {
    Duration defaultTimeout = Duration.ofMillis(policy.integer("check-timeout-ms", 10_000, 10, 600_000));
    policy.finish();
    for (String name : checks.keys()) {
      if (CheckCatalog.find(name).isEmpty()) {
        throw new ConfigException(checks.key(name), "unknown check; the checks are " + String.join(", ", CheckCatalog.names()));
      }
    }
    Map<String, PortcullisConfig.CheckConfig> byName = new LinkedHashMap<>();
    for (CheckCatalog.Entry entry : CheckCatalog.ENTRIES) {
      byName.put(entry.name(), check(checks.section(entry.name()), entry, new PortcullisConfig.CheckConfig(
          entry.mode(), entry.onReject(), defaultTimeout, ClientGenericPtrCheck.DEFAULT_PATTERNS, RecipientChoice.REJECT,
          "", org.portcullis.policy.CheckSettings.SCORE_DEFAULT)));
    }
    checks.finish();
    String prefix = tagging.string("subject-prefix", "");
    if (!prefix.isEmpty() && !prefix.endsWith(" ")) {
      prefix = prefix + " ";
    }
    tagging.finish();
    List<ExceptionRule> rules = new ArrayList<>();
    for (ConfigSection e : exceptions) {
      rules.add(exception(e));
    }
    return new PortcullisConfig.Policy(Map.copyOf(byName), prefix, List.copyOf(rules), actions(actions));
  }

  /** {@code [actions]}: score thresholds, each a number or {@code "off"}; they must go up in this order. */
  private static ScoreActions actions(ConfigSection s) {
    ScoreActions d = ScoreActions.DEFAULT;
    OptionalDouble tag = threshold(s, "tag", d.tag());
    OptionalDouble rewrite = threshold(s, "rewrite-subject", d.rewriteSubject());
    OptionalDouble quarantine = threshold(s, "quarantine", d.quarantine());
    OptionalDouble reject = threshold(s, "reject", d.reject());
    s.finish();
    try {
      return new ScoreActions(tag, rewrite, quarantine, reject);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(s.key("reject"), e.getMessage());
    }
  }

  private static OptionalDouble threshold(ConfigSection s, String name, OptionalDouble fallback) {
    if (!s.has(name)) {
      return fallback;
    }
    if (s.isString(name)) {
      if (!s.string(name, "").equals("off")) {
        throw new ConfigException(s.key(name), "must be a score (-1000..1000) or \"off\"");
      }
      return OptionalDouble.empty();
    }
    return OptionalDouble.of(s.decimal(name, 0, -1000, 1000));
  }

  /** A check's table, over {@code base}: the catalogue's defaults, or for a listener the global settings. */
  private static PortcullisConfig.CheckConfig check(ConfigSection s, CheckCatalog.Entry entry,
      PortcullisConfig.CheckConfig base) {
    CheckMode mode = choice(s, "mode", base.mode(), CheckMode.class);
    RejectAction onReject = choice(s, "on-reject", base.onReject(), RejectAction.class);
    Duration timeout = Duration.ofMillis(s.integer("timeout-ms", base.timeout().toMillis(), 10, 600_000));
    String choiceText = s.string("default-choice", base.defaultChoice().label());
    RecipientChoice defaultChoice = RecipientChoice.parse(choiceText.strip().toLowerCase(Locale.ROOT))
        .orElseThrow(() -> new ConfigException(s.key("default-choice"), "must be reject, tag, rewrite-subject, "
            + "quarantine or accept"));
    double score = s.decimal("score", base.score(), -1000, 1000);
    if (onReject == RejectAction.SCORE && (CheckCatalog.PROTOCOL.contains(entry.name())
        || CheckCatalog.NEVER_REJECT.contains(entry.name()))) {
      throw new ConfigException(s.key("on-reject"), entry.name() + " cannot add to a score: it judges the protocol "
          + "or may not act on its own finding");
    }
    if (defaultChoice != RecipientChoice.REJECT && onReject != RejectAction.PER_RECIPIENT) {
      throw new ConfigException(s.key("default-choice"), "applies only with on-reject = \"per-recipient\"");
    }
    if (CheckCatalog.FIXED.contains(entry.name()) && (mode != CheckMode.ENFORCE || onReject != RejectAction.REJECT)) {
      throw new ConfigException(s.key(mode != CheckMode.ENFORCE ? "mode" : "on-reject"),
          entry.name() + " cannot be changed: " + CheckCatalog.whyFixed(entry.name()).orElseThrow());
    }
    if (CheckCatalog.NEVER_REJECT.contains(entry.name())
        && (onReject == RejectAction.QUARANTINE || onReject == RejectAction.PER_RECIPIENT)) {
      throw new ConfigException(s.key("on-reject"),
          "must be \"tag\" or \"tempfail\": RFC 5321 4.1.4 forbids acting on mail only because HELO and PTR differ");
    }
    if (CheckCatalog.NEVER_REJECT.contains(entry.name()) && onReject == RejectAction.REJECT) {
      throw new ConfigException(s.key("on-reject"),
          "must be \"tag\" or \"tempfail\": RFC 5321 4.1.4 forbids rejecting mail only because HELO and PTR differ");
    }
    List<String> patterns = List.of();
    if (CheckCatalog.WITH_PATTERNS.contains(entry.name())) {
      patterns = s.strings("patterns", base.patterns());
      try {
        new ClientGenericPtrCheck(patterns);
      } catch (IllegalArgumentException e) {
        throw new ConfigException(s.key("patterns"), e.getMessage(), e);
      }
    }
    s.finish();
    return new PortcullisConfig.CheckConfig(mode, onReject, timeout, patterns, defaultChoice, base.scope(), score);
  }

  /**
   * {@code [[smtp.listeners]]}: each a name, an address and check overrides over {@code [checks]}
   * ({@code [smtp.listeners.checks.NAME]}, the same keys); the rest of {@code [smtp]} is shared.
   */
  private static List<PortcullisConfig.Listener> listeners(List<ConfigSection> sections, PortcullisConfig.Smtp smtp,
      PortcullisConfig.Policy policy) {
    if (sections.size() > 16) {
      throw new ConfigException("smtp.listeners", "at most 16 extra listeners");
    }
    List<PortcullisConfig.Listener> out = new ArrayList<>();
    Set<String> names = new HashSet<>();
    Set<InetSocketAddress> addresses = new HashSet<>();
    addresses.add(smtp.listen());
    for (ConfigSection s : sections) {
      String name = s.string("name", "");
      if (!name.matches("[a-z0-9][a-z0-9-]{0,31}")) {
        throw new ConfigException(s.key("name"), "must be 1 to 32 lower-case letters, digits or '-'");
      }
      if (!names.add(name)) {
        throw new ConfigException(s.key("name"), "another listener is called " + name);
      }
      if (!s.has("listen")) {
        throw new ConfigException(s.key("listen"), "is required: the address this listener serves");
      }
      InetSocketAddress listen = listenAddress(s, "listen", "127.0.0.1:0");
      if (listen.getPort() != 0 && !addresses.add(listen)) {
        throw new ConfigException(s.key("listen"), "is already smtp.listen or another listener's address");
      }
      ConfigSection checks = s.section("checks");
      for (String check : checks.keys()) {
        if (CheckCatalog.find(check).isEmpty()) {
          throw new ConfigException(checks.key(check), "unknown check; the checks are "
              + String.join(", ", CheckCatalog.names()));
        }
      }
      Map<String, PortcullisConfig.CheckConfig> byName = new LinkedHashMap<>();
      for (CheckCatalog.Entry entry : CheckCatalog.ENTRIES) {
        PortcullisConfig.CheckConfig global = policy.checks().get(entry.name());
        byName.put(entry.name(), checks.has(entry.name())
            ? check(checks.section(entry.name()), entry, new PortcullisConfig.CheckConfig(global.mode(),
                global.onReject(), global.timeout(), global.patterns(), global.defaultChoice(), "listener " + name,
                global.score()))
            : global);
      }
      checks.finish();
      s.finish();
      out.add(new PortcullisConfig.Listener(name, listen, Map.copyOf(byName)));
    }
    return List.copyOf(out);
  }

  private static ExceptionRule exception(ConfigSection s) {
    List<Cidr> clients = cidrs(s, "clients", List.of());
    List<AddressPattern> senders = list(s, "senders", List.of(), AddressPattern::parse);
    List<AddressPattern> recipients = list(s, "recipients", List.of(), AddressPattern::parse);
    List<AddressPattern> helos = list(s, "helos", List.of(), AddressPattern::parse);
    List<String> skip = s.strings("skip", List.of());
    Set<String> known = new LinkedHashSet<>(CheckCatalog.names());
    known.add(ExceptionRule.ALL);
    for (String name : skip) {
      if (!known.contains(name)) {
        throw new ConfigException(s.key("skip"), "\"" + name + "\" is not a check; use \"all\" or one of "
            + String.join(", ", CheckCatalog.names()));
      }
      if (name.equals(RelayControlCheck.NAME)) {
        throw new ConfigException(s.key("skip"), name + " cannot be skipped; relay through the LAN networks or AUTH instead");
      }
      if (CheckCatalog.PROTOCOL.contains(name)) {
        throw new ConfigException(s.key("skip"), name + " cannot be skipped: exceptions do not apply to the "
            + "protocol's own refusals");
      }
      if (CheckCatalog.UNSKIPPABLE.contains(name)) {
        throw new ConfigException(s.key("skip"), name + " cannot be skipped; remove the deny entry instead");
      }
    }
    String note = s.string("note", "");
    s.finish();
    try {
      Set<String> skipped = new LinkedHashSet<>(skip);
      if (skipped.contains(ExceptionRule.ALL)) {
        // "all" never includes relay control: exceptions exempt from checks, they do not open the relay.
        skipped.remove(ExceptionRule.ALL);
        CheckCatalog.names().stream().filter(n -> !CheckCatalog.UNSKIPPABLE.contains(n)).forEach(skipped::add);
      }
      return new ExceptionRule(clients, senders, recipients, helos, skipped, note);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(s.path(), e.getMessage(), e);
    }
  }

  private static PortcullisConfig.Queue queue(ConfigSection s) {
    boolean fsync = s.bool("fsync", true);
    long segment = s.integer("segment-max-bytes", 64L * 1024 * 1024, 1024 * 1024, 1L << 34);
    s.finish();
    return new PortcullisConfig.Queue(fsync, segment);
  }

  private static PortcullisConfig.Delivery delivery(ConfigSection s, PortcullisConfig.Server server) {
    PortcullisConfig.Transport transport = choice(s, "transport", PortcullisConfig.Transport.MAILDIR,
        PortcullisConfig.Transport.class);
    Path maildir = path(s, "maildir-root", server.dataDir().resolve("maildir").toString());
    String relay = s.string("relay-host", "");
    if (transport == PortcullisConfig.Transport.RELAY && relay.isEmpty()) {
      throw new ConfigException(s.key("relay-host"), "must be set (host:port) when delivery.transport = \"relay\"");
    }
    Optional<InetSocketAddress> relayHost = relay.isEmpty() ? Optional.empty()
        : Optional.of(hostPort(s.key("relay-host"), relay, 25, false));
    String smarthostText = s.string("smarthost", "");
    Optional<InetSocketAddress> smarthost = smarthostText.isEmpty() ? Optional.empty()
        : Optional.of(hostPort(s.key("smarthost"), smarthostText, 25, false));
    int concurrency = (int) s.integer("concurrency", 4, 1, 1000);
    long initial = s.integer("retry-initial-seconds", 300, 1, 86_400);
    long max = s.integer("retry-max-seconds", 4000, 1, 604_800);
    if (max < initial) {
      throw new ConfigException(s.key("retry-max-seconds"), "must be at least delivery.retry-initial-seconds (" + initial + ")");
    }
    double factor = s.decimal("retry-factor", 2.0, 1.0, 10.0);
    long giveUp = s.integer("give-up-hours", 120, 1, 24 * 60);
    Duration connect = Duration.ofSeconds(s.integer("relay-connect-timeout-seconds", 30, 1, 600));
    Duration read = Duration.ofSeconds(s.integer("relay-read-timeout-seconds", 300, 1, 3600));
    PortcullisConfig.Outbound outbound = choice(s, "outbound",
        smarthost.isPresent() ? PortcullisConfig.Outbound.SMARTHOST : PortcullisConfig.Outbound.MX,
        PortcullisConfig.Outbound.class);
    if (outbound == PortcullisConfig.Outbound.SMARTHOST && smarthost.isEmpty()) {
      throw new ConfigException(s.key("outbound"), "\"smarthost\" needs delivery.smarthost (host:port)");
    }
    int remotePort = (int) s.integer("remote-port", 25, 1, 65_535);
    int destinationConcurrency = (int) s.integer("destination-concurrency", 20, 1, 1000);
    Duration reuse = Duration.ofSeconds(s.integer("connection-reuse-seconds", 5, 0, 300));
    Duration delayWarning = Duration.ofHours(s.integer("delay-warning-hours", 4, 0, 24 * 30));
    List<InetAddress> sources = new ArrayList<>();
    for (String text : s.strings("source-addresses", List.of())) {
      InetAddress a = Addresses.parseLiteral(text.strip()).orElseThrow(() -> new ConfigException(
          s.key("source-addresses"), "\"" + text + "\" is not an IPv4 or IPv6 address"));
      if (sources.contains(a)) {
        throw new ConfigException(s.key("source-addresses"), Addresses.toText(a) + " is listed twice");
      }
      sources.add(a);
    }
    Duration suspend = Duration.ofMinutes(s.integer("source-suspend-minutes", 60, 1, 7 * 24 * 60));
    int everywhere = (int) s.integer("source-suspend-everywhere-after", 3, 1, 1000);
    Duration health = Duration.ofSeconds(s.integer("source-health-interval-seconds", 300, 10, 86_400));
    List<String> patterns = s.strings("blacklist-patterns", SourcePool.DEFAULT_PATTERNS);
    for (String pattern : patterns) {
      try {
        java.util.regex.Pattern.compile(pattern);
      } catch (java.util.regex.PatternSyntaxException e) {
        throw new ConfigException(s.key("blacklist-patterns"), "\"" + pattern + "\" is not a regular expression: "
            + e.getDescription());
      }
    }
    PortcullisConfig.SmarthostSecurity security = smarthostSecurity(s);
    List<PortcullisConfig.Route> routes = new ArrayList<>();
    for (ConfigSection r : s.sections("routes")) {
      String pattern = r.string("domain", "").strip().toLowerCase(Locale.ROOT);
      String bare = pattern.startsWith(".") ? pattern.substring(1) : pattern;
      if (!bare.matches("[a-z0-9]([a-z0-9-]*[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+") || bare.length() > 253) {
        throw new ConfigException(r.key("domain"), "must be a domain (example.com) or its subdomains (.example.com)");
      }
      String via = r.string("via", "");
      Optional<InetSocketAddress> host = Optional.empty();
      if (via.equals("smarthost") && smarthost.isEmpty()) {
        throw new ConfigException(r.key("via"), "\"smarthost\" needs delivery.smarthost");
      } else if (!via.equals("mx") && !via.equals("smarthost")) {
        if (via.isEmpty()) {
          throw new ConfigException(r.key("via"), "is required: \"mx\", \"smarthost\" or a next hop host:port");
        }
        host = Optional.of(hostPort(r.key("via"), via, 25, false));
      }
      r.finish();
      routes.add(new PortcullisConfig.Route(pattern, via, host));
    }
    if (routes.size() > 1000) {
      throw new ConfigException(s.key("routes"), "at most 1000 routes");
    }
    s.finish();
    RetrySchedule retry = new RetrySchedule(Duration.ofSeconds(initial), Duration.ofSeconds(max), factor,
        Duration.ofHours(giveUp));
    return new PortcullisConfig.Delivery(transport, maildir, relayHost, smarthost, concurrency, retry, connect, read,
        outbound, remotePort, destinationConcurrency, reuse, delayWarning,
        new PortcullisConfig.SourcePoolSettings(List.copyOf(sources), suspend, everywhere, health, List.copyOf(patterns)),
        security, List.copyOf(routes));
  }

  /** {@code smarthost-tls}, {@code smarthost-ca-file}, {@code smarthost-auth} and its user and password file. */
  private static PortcullisConfig.SmarthostSecurity smarthostSecurity(ConfigSection s) {
    org.portcullis.delivery.NextHopSecurity.Tls tls = choice(s, "smarthost-tls",
        org.portcullis.delivery.NextHopSecurity.Tls.OPPORTUNISTIC, org.portcullis.delivery.NextHopSecurity.Tls.class);
    String ca = s.string("smarthost-ca-file", "");
    Optional<Path> caFile = ca.isEmpty() ? Optional.empty() : Optional.of(path(s, "smarthost-ca-file", ca));
    String auth = s.string("smarthost-auth", "").strip().toUpperCase(Locale.ROOT);
    if (!auth.isEmpty() && !auth.equals("PLAIN") && !auth.equals("LOGIN")) {
      throw new ConfigException(s.key("smarthost-auth"), "must be \"plain\", \"login\" or \"\" (no AUTH)");
    }
    String user = s.string("smarthost-username", "");
    String password = s.string("smarthost-password-file", "");
    if (s.has("smarthost-password")) {
      throw new ConfigException(s.key("smarthost-password"), "a password is never kept in the TOML: put it in a file "
          + "readable only by the service and name it with smarthost-password-file");
    }
    if (!auth.isEmpty()) {
      if (tls == org.portcullis.delivery.NextHopSecurity.Tls.OPPORTUNISTIC) {
        throw new ConfigException(s.key("smarthost-tls"), "credentials are only sent over TLS: with smarthost-auth, "
            + "set smarthost-tls = \"required\" (STARTTLS) or \"implicit\" (port 465)");
      }
      if (user.isEmpty() || user.length() > 256 || user.chars().anyMatch(c -> c < 0x20)) {
        throw new ConfigException(s.key("smarthost-username"), "is required with smarthost-auth (at most 256 "
            + "characters)");
      }
      if (password.isEmpty()) {
        throw new ConfigException(s.key("smarthost-password-file"), "is required with smarthost-auth");
      }
    }
    return new PortcullisConfig.SmarthostSecurity(tls, caFile, auth.isEmpty() ? Optional.empty() : Optional.of(auth),
        user, password.isEmpty() ? Optional.empty() : Optional.of(path(s, "smarthost-password-file", password)));
  }

  private static PortcullisConfig.Store store(ConfigSection s) {
    Duration retention = Duration.ofDays(s.integer("refusal-retention-days", 30, 1, 3650));
    s.finish();
    return new PortcullisConfig.Store(retention);
  }

  private static PortcullisConfig.Dnsbl dnsbl(ConfigSection s) {
    double threshold = s.decimal("threshold", 1.0, 0.01, 1000);
    String reply = s.string("reply", DnsblCheck.DEFAULT_REPLY);
    if (!reply.contains("{client}") || reply.length() > 400) {
      throw new ConfigException(s.key("reply"), "must contain {client} and be at most 400 characters");
    }
    Duration health = Duration.ofSeconds(s.integer("health-interval-seconds", 300, 10, 86_400));
    List<DnsblZone> zones = new ArrayList<>();
    Set<String> names = new LinkedHashSet<>();
    for (ConfigSection z : s.sections("zones")) {
      DnsblZone zone = zone(z, threshold);
      if (!names.add(zone.name())) {
        throw new ConfigException(z.key("name"), "zone " + zone.name() + " is listed twice");
      }
      zones.add(zone);
    }
    s.finish();
    return new PortcullisConfig.Dnsbl(threshold, reply, health, List.copyOf(zones));
  }

  private static DnsblZone zone(ConfigSection z, double threshold) {
    String name = z.string("name", "").toLowerCase(Locale.ROOT);
    if (name.endsWith(".")) {
      name = name.substring(0, name.length() - 1);
    }
    if (!HeloName.parse(name).isDomain()) {
      throw new ConfigException(z.key("name"), "must be a DNS zone like zen.spamhaus.org, not \"" + name + "\"");
    }
    DnsblZone.Type type = choice(z, "type", DnsblZone.Type.BLOCK, DnsblZone.Type.class);
    double fallback = switch (type) {
      case BLOCK -> threshold;
      case ALLOW -> -threshold;
      case SCORE -> threshold / 2;
    };
    double weight = z.decimal("weight", fallback, -1000, 1000);
    if (type == DnsblZone.Type.ALLOW && weight > 0) {
      throw new ConfigException(z.key("weight"), "an allow zone's weight must be zero or negative");
    }
    ReturnCodes codes;
    try {
      codes = ReturnCodes.parse(z.strings("codes", List.of()));
    } catch (IllegalArgumentException e) {
      throw new ConfigException(z.key("codes"), e.getMessage(), e);
    }
    boolean secret = z.bool("secret", false);
    String display = z.string("display-name", "a DNS blocklist");
    String lookup = z.string("lookup-url", "");
    if (!lookup.isEmpty() && !WebUrl.isValid(lookup, 300)) {
      throw new ConfigException(z.key("lookup-url"), "must be an http:// or https:// URL of at most 300 characters, "
          + "with {ip} where the address goes");
    }
    z.finish();
    return new DnsblZone(name, type, weight, codes, secret, display, lookup);
  }

  private static PortcullisConfig.Blocklist blocklist(ConfigSection s, PortcullisConfig.Mail mail) {
    boolean enabled = s.bool("enabled", true);
    String zone = s.string("zone", "bl." + mail.acceptedDomains().getFirst()).toLowerCase(Locale.ROOT);
    if (!HeloName.parse(zone).isDomain()) {
      throw new ConfigException(s.key("zone"), "must be a DNS zone like bl.example.org, not \"" + zone + "\"");
    }
    Duration expiry = Duration.ofHours(s.integer("expiry-hours", 48, 1, 24 * 365));
    int limit = (int) s.integer("self-service-limit", 5, 0, 1000);
    Duration cooldown = Duration.ofMinutes(s.integer("self-service-cooldown-minutes", 60, 0, 7 * 24 * 60));
    int prefix4 = (int) s.integer("report-prefix-max-ipv4", 24, 0, 32);
    int prefix6 = (int) s.integer("report-prefix-max-ipv6", 48, 0, 128);
    if (s.has("portal-url")) {
      throw new ConfigException(s.key("portal-url"), "was renamed to web.public-url (the portal's address for "
          + "strangers, used in every refusal's reply)");
    }
    List<EmailAddress> traps = list(s, "spam-traps", List.of(), EmailAddress::parse);
    String refuseAt = s.string("trap-refuse-at", "data");
    if (!refuseAt.equals("data") && !refuseAt.equals("rcpt")) {
      throw new ConfigException(s.key("trap-refuse-at"), "must be \"data\" or \"rcpt\"");
    }
    List<AutoListing.Rule> rules = new ArrayList<>();
    for (ConfigSection r : s.sections("auto-list")) {
      List<String> checks = r.strings("checks", List.of());
      if (checks.isEmpty()) {
        throw new ConfigException(r.key("checks"), "must name at least one check");
      }
      for (String check : checks) {
        if (CheckCatalog.find(check).isEmpty()) {
          throw new ConfigException(r.key("checks"), "\"" + check + "\" is not a check");
        }
      }
      int refusals = (int) r.integer("refusals", 3, 1, 1_000_000);
      Duration window = Duration.ofMinutes(r.integer("window-minutes", 60, 1, 60 * 24 * 30));
      Category category = Category.fromLabel(r.string("category", "spam-source")).orElseThrow(() ->
          new ConfigException(r.key("category"), "must be one of spam-source, spam-trap, manual, report"));
      r.finish();
      rules.add(new AutoListing.Rule(new LinkedHashSet<>(checks), refusals, window, category));
    }
    s.finish();
    return new PortcullisConfig.Blocklist(enabled, zone, new BlocklistSettings(expiry, limit, cooldown, prefix4, prefix6), traps,
        refuseAt.equals("data"), List.copyOf(rules));
  }

  private static ZoneSettings dnsblServer(ConfigSection s, PortcullisConfig.Blocklist blocklist,
      PortcullisConfig.Server server, PortcullisConfig.Web web) {
    boolean enabled = s.bool("enabled", true);
    InetSocketAddress listen = listenAddress(s, "listen", "127.0.0.1:5300");
    List<String> nameServers = new ArrayList<>();
    for (String ns : s.strings("name-servers", List.of(server.hostname()))) {
      if (!HeloName.parse(ns.toLowerCase(Locale.ROOT)).isDomain()) {
        throw new ConfigException(s.key("name-servers"), "\"" + ns + "\" is not a host name");
      }
      nameServers.add(ns.toLowerCase(Locale.ROOT));
    }
    String hostmaster = s.string("hostmaster", "hostmaster@" + blocklist.zone());
    try {
      EmailAddress.parse(hostmaster);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(s.key("hostmaster"), "must be an email address", e);
    }
    Duration ttl = Duration.ofSeconds(s.integer("ttl-seconds", 300, 0, 604_800));
    Duration negative = Duration.ofSeconds(s.integer("negative-ttl-seconds", 60, 0, 86_400));
    String txt = s.string("txt-template", ZoneSettings.DEFAULT_TXT).replace("{portal}", web.publicUrl());
    if (txt.length() > 1000) {
      throw new ConfigException(s.key("txt-template"), "must be at most 1000 characters");
    }
    List<Cidr> axfr = cidrs(s, "axfr-clients", List.of());
    int threads = (int) s.integer("udp-threads", 0, 0, 64);
    boolean batched = s.bool("batched-udp", true);
    int tcpMax = (int) s.integer("tcp-connections-max", 256, 1, 100_000);
    Duration idle = Duration.ofSeconds(s.integer("tcp-idle-timeout-seconds", 10, 1, 3600));
    int tcpPerClient = (int) s.integer("tcp-connections-per-client-max", Math.min(16, tcpMax), 1, 100_000);
    if (tcpPerClient > tcpMax) {
      throw new ConfigException(s.key("tcp-connections-per-client-max"), "must not exceed dnsbl-server.tcp-connections-max ("
          + tcpMax + ")");
    }
    s.finish();
    return new ZoneSettings(enabled && blocklist.enabled(), listen, blocklist.zone(), nameServers, hostmaster, ttl,
        negative, txt, axfr, threads, batched, tcpMax, idle, tcpPerClient);
  }

  private static GreylistSettings greylist(ConfigSection s) {
    boolean enabled = s.bool("enabled", false);
    Duration delay = Duration.ofSeconds(s.integer("delay-seconds", 300, 0, 86_400));
    Duration window = Duration.ofHours(s.integer("retry-window-hours", 48, 1, 24 * 30));
    if (window.compareTo(delay) <= 0) {
      throw new ConfigException(s.key("retry-window-hours"), "must be longer than greylist.delay-seconds");
    }
    Duration lifetime = Duration.ofDays(s.integer("passed-lifetime-days", 35, 1, 365));
    int passes = (int) s.integer("auto-whitelist-passes", 5, 0, 1000);
    int v4 = (int) s.integer("ipv4-prefix", 24, 8, 32);
    int v6 = (int) s.integer("ipv6-prefix", 64, 16, 128);
    boolean byPtr = s.bool("group-by-ptr-domain", true);
    boolean onlySuspicious = s.bool("only-suspicious", false);
    boolean nullAtData = s.bool("null-sender-at-data", true);
    int memory = (int) s.integer("memory-entries", 500_000, 1_000, 50_000_000);
    s.finish();
    return new GreylistSettings(enabled, delay, window, lifetime, passes, v4, v6, byPtr, onlySuspicious, nullAtData,
        memory);
  }

  private static PortcullisConfig.Lists lists(ConfigSection s) {
    List<String> skips = s.strings("whitelist-skips", List.of("greylist", "dnsbl"));
    for (String name : skips) {
      if (!CheckCatalog.names().contains(name)) {
        throw new ConfigException(s.key("whitelist-skips"), "\"" + name + "\" is not a check; use one of "
            + String.join(", ", CheckCatalog.names()));
      }
      if (CheckCatalog.UNSKIPPABLE.contains(name)) {
        throw new ConfigException(s.key("whitelist-skips"), name + " cannot be skipped by a whitelist");
      }
    }
    long importMax = s.integer("import-max-bytes", 10L * 1024 * 1024, 1024, 100L * 1024 * 1024);
    s.finish();
    return new PortcullisConfig.Lists(Set.copyOf(skips), importMax);
  }

  private static PortcullisConfig.PolicyService policyService(ConfigSection s) {
    boolean enabled = s.bool("enabled", true);
    InetSocketAddress listen = listenAddress(s, "listen", "127.0.0.1:10030");
    Duration idle = Duration.ofSeconds(s.integer("idle-timeout-seconds", 600, 1, 86_400));
    int connections = (int) s.integer("connections-max", 1000, 1, 100_000);
    boolean ok = s.bool("ok-on-allow-entries", false);
    s.finish();
    return new PortcullisConfig.PolicyService(enabled, listen, idle, connections, ok);
  }

  private static PortcullisConfig.Submission submission(ConfigSection s, PortcullisConfig.Tls tls) {
    boolean enabled = s.bool("enabled", true);
    InetSocketAddress listen = listenAddress(s, "listen", "127.0.0.1:2587");
    String implicit = s.string("implicit-tls-listen", "");
    Optional<InetSocketAddress> implicitListen = implicit.isEmpty() ? Optional.empty()
        : Optional.of(listenAddress(s, "implicit-tls-listen", implicit));
    boolean requireAuth = s.bool("require-auth", true);
    int perClient = (int) s.integer("login-failures-per-client", 10, 1, 100_000);
    int perUser = (int) s.integer("login-failures-per-user", 5, 1, 100_000);
    Duration window = Duration.ofMinutes(s.integer("login-failure-window-minutes", 15, 1, 24 * 60));
    s.finish();
    if (enabled && !tls.enabled()) {
      throw new ConfigException(s.key("enabled"), "the submission listener needs TLS (passwords are never taken in "
          + "clear): enable [tls], or set submission.enabled = false");
    }
    return new PortcullisConfig.Submission(enabled, listen, implicitListen, requireAuth, perClient, perUser, window);
  }

  private static PortcullisConfig.Web web(ConfigSection s, PortcullisConfig.Server server, PortcullisConfig.Mail mail) {
    boolean enabled = s.bool("enabled", true);
    InetSocketAddress listen = listenAddress(s, "listen", "127.0.0.1:8080");
    int posts = (int) s.integer("form-posts-per-minute", 5, 1, 10_000);
    int views = (int) s.integer("page-views-per-minute", 60, 1, 1_000_000);
    String cert = s.string("certificate-file", "");
    String key = s.string("key-file", "");
    if (cert.isEmpty() != key.isEmpty()) {
      throw new ConfigException(s.key(cert.isEmpty() ? "certificate-file" : "key-file"),
          "certificate-file and key-file go together: set both for HTTPS, or neither for plain HTTP");
    }
    Optional<Path> certificate = cert.isEmpty() ? Optional.empty() : Optional.of(path(s, "certificate-file", cert));
    Optional<Path> keyFile = key.isEmpty() ? Optional.empty() : Optional.of(path(s, "key-file", key));
    String url = s.string("public-url", defaultPublicUrl(listen, server.hostname(), certificate.isPresent()));
    if (!url.isEmpty() && !WebUrl.isValid(url, 200)) {
      throw new ConfigException(s.key("public-url"), "must be an http:// or https:// URL of at most 200 characters "
          + "(or \"\" for replies with a bare reference)");
    }
    if (url.endsWith("/")) {
      url = url.substring(0, url.length() - 1);
    }
    List<String> loopback = List.of("127.0.0.0/8", "::1/128");
    List<Cidr> metrics = s.has("metrics-networks") ? cidrs(s, "metrics-networks", List.of())
        : java.util.stream.Stream.concat(cidrs(s, "metrics-networks", loopback).stream(), mail.lanNetworks().stream())
            .distinct().toList();
    boolean admin = s.bool("admin-enabled", true);
    boolean tenant = s.bool("tenant-enabled", true);
    s.finish();
    return new PortcullisConfig.Web(enabled, listen, posts, url, views, certificate, keyFile, metrics, admin, tenant);
  }

  /**
   * Where strangers reach the portal when {@code web.public-url} is not set: the listen address
   * when it is a specific one, the server's host name when it listens on every address.
   */
  private static String defaultPublicUrl(InetSocketAddress listen, String hostname, boolean https) {
    String scheme = https ? "https" : "http";
    boolean defaultPort = listen.getPort() == (https ? 443 : 80);
    String host = listen.getAddress().isAnyLocalAddress() ? hostname
        : listen.getAddress() instanceof java.net.Inet6Address ? "[" + Addresses.toText(listen.getAddress()) + "]"
        : Addresses.toText(listen.getAddress());
    return scheme + "://" + host + (defaultPort ? "" : ":" + listen.getPort());
  }

  private static PortcullisConfig.Log log(ConfigSection s) {
    String level = s.string("level", "info").toLowerCase(Locale.ROOT);
    if (!List.of("error", "warn", "info", "debug", "trace").contains(level)) {
      throw new ConfigException(s.key("level"), "must be one of error, warn, info, debug, trace");
    }
    s.finish();
    return new PortcullisConfig.Log(level);
  }

  // ---- helpers ----

  private static <E extends Enum<E>> E choice(ConfigSection s, String name, E fallback, Class<E> type) {
    String text = s.string(name, fallback.name().toLowerCase(Locale.ROOT).replace('_', '-'));
    for (E value : type.getEnumConstants()) {
      if (value.name().replace('_', '-').equalsIgnoreCase(text) || value.name().equalsIgnoreCase(text)) {
        return value;
      }
    }
    List<String> allowed = new ArrayList<>();
    for (E value : type.getEnumConstants()) {
      allowed.add("\"" + value.name().toLowerCase(Locale.ROOT).replace('_', '-') + "\"");
    }
    throw new ConfigException(s.key(name), "must be one of " + String.join(", ", allowed) + ", not \"" + text + "\"");
  }

  private static List<Cidr> cidrs(ConfigSection s, String name, List<String> fallback) {
    return list(s, name, fallback, Cidr::parse);
  }

  private static <T> List<T> list(ConfigSection s, String name, List<String> fallback, Function<String, T> parser) {
    List<T> out = new ArrayList<>();
    for (String text : s.strings(name, fallback)) {
      try {
        out.add(parser.apply(text));
      } catch (IllegalArgumentException e) {
        throw new ConfigException(s.key(name), e.getMessage(), e);
      }
    }
    return List.copyOf(out);
  }

  private static Path path(ConfigSection s, String name, String fallback) {
    String text = s.string(name, fallback);
    if (text.isBlank()) {
      throw new ConfigException(s.key(name), "must not be empty");
    }
    try {
      return Path.of(text);
    } catch (java.nio.file.InvalidPathException e) {
      throw new ConfigException(s.key(name), "not a valid path: " + e.getMessage(), e);
    }
  }

  private static InetSocketAddress listenAddress(ConfigSection s, String name, String fallback) {
    return hostPort(s.key(name), s.string(name, fallback), -1, true);
  }

  /**
   * {@code 127.0.0.1:2525}, {@code [::1]:2525}, or a host name with {@code literalOnly} false. A
   * missing port takes {@code defaultPort} (or is an error when it is -1).
   */
  static InetSocketAddress hostPort(String key, String text, int defaultPort, boolean literalOnly) {
    String host;
    String port;
    if (text.startsWith("[")) {
      int close = text.indexOf(']');
      if (close < 0) {
        throw new ConfigException(key, "\"" + text + "\": missing ]");
      }
      host = text.substring(1, close);
      port = text.length() > close + 1 && text.charAt(close + 1) == ':' ? text.substring(close + 2) : null;
    } else {
      int colon = text.lastIndexOf(':');
      boolean bareIpv6 = colon >= 0 && text.indexOf(':') != colon;
      host = colon < 0 || bareIpv6 ? text : text.substring(0, colon);
      port = colon < 0 || bareIpv6 ? null : text.substring(colon + 1);
    }
    int portNumber;
    if (port == null) {
      if (defaultPort < 0) {
        throw new ConfigException(key, "\"" + text + "\" needs a port, like 127.0.0.1:2525");
      }
      portNumber = defaultPort;
    } else {
      if (!port.matches("[0-9]{1,5}") || Integer.parseInt(port) > 65535) {
        throw new ConfigException(key, "\"" + text + "\": bad port");
      }
      portNumber = Integer.parseInt(port);
    }
    Optional<InetAddress> literal = Addresses.parseLiteral(host);
    if (literal.isPresent()) {
      return new InetSocketAddress(literal.get(), portNumber);
    }
    if (literalOnly || !HeloName.parse(host).isDomain()) {
      throw new ConfigException(key, "\"" + text + "\": " + (literalOnly ? "must be an IP address" : "bad host name"));
    }
    return InetSocketAddress.createUnresolved(host, portNumber);
  }

  /** The machine's name; like Postfix's myhostname, ".localdomain" is added to a bare name. */
  private static String defaultHostname() {
    String name;
    try {
      name = InetAddress.getLocalHost().getHostName().toLowerCase(Locale.ROOT);
    } catch (IOException e) {
      name = "localhost";
    }
    if (!HeloName.parse(name).isDomain() || Addresses.parseLiteral(name).isPresent()) {
      name = "localhost";
    }
    return name.contains(".") ? name : name + ".localdomain";
  }
}
