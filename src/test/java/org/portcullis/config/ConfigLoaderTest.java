package org.portcullis.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.portcullis.policy.CheckMode;
import org.portcullis.policy.RejectAction;

class ConfigLoaderTest {

  @Test
  void withoutAFileTheSafeDefaultsApply() {
    PortcullisConfig c = ConfigLoader.load(Optional.empty());
    assertThat(c.smtp().listen().getAddress().getHostAddress()).isEqualTo("127.0.0.1");
    assertThat(c.smtp().listen().getPort()).isEqualTo(2525);
    assertThat(c.submission().listen().getPort()).isEqualTo(2587);
    assertThat(c.submission().implicitTlsListen()).isEmpty();
    assertThat(c.submission().requireAuth()).isTrue();
    assertThat(c.server().dataDir()).isEqualTo(Path.of("./data"));
    assertThat(c.mail().acceptedDomains()).containsExactly("example.test");
    assertThat(c.delivery().transport()).isEqualTo(PortcullisConfig.Transport.MAILDIR);
    assertThat(c.delivery().maildirRoot()).isEqualTo(Path.of("./data/maildir"));
    assertThat(c.queue().fsync()).isTrue();
    assertThat(c.smtp().recipientsMax()).isEqualTo(100);
    assertThat(c.smtp().commandTimeout().toSeconds()).isEqualTo(300);
    assertThat(c.policy().checks()).containsKeys("client-ptr", "relay-control", "helo-ptr-match");
    assertThat(c.policy().checks().get("helo-ptr-match").onReject()).isEqualTo(RejectAction.TAG);
    assertThat(c.server().hostname()).contains(".");
  }

  @Test
  void verificationIsOffByDefaultAndReadWithItsLimits() {
    PortcullisConfig.Verify off = ConfigLoader.load(Optional.empty()).verify();
    assertThat(off.recipients()).isEqualTo(PortcullisConfig.RecipientVerification.OFF);
    assertThat(off.sender()).isFalse();
    assertThat(off.timeout().toSeconds()).isEqualTo(10);
    assertThat(off.tempfailTtl().toSeconds()).isEqualTo(60);
    assertThat(off.negativeTtl().toMinutes()).isEqualTo(60);
    assertThat(off.positiveTtl().toHours()).isEqualTo(24);
    assertThat(off.allowPrivateTargets()).isFalse();

    PortcullisConfig.Verify on = ConfigLoader.parse("""
        [delivery]
        transport = "relay"
        relay-host = "10.0.0.5:25"
        remote-port = 2525
        [verify]
        recipients = "callout"
        sender = true
        concurrency = 4
        negative-ttl-minutes = 5
        """).verify();
    assertThat(on.recipients()).isEqualTo(PortcullisConfig.RecipientVerification.CALLOUT);
    assertThat(on.sender()).isTrue();
    assertThat(on.concurrency()).isEqualTo(4);
    assertThat(on.negativeTtl().toMinutes()).isEqualTo(5);
    assertThat(on.senderPort()).isEqualTo(2525);
  }

  @Test
  void aFullFileIsRead() {
    PortcullisConfig c = ConfigLoader.parse("""
        [server]
        hostname = "MX.Example.COM"
        [mail]
        accepted-domains = ["example.com", "example.org"]
        lan-networks = ["10.0.0.0/8"]
        [smtp]
        listen = "[::1]:2526"
        recipients-max = 500
        [checks.helo-resolves]
        mode = "observe"
        [checks.client-generic-ptr]
        on-reject = "tag"
        patterns = ["(^|[.-])home[0-9-]*([.-]|$)"]
        [tagging]
        subject-prefix = "[SPAM]"
        [[exceptions]]
        clients = ["192.0.2.0/24"]
        skip = ["client-ptr", "client-fcrdns"]
        note = "partner relay without rDNS"
        """);
    assertThat(c.server().hostname()).isEqualTo("mx.example.com");
    assertThat(c.smtp().listen().getPort()).isEqualTo(2526);
    assertThat(c.policy().checks().get("helo-resolves").mode()).isEqualTo(CheckMode.OBSERVE);
    assertThat(c.policy().checks().get("client-generic-ptr").patterns()).hasSize(1);
    assertThat(c.policy().taggedSubjectPrefix()).isEqualTo("[SPAM] ");
    assertThat(c.policy().exceptions()).singleElement().satisfies(e -> assertThat(e.skips("client-ptr")).isTrue());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "[smtp]\\nrecipients-max = 5|smtp.recipients-max",
      "[smtp]\\nrecipients-max = \"lots\"|smtp.recipients-max",
      "[smtp]\\nlisten = \"localhost:25\"|smtp.listen",
      "[smtp]\\nlisten = \"127.0.0.1\"|smtp.listen",
      "[smtp]\\nlisten = \"127.0.0.1:99999\"|smtp.listen",
      "[smtp]\\ncommand-line-max-bytes = 100|smtp.command-line-max-bytes",
      "[smtp]\\nproxy-protocol = true|smtp.proxy-networks",
      "[smtp]\\nrecipeints-max = 200|smtp.recipeints-max",
      "[mail]\\nlan-networks = [\"10.0.0.0/40\"]|mail.lan-networks",
      "[mail]\\naccepted-domains = [\"bad domain\"]|mail.accepted-domains",
      "[mail]\\naccepted-domains = []|mail.accepted-domains",
      "[mail]\\nlan-networks = [\"0.0.0.0/0\"]|mail.lan-networks",
      "[mail]\\nlan-networks = [\"::/0\"]|mail.lan-networks",
      "[mail]\\nunknown-recipients = \"sometimes\"|mail.unknown-recipients",
      "[smtp]\\nrecipients-max = 99999999999999999999999|smtp.recipients-max",
      "[smtp]\\nconnections-reserved-for-lan = 1000|smtp.connections-reserved-for-lan",
      "[smtp]\\nconnections-per-network-max = 5|smtp.connections-per-network-max",
      "[blocklist]\\nreport-prefix-max-ipv4 = 33|blocklist.report-prefix-max-ipv4",
      "[dnsbl-server]\\ntcp-connections-per-client-max = 100000|dnsbl-server.tcp-connections-per-client-max",
      "[web]\\ncertificate-file = \"/x.pem\"|web.key-file",
      "[[dnsbl.zones]]\\nname = \"zen.example\"\\nlookup-url = \"ftp://x\"|dnsbl.zones[0].lookup-url",
      "[server]\\nhostname = \"[1.2.3.4]\"|server.hostname",
      "[checks.no-such-check]\\nmode = \"off\"|checks.no-such-check",
      "[checks.dnsbl]\\ndefault-choice = \"tag\"|checks.dnsbl.default-choice",
      "[checks.dnsbl]\\non-reject = \"per-recipient\"\\ndefault-choice = \"maybe\"|checks.dnsbl.default-choice",
      "[[smtp.listeners]]\\nlisten = \"127.0.0.1:2526\"|smtp.listeners[0].name",
      "[[smtp.listeners]]\\nname = \"Partners!\"\\nlisten = \"127.0.0.1:2526\"|smtp.listeners[0].name",
      "[[smtp.listeners]]\\nname = \"partners\"|smtp.listeners[0].listen",
      "[[smtp.listeners]]\\nname = \"partners\"\\nlisten = \"127.0.0.1:2525\"|smtp.listeners[0].listen",
      "[[smtp.listeners]]\\nname = \"a\"\\nlisten = \"127.0.0.1:2526\"\\n[[smtp.listeners]]\\nname = \"a\"\\nlisten = \"127.0.0.1:2527\"|smtp.listeners[1].name",
      "[[smtp.listeners]]\\nname = \"p\"\\nlisten = \"127.0.0.1:2526\"\\n[smtp.listeners.checks.nope]\\nmode = \"off\"|smtp.listeners[0].checks.nope",
      "[[smtp.listeners]]\\nname = \"p\"\\nlisten = \"127.0.0.1:2526\"\\n[smtp.listeners.checks.relay-control]\\nmode = \"off\"|smtp.listeners[0].checks.relay-control.mode",
      "[[smtp.listeners]]\\nname = \"p\"\\nlisten = \"127.0.0.1:2526\"\\ncolour = \"red\"|smtp.listeners[0].colour",
      "[checks.relay-control]\\nmode = \"off\"|checks.relay-control.mode",
      "[correspondents]\\nlifetime-days = 0|correspondents.lifetime-days",
      "[correspondents]\\nkeep = 5|correspondents.keep",
      "[diagnose]\\nsmtp-port = 0|diagnose.smtp-port",
      "[diagnose]\\nprobe-domain = \"elsewhere.test\"|diagnose.probe-domain",
      "[diagnose]\\nprobe-delay-seconds = 1|diagnose.probe-delay-seconds",
      "[verify]\\nrecipients = \"callout\"|verify.recipients",
      "[verify]\\nrecipients = \"maybe\"|verify.recipients",
      "[verify]\\nsender = \"yes\"|verify.sender",
      "[verify]\\ntimeout-seconds = 0|verify.timeout-seconds",
      "[verify]\\nconcurrency = 0|verify.concurrency",
      "[verify]\\ntempfail-ttl-seconds = 99999|verify.tempfail-ttl-seconds",
      "[verify]\\nretries = 3|verify.retries",
      "[[recipients.ldap]]\\nurl = \"http://dc.test\"\\nbase = \"dc=test\"|recipients.ldap[0].url",
      "[[recipients.ldap]]\\nurl = \"ldap://dc.test/ou=x?mail\"\\nbase = \"dc=test\"|recipients.ldap[0].url",
      "[[recipients.ldap]]\\nurl = \"ldap://dc.test\"\\nbase = \"dc=test\"\\nbind-dn = \"cn=gw,dc=test\"\\npassword-file = \"/p\"|recipients.ldap[0].start-tls",
      "[[recipients.ldap]]\\nurl = \"ldaps://dc.test\"\\nbase = \"dc=test\"\\nbind-dn = \"cn=gw,dc=test\"|recipients.ldap[0].password-file",
      "[[recipients.ldap]]\\nurl = \"ldaps://dc.test\"\\nbase = \"dc=test\"\\npassword = \"secret\"|recipients.ldap[0].password",
      "[[recipients.ldap]]\\nurl = \"ldaps://dc.test\"\\nbase = \"dc=test\"\\nstart-tls = true|recipients.ldap[0].start-tls",
      "[[recipients.ldap]]\\nurl = \"ldap://dc.test\"\\nbase = \"not a dn\"|recipients.ldap[0].base",
      "[[recipients.ldap]]\\nurl = \"ldap://dc.test\"\\nbase = \"dc=test\"\\nfilter = \"(mail=fixed)\"|recipients.ldap[0].filter",
      "[[recipients.ldap]]\\nurl = \"ldap://dc.test\"\\nbase = \"dc=test\"\\nfilter = \"(mail=%s\"|recipients.ldap[0].filter",
      "[verify]\\nrecipients = \"ldap\"|verify.recipients",
      "[recipients]\\nfile = \"x\"|recipients.file",
      "[diagnose]\\nallow-private-targets = \"yes\"|diagnose.allow-private-targets",
      "[actions]\\ntag = 9\\nreject = 5|actions.reject",
      "[actions]\\ntag = \"never\"|actions.tag",
      "[checks.relay-control]\\non-reject = \"tag\"|checks.relay-control.on-reject",
      "[checks.connection-limit]\\nmode = \"observe\"|checks.connection-limit.mode",
      "[spf]\\non-fail = \"maybe\"|spf.on-fail",
      "[spf]\\ntimeout-ms = 5|spf.timeout-ms",
      "[spf]\\nenabled = \"yes\"|spf.enabled",
      "[dkim]\\ntimeout-ms = 99999999|dkim.timeout-ms",
      "[dkim]\\nrequire-signature-from = [\"not a domain\"]|dkim.require-signature-from",
      "[dkim]\\nrequire-signature-from = \"example.com\"|dkim.require-signature-from",
      "[dkim]\\nsign = true|dkim.sign",
      "[auth]\\nauthserv-id = \"mx;evil\"|auth.authserv-id",
      "[dmarc]\\ntrusted-forwarders = [\"10.0.0.0/99\"]|dmarc.trusted-forwarders",
      "[dmarc]\\nmailing-lists = [\"not a domain\"]|dmarc.mailing-lists",
      "[dmarc]\\nreport-address = \"dmarc@elsewhere.example\"|dmarc.report-address",
      "[dmarc]\\nreport-address = \"no address\"|dmarc.report-address",
      "[dmarc]\\nreport-from = \"reports@elsewhere.example\"|dmarc.report-from",
      "[dmarc]\\nreport-org-name = \"\"|dmarc.report-org-name",
      "[dmarc]\\nreport-org-name = \"Société Générale\"|dmarc.report-org-name",
      "[dmarc]\\nsend-reports = \"yes\"|dmarc.send-reports",
      "[dmarc]\\nenforce = 1|dmarc.enforce",
      "[dmarc]\\ntimeout-ms = 0|dmarc.timeout-ms",
      "[spf]\\ncheck-helo = \"yes\"|spf.check-helo",
      "[checks.envelope-syntax]\\nmode = \"off\"|checks.envelope-syntax.mode",
      "[checks.recipient-full-address]\\non-reject = \"tag\"|checks.recipient-full-address.on-reject",
      "[[exceptions]]\\nclients = [\"10.0.0.0/8\"]\\nskip = [\"sender-login\"]|exceptions[0].skip",
      "[checks.helo-ptr-match]\\non-reject = \"reject\"|checks.helo-ptr-match.on-reject",
      "[checks.client-ptr]\\nmode = \"sometimes\"|checks.client-ptr.mode",
      "[checks.client-generic-ptr]\\npatterns = [\"(\"]|checks.client-generic-ptr.patterns",
      "[checks.client-ptr]\\npatterns = [\"x\"]|checks.client-ptr.patterns",
      "[[exceptions]]\\nskip = [\"all\"]|exceptions[0]",
      "[[exceptions]]\\nclients = [\"10.0.0.0/8\"]\\nskip = [\"relay-control\"]|exceptions[0].skip",
      "[[exceptions]]\\nclients = [\"10.0.0.0/8\"]\\nskip = [\"nonsense\"]|exceptions[0].skip",
      "[delivery]\\ntransport = \"relay\"|delivery.relay-host",
      "[delivery]\\nretry-initial-seconds = 100\\nretry-max-seconds = 10|delivery.retry-max-seconds",
      "[tls]\\ncertificate-file = \"/x.pem\"|tls.key-file",
      "[log]\\nlevel = \"loud\"|log.level",
      "[[dnsbl.zones]]\\nname = \"not a zone\"|dnsbl.zones[0].name",
      "[[dnsbl.zones]]\\nname = \"zen.example\"\\ncodes = [\"127.0.0.[9..2] = X\"]|dnsbl.zones[0].codes",
      "[[dnsbl.zones]]\\nname = \"wl.example\"\\ntype = \"allow\"\\nweight = 2|dnsbl.zones[0].weight",
      "[[dnsbl.zones]]\\nname = \"zen.example\"\\ntype = \"maybe\"|dnsbl.zones[0].type",
      "[[dnsbl.zones]]\\nname = \"zen.example\"\\n[[dnsbl.zones]]\\nname = \"zen.example\"|dnsbl.zones[1].name",
      "[dnsbl]\\nthreshold = 0|dnsbl.threshold",
      "[dnsbl]\\nreply = \"blocked\"|dnsbl.reply",
      "[blocklist]\\nexpiry-hours = 0|blocklist.expiry-hours",
      "[blocklist]\\nportal-url = \"javascript:alert(1)\"|blocklist.portal-url",
      "[web]\\npublic-url = \"javascript:alert(1)\"|web.public-url",
      "[web]\\npublic-url = \"https://mx.example.org/ref \"|web.public-url",
      "[blocklist]\\nspam-traps = [\"not an address\"]|blocklist.spam-traps",
      "[blocklist]\\ntrap-refuse-at = \"mail\"|blocklist.trap-refuse-at",
      "[[blocklist.auto-list]]\\nchecks = [\"nonsense\"]|blocklist.auto-list[0].checks",
      "[[blocklist.auto-list]]\\nchecks = [\"pregreet\"]\\ncategory = \"evil\"|blocklist.auto-list[0].category",
      "[dnsbl-server]\\nlisten = \"127.0.0.1\"|dnsbl-server.listen",
      "[dnsbl-server]\\naxfr-clients = [\"everyone\"]|dnsbl-server.axfr-clients",
      "[dnsbl-server]\\nudp-threads = 1000|dnsbl-server.udp-threads",
      "[web]\\nlisten = \"localhost:8080\"|web.listen",
      "[greylist]\\ndelay-seconds = -1|greylist.delay-seconds",
      "[greylist]\\nretry-window-hours = 1\\ndelay-seconds = 7200|greylist.retry-window-hours",
      "[greylist]\\nipv4-prefix = 33|greylist.ipv4-prefix",
      "[greylist]\\nenabled = \"yes\"|greylist.enabled",
      "[greylist]\\nmemory-entries = 10|greylist.memory-entries",
      "[lists]\\nwhitelist-skips = [\"relay-control\"]|lists.whitelist-skips",
      "[lists]\\nwhitelist-skips = [\"nonsense\"]|lists.whitelist-skips",
      "[lists]\\nimport-max-bytes = 10|lists.import-max-bytes",
      "[web]\\nform-posts-per-minute = 0|web.form-posts-per-minute",
      "[policy-service]\\nok-on-allow-entries = \"maybe\"|policy-service.ok-on-allow-entries",
      "[tls]\\nenabled = false|submission.enabled",
      "[delivery]\\noutbound = \"smarthost\"|delivery.outbound",
      "[delivery]\\noutbound = \"carrier-pigeon\"|delivery.outbound",
      "[delivery]\\nsource-addresses = [\"192.0.2.300\"]|delivery.source-addresses",
      "[delivery]\\nsource-addresses = [\"192.0.2.1\", \"192.0.2.1\"]|delivery.source-addresses",
      "[delivery]\\nblacklist-patterns = [\"(unclosed\"]|delivery.blacklist-patterns",
      "[delivery]\\nremote-port = 0|delivery.remote-port",
      "[delivery]\\ndelay-warning-hours = -1|delivery.delay-warning-hours",
      "[submission]\\nlisten = \"127.0.0.1:99999\"|submission.listen",
      "[submission]\\nimplicit-tls-listen = \"nowhere\"|submission.implicit-tls-listen",
      "[submission]\\nlogin-failures-per-user = 0|submission.login-failures-per-user",
      "[submission]\\nlogin-failure-window-minutes = 100000|submission.login-failure-window-minutes",
      "[scan]\\non-failure = \"accept\"|scan.on-failure",
      "[scan]\\ntimeout-ms = 10|scan.timeout-ms",
      "[scan]\\nconcurrency-max = 0|scan.concurrency-max",
      "[scan]\\nmessage-max-bytes = 1|scan.message-max-bytes",
      "[scan.spamd]\\naddress = \"localhost:99999\"|scan.spamd.address",
      "[scan.spamd]\\nuser = \"a b\"|scan.spamd.user",
      "[scan.spamd]\\nreject-score = \"high\"|scan.spamd.reject-score",
      "[scan.rspamd]\\nurl = \"ftp://127.0.0.1/checkv2\"|scan.rspamd.url",
      "[scan.rspamd]\\nurl = \"http://\"|scan.rspamd.url",
      "[scan.clamd]\\naddress = \"unix:relative/clamd.ctl\"|scan.clamd.address",
      "[scan.clamd]\\nenabled = false\\nadress = \"unix:/run/clamav/clamd.ctl\"|scan.clamd.adress",
      "[checks.helo-ptr-match]\\non-reject = \"quarantine\"|checks.helo-ptr-match.on-reject",
      "[checks.relay-control]\\non-reject = \"quarantine\"|checks.relay-control.on-reject",
      "[quarantine]\\nretention-days = 0|quarantine.retention-days",
      "[dmarc]\\non-quarantine = \"discard\"|dmarc.on-quarantine",
      "[quarantine]\\nkeep = 3|quarantine.keep",
      "surprise = 1|surprise"})
  void anInvalidValueStopsStartUpNamingTheKey(String toml, String key) {
    assertThatThrownBy(() -> ConfigLoader.parse(toml.replace("\\n", "\n")))
        .isInstanceOfSatisfying(ConfigException.class, e -> {
          assertThat(e.key()).isEqualTo(key);
          assertThat(e.getMessage()).as("a reason in words, not a Java class").doesNotContain("Node", "Exception",
              "java.");
        });
  }

  @Test
  void dnsListsAndTheBlocklistAreReadWithTheirDefaults() {
    PortcullisConfig c = ConfigLoader.parse("""
        [dnsbl]
        threshold = 2
        [[dnsbl.zones]]
        name = "zen.example."
        codes = ["127.0.0.2 = SBL", "127.0.0.[4..7] = XBL"]
        [[dnsbl.zones]]
        name = "wl.example"
        type = "allow"
        [[dnsbl.zones]]
        name = "key.feed.example"
        type = "score"
        secret = true
        [blocklist]
        zone = "bl.corp.example"
        spam-traps = ["trap@example.test"]
        [[blocklist.auto-list]]
        checks = ["pregreet", "dnsbl"]
        """);
    assertThat(c.dnsbl().zones()).extracting(z -> z.name() + " " + z.type().label() + " " + z.weight())
        .containsExactly("zen.example block 2.0", "wl.example allow -2.0", "key.feed.example score 1.0");
    assertThat(c.dnsbl().zones().get(2).publicName()).isEqualTo("a DNS blocklist");
    assertThat(c.blocklist().settings().expiry()).hasHours(48);
    assertThat(c.blocklist().settings().selfServiceLimit()).isEqualTo(5);
    assertThat(c.blocklist().autoList()).singleElement().satisfies(r -> {
      assertThat(r.refusals()).isEqualTo(3);
      assertThat(r.window()).hasMinutes(60);
    });
    assertThat(c.dnsblServer().zone()).isEqualTo("bl.corp.example");
    assertThat(c.dnsblServer().listen().getPort()).isEqualTo(5300);
    assertThat(c.dnsblServer().hostmaster()).isEqualTo("hostmaster@bl.corp.example");
  }

  @Test
  void brokenTomlIsReportedWithTheFileName(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("portcullis.toml");
    Files.writeString(file, "[smtp\nlisten = ");
    assertThatThrownBy(() -> ConfigLoader.load(Optional.of(file)))
        .isInstanceOf(ConfigException.class).hasMessageContaining(file.toString()).hasMessageContaining("TOML");
  }

  @Test
  void anExceptionSkippingAllNeverIncludesRelayControl() {
    PortcullisConfig c = ConfigLoader.parse("[[exceptions]]\nhelos = [\"partner.example\"]\nskip = [\"all\"]\n");
    assertThat(c.policy().exceptions().getFirst().skips("client-ptr")).isTrue();
    assertThat(c.policy().exceptions().getFirst().skips("relay-control")).isFalse();
  }
}
