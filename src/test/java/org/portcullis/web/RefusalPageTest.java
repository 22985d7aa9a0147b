package org.portcullis.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.portcullis.blocklist.Blocklist;
import org.portcullis.blocklist.Category;
import org.portcullis.blocklist.Evidence;
import org.portcullis.blocklist.LiveListings;
import org.portcullis.lists.WhitelistRequest;
import org.portcullis.lists.WhitelistRequests;
import org.portcullis.mail.Cidr;
import org.portcullis.notices.Notifier;
import org.portcullis.testing.Refs;
import org.portcullis.testing.Senders;
import org.portcullis.testing.SmtpTestClient;
import org.portcullis.testing.TestDnsServer;
import org.portcullis.testing.TestGateway;
import org.portcullis.testing.WebForms;

/**
 * Issue 12, "a refused sender finds the explanation": the page behind a refusal's reference
 * speaks to the sender and to their administrator, masks other people's addresses, ends with the
 * whitelist request form, and requesters hear the outcome by mail and on a status page.
 */
class RefusalPageTest {

  @TempDir
  static Path data;
  static TestDnsServer dns;
  static TestGateway gateway;

  @BeforeAll
  static void start() throws Exception {
    dns = Senders.describe(TestDnsServer.start());
    gateway = TestGateway.start(data, dns);
  }

  @AfterAll
  static void stop() {
    gateway.close();
    dns.close();
  }

  private static URI uri(String path) {
    return URI.create("http://127.0.0.1:" + gateway.gateway().webPort().orElseThrow() + path);
  }

  private static String refusedReference(String sender, String recipient) throws Exception {
    try (SmtpTestClient client = SmtpTestClient.connect(gateway.smtp(), Senders.NO_PTR)) {
      client.reply();
      String reply = client.startTransaction("mail.example.org", sender, recipient);
      gateway.gateway().store().refusals().flush();
      return Refs.of(reply);
    }
  }

  @Test
  void theExplanationSpeaksToTheSenderAndToTheirAdministrator() throws Exception {
    String ref = refusedReference("alice@good.example", "bob@example.test");
    String page = WebForms.get(WebForms.browser(), uri("/ref/" + ref)).body();
    assertThat(page).contains("If you only sent the mail", "always check three things first",
        "Did you type the recipient's address correctly?", "outgoing mail server (SMTP)",
        "SMTP authentication", "notify your system administrator or your", "provider (ISP)");
    assertThat(page).as("the text to forward names the reference and the page")
        .contains("reference " + ref, "https://mx.example.test/ref/" + ref, "was refused by the mail server "
            + "mx.example.test");
    assertThat(page).contains("For the administrator of the sending server", "How to fix it", "The rule",
        "What we saw", "PTR query");
  }

  @Test
  void thePublicPageMasksTheLocalPartsOfSenderAndRecipient() throws Exception {
    String ref = refusedReference("alice.private@good.example", "bob.private@example.test");
    String page = WebForms.get(WebForms.browser(), uri("/ref/" + ref)).body();
    assertThat(page).contains("a…@good.example", "b…@example.test")
        .doesNotContain("alice.private", "bob.private");
  }

  @Test
  void theWhitelistFormAtTheBottomCarriesTheReferenceAndTheRequestTakesTheRefusalsIpAndRecipient()
      throws Exception {
    String ref = refusedReference("news@good.example", "carol@example.test");
    HttpClient browser = WebForms.browser();
    String page = WebForms.get(browser, uri("/ref/" + ref)).body();
    assertThat(page.lastIndexOf("action=\"/whitelist-request\"")).as("the form is at the bottom")
        .isGreaterThan(page.indexOf("What we saw"));
    assertThat(page).contains("name=\"reference\" value=\"" + ref + "\"");
    String csrf = WebForms.csrf(page);
    HttpResponse<String> sent = WebForms.post(browser, uri("/whitelist-request"), List.of(Map.entry("csrf", csrf),
        Map.entry("reference", ref), Map.entry("email", "news@good.example"),
        Map.entry("reason", "Monthly statements")));
    assertThat(sent.statusCode()).isEqualTo(200);
    assertThat(sent.body()).contains("waits for review", "https://mx.example.test/requests/");
    WhitelistRequest stored = gateway.gateway().store().lists().requests(Optional.of(WhitelistRequest.Status.PENDING),
        100).stream().filter(r -> r.reference().equals(ref)).findFirst().orElseThrow();
    assertThat(stored.clientIp()).isEqualTo(Senders.NO_PTR);
    assertThat(stored.recipient()).isEqualTo("carol@example.test");
    assertThat(stored.email()).isEqualTo("news@good.example");

    HttpResponse<String> again = WebForms.post(browser, uri("/whitelist-request"), List.of(Map.entry("csrf", csrf),
        Map.entry("reference", ref), Map.entry("email", "news@good.example"), Map.entry("reason", "Please!")));
    assertThat(again.body()).contains("is already waiting for review; nothing new was queued");
    assertThat(gateway.gateway().store().lists().requests(Optional.of(WhitelistRequest.Status.PENDING), 100).stream()
        .filter(r -> r.reference().equals(ref))).hasSize(1);

    HttpResponse<String> unknown = WebForms.post(browser, uri("/whitelist-request"), List.of(Map.entry("csrf", csrf),
        Map.entry("reference", "0000000000000000"), Map.entry("email", "news@good.example"),
        Map.entry("reason", "x")));
    assertThat(unknown.statusCode()).isEqualTo(400);
    assertThat(unknown.body()).contains("no refusal with this reference");
  }

  @Test
  void aWhitelistRequesterHearsTheOutcomeByMailAndOnTheStatusPage() throws Exception {
    String ref = refusedReference("billing@good.example", "dave@example.test");
    Clock clock = Clock.systemUTC();
    var store = gateway.gateway().store();
    // As the CLI does: another process decides, the server's outbox sends.
    WhitelistRequests requests = new WhitelistRequests(store.lists(), clock,
        new Notifier(store.outbox(), "https://mx.example.test", clock), Optional.of(store.refusals()));
    WhitelistRequest r = requests.submitFor(ref, "billing@example.net", "Invoices").request();
    requests.approve(r.id(), java.util.EnumSet.of(WhitelistRequests.Scope.SENDER), java.util.Set.of("client-ptr"),
        Optional.empty(), "Welcome");

    await().atMost(Duration.ofSeconds(15)).until(() -> gateway.delivered("example.net", "billing").size() == 1);
    String mail = Files.readString(gateway.delivered("example.net", "billing").getFirst(), StandardCharsets.UTF_8);
    assertThat(mail).contains("Return-Path: <>", "From: Postmaster <postmaster@example.test>",
        "Auto-Submitted: auto-replied", "Subject: Your whitelist request #" + r.id() + " was approved",
        "d…@example.test", "The postmaster's answer:", "Welcome", "https://mx.example.test/requests/" + r.token());
    assertThat(mail).doesNotContain("dave@example.test");

    HttpResponse<String> status = WebForms.get(WebForms.browser(), uri("/requests/" + r.token()));
    assertThat(status.statusCode()).isEqualTo(200);
    assertThat(status.body()).contains("Whitelist request #" + r.id(), "approved", "Welcome", ref);
    assertThat(WebForms.get(WebForms.browser(), uri("/requests/AAAAAAAAAAAAAAAAAAAAAA")).statusCode()).isEqualTo(404);
    assertThat(WebForms.get(WebForms.browser(), uri("/requests/" + r.id())).statusCode()).isEqualTo(404);
  }

  @Test
  void aFalsePositiveReporterHearsTheAnswerAndARepeatedReportIsMerged() throws Exception {
    Blocklist blocklist = gateway.gateway().blocklists().listings().map(LiveListings::blocklist).orElseThrow();
    blocklist.report(Cidr.parse("192.0.2.77"), Category.REPORT, Evidence.note(blocklist.clock().instant(), "cli",
        "192.0.2.77", "abuse report"));
    Blocklist.Filed first = blocklist.reportFalsePositive("192.0.2.77", "noc@example.net", "a mistake");
    Blocklist.Filed second = blocklist.reportFalsePositive("192.0.2.77", "noc@example.net", "still a mistake");
    assertThat(second.merged()).isTrue();
    assertThat(second.report().id()).isEqualTo(first.report().id());
    assertThat(blocklist.answerReport(first.report().id(), true, "Sorry about that", "ops")).hasValueSatisfying(a ->
        assertThat(a.delisted()).isPresent());
    await().atMost(Duration.ofSeconds(15)).until(() -> gateway.delivered("example.net", "noc").size() == 1);
    String mail = Files.readString(gateway.delivered("example.net", "noc").getFirst(), StandardCharsets.UTF_8);
    assertThat(mail).contains("Auto-Submitted: auto-replied", "was accepted", "192.0.2.77 is delisted",
        "Sorry about that", "https://mx.example.test/requests/" + first.report().token());
    assertThat(WebForms.get(WebForms.browser(), uri("/requests/" + first.report().token())).body())
        .contains("False-positive report #" + first.report().id(), "accepted: the address was delisted");
  }

  @Test
  void explanationLookupAndStatusPagesAreLimitedPerClientNetwork() throws Exception {
    org.portcullis.testing.FakeClock clock = new org.portcullis.testing.FakeClock();
    Path dir = data.resolve("limited");
    try (TestGateway limited = TestGateway.start(clock, dir, dns, "web.page-views-per-minute = 3")) {
      String base = "http://127.0.0.1:" + limited.gateway().webPort().orElseThrow();
      HttpClient near = HttpClient.newBuilder().localAddress(InetAddress.ofLiteral("127.0.0.2")).build();
      HttpClient far = HttpClient.newBuilder().localAddress(InetAddress.ofLiteral("127.0.9.1")).build();
      for (String path : List.of("/ref/0000000000000000", "/lookup/192.0.2.1", "/requests/AAAAAAAAAAAAAAAAAAAAAA")) {
        assertThat(status(near, base + path)).isIn(200, 404);
      }
      HttpResponse<String> refused = near.send(HttpRequest.newBuilder(URI.create(base + "/ref/0000000000000001"))
          .build(), HttpResponse.BodyHandlers.ofString());
      assertThat(refused.statusCode()).isEqualTo(429);
      assertThat(refused.headers().firstValue("retry-after")).hasValue("60");
      assertThat(status(HttpClient.newHttpClient(), base + "/ref/0000000000000001"))
          .as("127.0.0.1 is in the same /24 as 127.0.0.2").isEqualTo(429);
      assertThat(status(far, base + "/ref/0000000000000001")).as("another network").isEqualTo(404);
      clock.advance(Duration.ofSeconds(61));
      assertThat(status(near, base + "/ref/0000000000000001")).isEqualTo(404);
    }
  }

  private static int status(HttpClient client, String url) throws Exception {
    return client.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.discarding())
        .statusCode();
  }

  static String token(String text) {
    Matcher m = Pattern.compile("/requests/([A-Za-z0-9_-]{22})").matcher(text);
    assertThat(m.find()).as(text).isTrue();
    return m.group(1);
  }
}
