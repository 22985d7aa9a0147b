package org.portcullis.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.portcullis.blocklist.Blocklist;
import org.portcullis.blocklist.Category;
import org.portcullis.blocklist.Evidence;
import org.portcullis.blocklist.Listing;
import org.portcullis.blocklist.ListingRules;
import org.portcullis.mail.Cidr;
import org.portcullis.policy.RefusalRecord;
import org.portcullis.testing.Senders;
import org.portcullis.testing.SmtpTestClient;
import org.portcullis.testing.TestDnsServer;
import org.portcullis.testing.TestGateway;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/**
 * Both sides of blocklisting through the running gateway: third-party zones served by the test
 * DNS server (listed, dead, listing the world, allowlist), our own blocklist fed by a spam trap
 * and by repeated refusals, served by the DNSBL server and consulted by the gateway.
 */
class BlocklistsEndToEndTest {

  private static final String LISTED = "127.0.5.1";
  private static final String WHITELISTED = "127.0.5.2";
  private static final String OURS = "127.0.5.3";
  private static final String TRAPPER = "127.0.5.4";

  @TempDir
  static Path data;
  static TestDnsServer dns;
  static TestGateway gateway;

  @BeforeAll
  static void start() throws Exception {
    dns = Senders.describe(TestDnsServer.start());
    for (String[] host : new String[][] {{LISTED, "mail.listed.example"}, {WHITELISTED, "mail.whitelisted.example"},
        {OURS, "mail.ours.example"}, {TRAPPER, "mail.trapper.example"}}) {
      dns.host(host[0], host[1]);
    }
    for (String zone : List.of("zen.test", "wl.test", "world.test")) {
      dns.a("2.0.0.127." + zone, "127.0.0.2");
    }
    dns.a("1.0.0.127.world.test", "127.0.0.2");
    dns.a("1.5.0.127.zen.test", "127.0.0.2").a("1.5.0.127.zen.test", "127.0.0.4")
        .txt("1.5.0.127.zen.test", "https://zen.test/query/ip/127.0.5.1");
    dns.a("2.5.0.127.zen.test", "127.0.0.2").a("2.5.0.127.wl.test", "127.0.2.0");
    dns.a("1.1.0.127.world.test", "127.0.0.2"); // the good sender: a zone that lists the world
    dns.silent("2.0.0.127.dead.test").silent("1.0.0.127.dead.test").silent("1.1.0.127.dead.test");
    gateway = TestGateway.start(data, dns,
        "dnsbl.zones = [{name = \"zen.test\", type = \"block\", codes = [\"127.0.0.2 = SBL\", \"127.0.0.[4..7] = XBL\"]},"
            + " {name = \"wl.test\", type = \"allow\"}, {name = \"world.test\"}, {name = \"dead.test\"}]",
        "blocklist.spam-traps = [\"trap@example.test\"]",
        "web.public-url = \"https://portal.example.test\"",
        "blocklist.auto-list = [{checks = [\"client-ptr\"], refusals = 2, window-minutes = 60}]");
    await().atMost(Duration.ofSeconds(10)).until(() ->
        gateway.gateway().blocklists().dnsbl().orElseThrow().health().suspendedCount() == 2);
  }

  @AfterAll
  static void stop() {
    gateway.close();
    dns.close();
  }

  private static String mailFrom(String source, String helo, String to) throws Exception {
    try (SmtpTestClient client = SmtpTestClient.connect(gateway.smtp(), source)) {
      assertThat(client.reply()).startsWith("220");
      return client.startTransaction(helo, "alice@good.example", to);
    }
  }

  private static Message dnsbl(String name, int type) throws Exception {
    SimpleResolver resolver = new SimpleResolver(gateway.gateway().blocklists().serverAddress().orElseThrow());
    resolver.setTimeout(Duration.ofSeconds(3));
    return resolver.send(Message.newQuery(Record.newRecord(Name.fromString(name), type, DClass.IN)));
  }

  private static RefusalRecord explained(String reply) {
    Matcher m = org.portcullis.testing.Refs.IN_REPLY.matcher(reply);
    assertThat(m.find()).as(reply).isTrue();
    gateway.gateway().store().refusals().flush();
    return gateway.gateway().store().refusals().find(m.group(1)).orElseThrow();
  }

  @Test
  void aClientOnAThirdPartyBlocklistIsRefusedWithTheZonesReasonAndOurReference() throws Exception {
    String reply = mailFrom(LISTED, "mail.listed.example", "carol@example.test");
    assertThat(reply).startsWith("554 5.7.1 Service unavailable; client [127.0.5.1] blocked using zen.test (SBL, XBL): "
        + "https://zen.test/query/ip/127.0.5.1; see https://portal.example.test/ref/");
    RefusalRecord record = explained(reply);
    assertThat(record.check()).isEqualTo("dnsbl");
    assertThat(record.explanation().links()).as("the list's own lookup, from its TXT, never our /lookup")
        .singleElement().satisfies(l -> {
          assertThat(l.url()).isEqualTo("https://zen.test/query/ip/127.0.5.1");
          assertThat(l.label()).contains("zen.test");
        });
    String page = org.portcullis.testing.WebForms.get(org.portcullis.testing.WebForms.browser(), java.net.URI.create(
        "http://127.0.0.1:" + gateway.gateway().webPort().orElseThrow() + "/ref/" + record.reference())).body();
    assertThat(page).contains("Look up 127.0.5.1 on zen.test", "href=\"https://zen.test/query/ip/127.0.5.1\"")
        .doesNotContain("/lookup/127.0.5.1");
    assertThat(record.explanation().facts()).anySatisfy(f -> assertThat(f.value()).contains("suspended"));
  }

  @Test
  void deadAndWorldListingZonesAreSuspendedSoGoodMailStillFlows() throws Exception {
    var health = gateway.gateway().blocklists().dnsbl().orElseThrow().health().snapshot();
    assertThat(health.get("dead.test").reason()).contains("does not answer");
    assertThat(health.get("world.test").reason()).contains("lists the world");
    assertThat(health.get("zen.test").healthy()).isTrue();
    assertThat(mailFrom(Senders.GOOD, Senders.GOOD_NAME, "carol@example.test")).startsWith("250");
  }

  @Test
  void anAllowlistedClientOutweighsItsBlocklisting() throws Exception {
    assertThat(mailFrom(WHITELISTED, "mail.whitelisted.example", "carol@example.test")).startsWith("250");
  }

  @Test
  void ourOwnListingRefusesAtOnceIsServedInDnsAndSelfServiceDelistingLetsMailThrough() throws Exception {
    Blocklist blocklist = gateway.gateway().blocklists().listings().orElseThrow().blocklist();
    blocklist.report(Cidr.parse(OURS), Category.REPORT, Evidence.note(blocklist.clock().instant(), "cli", OURS,
        "abuse report #4411"));
    await().atMost(Duration.ofSeconds(1)).until(() ->
        dnsbl("3.5.0.127.bl.example.test.", Type.A).getRcode() == Rcode.NOERROR);
    String reply = mailFrom(OURS, "mail.ours.example", "carol@example.test");
    assertThat(reply).isEqualTo("554 5.7.1 Service unavailable; client [127.0.5.3] blocked using bl.example.test "
        + "(report); see https://portal.example.test/ref/" + org.portcullis.testing.Refs.of(reply));
    RefusalRecord record = explained(reply);
    assertThat(record.check()).isEqualTo("blocklist");
    assertThat(record.explanation().links()).singleElement().satisfies(l ->
        assertThat(l.url()).isEqualTo("https://portal.example.test/lookup/127.0.5.3"));
    assertThat(record.explanation().facts()).anySatisfy(f -> assertThat(f.value()).contains("abuse report #4411"));
    assertThat(record.explanation().facts()).anySatisfy(f -> assertThat(f.value()).isEqualTo("0 of 5"));
    Message txt = dnsbl("3.5.0.127.bl.example.test.", Type.TXT);
    assertThat(txt.getSection(Section.ANSWER).getFirst().rdataToString())
        .contains("https://portal.example.test/lookup/127.0.5.3");

    assertThat(blocklist.selfDelist(InetAddress.ofLiteral(OURS), "test")).isInstanceOf(ListingRules.SelfDelisting.Delisted.class);
    await().atMost(Duration.ofSeconds(1)).until(() ->
        dnsbl("3.5.0.127.bl.example.test.", Type.A).getRcode() == Rcode.NXDOMAIN);
    assertThat(mailFrom(OURS, "mail.ours.example", "carol@example.test")).startsWith("250");
  }

  @Test
  void mailToASpamTrapIsRefusedAfterDataAndListsTheSenderWithAHeaderExcerpt() throws Exception {
    String reply;
    try (SmtpTestClient client = SmtpTestClient.connect(gateway.smtp(), TRAPPER)) {
      assertThat(client.reply()).startsWith("220");
      assertThat(client.startTransaction("mail.trapper.example", "alice@good.example", "trap@example.test"))
          .startsWith("250");
      reply = client.data("From: Winner <win@good.example>\r\nSubject: You won\r\nMessage-ID: <77@trapper>\r\n\r\n"
          + "Claim your prize now.\r\n");
    }
    assertThat(reply).startsWith("550 5.7.1 Service unavailable; client [127.0.5.4] blocked using bl.example.test (spam-trap)");
    RefusalRecord refusal = explained(reply);
    assertThat(refusal.explanation().facts()).as("the trap recipients as addresses, not a Java record")
        .anySatisfy(f -> assertThat(f.label()).isEqualTo("spam-trap recipients"))
        .allSatisfy(f -> assertThat(f.value()).doesNotContain("Recipient["))
        .anySatisfy(f -> assertThat(f.value()).isEqualTo("<trap@example.test>"));
    gateway.gateway().blocklists().settle();
    Listing listing = gateway.gateway().blocklists().listings().orElseThrow().blocklist()
        .find(Cidr.parse(TRAPPER)).orElseThrow();
    assertThat(listing.category()).isEqualTo(Category.SPAM_TRAP);
    assertThat(listing.evidence().getFirst().headers()).contains("Subject: You won", "Message-ID: <77@trapper>")
        .doesNotContain("Claim your prize");
    assertThat(listing.evidence().getFirst().recipients()).contains("trap@example.test");
    assertThat(listing.evidence().getFirst().helo()).isEqualTo("mail.trapper.example");
    assertThat(dnsbl("4.5.0.127.bl.example.test.", Type.A).getSection(Section.ANSWER).getFirst().rdataToString())
        .isEqualTo("127.0.0.3");
    assertThat(mailFrom(TRAPPER, "mail.trapper.example", "carol@example.test")).startsWith("554 5.7.1")
        .contains("(spam-trap)");
  }

  @Test
  void repeatedRefusalsListTheClientByTheConfiguredRule() throws Exception {
    assertThat(mailFrom(Senders.NO_PTR, "mail.noptr.example", "carol@example.test")).startsWith("550 5.7.25");
    gateway.gateway().blocklists().settle();
    Blocklist blocklist = gateway.gateway().blocklists().listings().orElseThrow().blocklist();
    assertThat(blocklist.find(Cidr.parse(Senders.NO_PTR))).isEmpty();
    assertThat(mailFrom(Senders.NO_PTR, "mail.noptr.example", "carol@example.test")).startsWith("550 5.7.25");
    gateway.gateway().blocklists().settle();
    Listing listing = blocklist.find(Cidr.parse(Senders.NO_PTR)).orElseThrow();
    assertThat(listing.category()).isEqualTo(Category.SPAM_SOURCE);
    assertThat(listing.evidence().getFirst().source()).isEqualTo("auto:client-ptr");
    assertThat(listing.evidence().getFirst().note()).contains("ref=");
  }

  @Test
  void theDnsblServersQueryCounterKeepsCountingAfterAGarbageCollection() throws Exception {
    for (int i = 0; i < 5; i++) {
      dnsbl("9.9.9.127.bl.example.test.", Type.A);
    }
    for (int i = 0; i < 3; i++) {
      System.gc(); // Micrometer holds a counter's object weakly: a collected one would read 0 for good
    }
    String metrics = org.portcullis.testing.WebForms.get(org.portcullis.testing.WebForms.browser(), java.net.URI.create(
        "http://127.0.0.1:" + gateway.gateway().webPort().orElseThrow() + "/metrics")).body();
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?m)^portcullis_dnsbl_server_queries_total (\\S+)$")
        .matcher(metrics);
    assertThat(m.find()).as(metrics).isTrue();
    assertThat(Double.parseDouble(m.group(1))).isGreaterThanOrEqualTo(5);
  }
}
