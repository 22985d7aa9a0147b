package org.portcullis.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.CookieManager;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.portcullis.blocklist.Blocklist;
import org.portcullis.blocklist.Category;
import org.portcullis.blocklist.Evidence;
import org.portcullis.blocklist.FalsePositiveReport;
import org.portcullis.blocklist.LiveListings;
import org.portcullis.lists.WhitelistRequest;
import org.portcullis.mail.Cidr;
import org.portcullis.testing.Senders;
import org.portcullis.testing.TestDnsServer;
import org.portcullis.testing.TestGateway;
import org.portcullis.testing.WebForms;

/** The portal's public forms over real HTTP: CSRF, rate limits, self-service delisting, reports, whitelist requests. */
class PortalFormsTest {

  @TempDir
  static Path data;
  static TestDnsServer dns;
  static TestGateway gateway;

  @BeforeAll
  static void start() throws Exception {
    dns = Senders.describe(TestDnsServer.start());
    gateway = TestGateway.start(data, dns, "blocklist.self-service-limit = 1", "web.form-posts-per-minute = 20");
  }

  @AfterAll
  static void stop() {
    gateway.close();
    dns.close();
  }


  private static URI uri(String path) {
    return URI.create("http://127.0.0.1:" + gateway.gateway().webPort().orElseThrow() + path);
  }

  private static HttpResponse<String> get(HttpClient client, String path) throws Exception {
    return WebForms.get(client, uri(path));
  }

  private static HttpResponse<String> post(HttpClient client, String path, Map<String, String> fields) throws Exception {
    return WebForms.post(client, uri(path), fields.entrySet().stream().toList());
  }

  private static String csrf(String page) {
    return WebForms.csrf(page);
  }


  private static Blocklist blocklist() {
    return gateway.gateway().blocklists().listings().map(LiveListings::blocklist).orElseThrow();
  }

  private static void list(String address) {
    blocklist().report(Cidr.parse(address + "/32"), Category.SPAM_TRAP, new Evidence(Instant.now(), "spam-trap",
        address, "mail.example.org", "x@example.org", "trap@example.test", "", "test"));
  }

  @Test
  void aListedAddressDelistsItselfOnceThenIsSentToTheOperator() throws Exception {
    list("192.0.2.71");
    HttpClient client = WebForms.browser();
    String token = csrf(get(client, "/lookup/192.0.2.71").body());
    HttpResponse<String> delisted = post(client, "/lookup/192.0.2.71/delist", Map.of("csrf", token));
    assertThat(delisted.statusCode()).isEqualTo(200);
    assertThat(delisted.body()).contains("Delisted.", "0 self-service delisting(s) left").contains("is <strong>not listed");
    // The DNSBL server answers from this index: it stops listing the address.
    await().atMost(Duration.ofSeconds(10)).until(() -> gateway.gateway().blocklists().listings().orElseThrow()
        .current().lookup(InetAddress.getByName("192.0.2.71")) == 0);

    list("192.0.2.71");
    HttpResponse<String> refused = post(client, "/lookup/192.0.2.71/delist", Map.of("csrf", token));
    assertThat(refused.statusCode()).isEqualTo(403);
    assertThat(refused.body()).contains("Not delisted", "contact the operator");
    assertThat(blocklist().active(InetAddress.getByName("192.0.2.71"))).isPresent();

    // Past the limit the page offers a delisting request instead of the button; it joins the review queue.
    String page = get(client, "/lookup/192.0.2.71").body();
    assertThat(page).contains("Ask the operator to delist", "/lookup/192.0.2.71/delisting-request")
        .doesNotContain("/lookup/192.0.2.71/delist\"");
    HttpResponse<String> unsaid = post(client, "/lookup/192.0.2.71/delisting-request",
        Map.of("csrf", token, "contact", "postmaster@example.org", "message", " "));
    assertThat(unsaid.statusCode()).isEqualTo(400);
    assertThat(unsaid.body()).contains("say what you fixed");
    HttpResponse<String> asked = post(client, "/lookup/192.0.2.71/delisting-request",
        Map.of("csrf", token, "contact", "postmaster@example.org", "message", "Cleaned the infected PC"));
    assertThat(asked.statusCode()).isEqualTo(200);
    assertThat(asked.body()).contains("delisting request #", "waits for the operator's review");
    assertThat(blocklist().store().reports(Optional.of("open"), 100)).anySatisfy(r -> {
      assertThat(r.kind()).isEqualTo(FalsePositiveReport.Kind.DELISTING);
      assertThat(r.address()).isEqualTo("192.0.2.71");
      assertThat(r.message()).isEqualTo("Cleaned the infected PC");
    });
  }

  @Test
  void anAddressThatMayStillDelistItselfCannotFileADelistingRequest() throws Exception {
    list("192.0.2.74");
    HttpClient client = WebForms.browser();
    String page = get(client, "/lookup/192.0.2.74").body();
    assertThat(page).contains("/lookup/192.0.2.74/delist\"").doesNotContain("delisting-request");
    HttpResponse<String> early = post(client, "/lookup/192.0.2.74/delisting-request",
        Map.of("csrf", csrf(page), "contact", "postmaster@example.org", "message", "please"));
    assertThat(early.statusCode()).isEqualTo(409);
    assertThat(blocklist().store().reports(Optional.empty(), 100)).noneMatch(r -> r.address().equals("192.0.2.74"));
  }

  @Test
  void aPostWithoutTheRightTokenChangesNothing() throws Exception {
    list("192.0.2.72");
    HttpClient client = WebForms.browser();
    get(client, "/lookup/192.0.2.72");
    assertThat(post(client, "/lookup/192.0.2.72/delist", Map.of()).statusCode()).isEqualTo(403);
    HttpResponse<String> forged = post(client, "/lookup/192.0.2.72/delist", Map.of("csrf", "forged-token"));
    assertThat(forged.statusCode()).isEqualTo(403);
    assertThat(forged.body()).contains("Form expired");
    HttpClient other = WebForms.browser();
    String othersToken = csrf(get(other, "/whitelist-request").body());
    assertThat(post(client, "/lookup/192.0.2.72/delist", Map.of("csrf", othersToken)).statusCode())
        .as("another browser's token").isEqualTo(403);
    assertThat(blocklist().active(InetAddress.getByName("192.0.2.72"))).isPresent();
  }

  @Test
  void aFalsePositiveReportIsStoredAndBadFieldsAreRefused() throws Exception {
    list("192.0.2.73");
    HttpClient client = WebForms.browser();
    String token = csrf(get(client, "/lookup/192.0.2.73").body());
    HttpResponse<String> bad = post(client, "/lookup/192.0.2.73/false-positive",
        Map.of("csrf", token, "contact", "not an address", "message", "x"));
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(bad.body()).contains("the contact must be an e-mail address");
    HttpResponse<String> huge = post(client, "/lookup/192.0.2.73/false-positive",
        Map.of("csrf", token, "contact", "ops@example.org", "message", "x".repeat(5000)));
    assertThat(huge.statusCode()).isEqualTo(400);
    HttpResponse<String> sent = post(client, "/lookup/192.0.2.73/false-positive",
        Map.of("csrf", token, "contact", "ops@example.org", "message", "Our server was fixed <b>yesterday</b>"));
    assertThat(sent.statusCode()).isEqualTo(200);
    assertThat(sent.body()).contains("waits for the operator's review");
    assertThat(blocklist().store().reports(Optional.empty(), 100)).anySatisfy(r ->
        assertThat(r.message()).isEqualTo("Our server was fixed <b>yesterday</b>"));
  }

  @Test
  void aWhitelistRequestFromTheFormWaitsForReview() throws Exception {
    HttpClient client = WebForms.browser();
    HttpResponse<String> form = get(client, "/whitelist-request?ip=192.0.2.80&recipient=bob%40example.test"
        + "&email=%22%3E%3Cscript%3Ex%3C/script%3E");
    // Inside a quoted attribute only the quote can break out; it is escaped, so the tag stays text.
    assertThat(form.body()).contains("value=\"192.0.2.80\"", "value=\"bob@example.test\"", "value=\"&#34;>")
        .doesNotContain("value=\"\"><script>");
    String token = csrf(form.body());
    HttpResponse<String> invalid = post(client, "/whitelist-request", Map.of("csrf", token, "email", "a@good.example",
        "ip", "not-an-ip", "recipient", "bob@example.test", "reason", "please"));
    assertThat(invalid.statusCode()).isEqualTo(400);
    assertThat(invalid.body()).contains("Not sent: ip:").contains("value=\"a@good.example\"");
    HttpResponse<String> sent = post(client, "/whitelist-request", Map.of("csrf", token, "email", "a@good.example",
        "ip", "192.0.2.80", "recipient", "bob@example.test", "reason", "We are Bob's accountants"));
    assertThat(sent.statusCode()).isEqualTo(200);
    assertThat(sent.body()).contains("waits for review");
    assertThat(gateway.gateway().store().lists().requests(Optional.of(WhitelistRequest.Status.PENDING), 10))
        .anySatisfy(r -> assertThat(r.reason()).isEqualTo("We are Bob's accountants"));
  }

  @Test
  void eachFormIsRateLimitedPerClient() throws Exception {
    // From its own loopback address, so the other tests' posts do not count.
    HttpClient client = HttpClient.newBuilder().cookieHandler(new CookieManager())
        .localAddress(InetAddress.getByName("127.0.0.9")).connectTimeout(Duration.ofSeconds(5)).build();
    String token = csrf(get(client, "/whitelist-request").body());
    int limited = 0;
    for (int i = 0; i < 25; i++) {
      HttpResponse<String> r = post(client, "/lookup/192.0.2.79/delist", Map.of("csrf", token));
      if (r.statusCode() == 429) {
        limited++;
        assertThat(r.headers().firstValue("retry-after")).hasValue("60");
      }
    }
    assertThat(limited).as("posts past 20 a minute").isGreaterThanOrEqualTo(2);
  }
}
