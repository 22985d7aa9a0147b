package org.portcullis.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.regex.Matcher;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.portcullis.blocklist.Category;
import org.portcullis.blocklist.Evidence;
import org.portcullis.blocklist.HeaderExcerpt;
import org.portcullis.blocklist.LiveListings;
import org.portcullis.mail.Cidr;
import org.portcullis.testing.Senders;
import org.portcullis.testing.SmtpTestClient;
import org.portcullis.testing.TestDnsServer;
import org.portcullis.testing.TestGateway;

/** The portal's public pages over real HTTP: explanations, lookups, bad input, and strangers' text escaped. */
class PortalPagesTest {

  @TempDir
  static Path data;
  static TestDnsServer dns;
  static TestGateway gateway;
  static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

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

  private static HttpResponse<String> get(String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.gateway().webPort().orElseThrow()
        + path)).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
  }

  /** A refused RCPT from the no-PTR client with this HELO and sender; returns the reference. */
  private static String refusedReference(String helo, String sender) throws Exception {
    try (SmtpTestClient client = SmtpTestClient.connect(gateway.smtp(), Senders.NO_PTR)) {
      client.reply();
      String reply = client.startTransaction(helo, sender, "bob@example.test");
      Matcher m = org.portcullis.testing.Refs.IN_REPLY.matcher(reply);
      assertThat(m.find()).as(reply).isTrue();
      gateway.gateway().store().refusals().flush();
      return m.group(1);
    }
  }

  @Test
  void aRefusalsReferenceOpensItsExplanation() throws Exception {
    String ref = refusedReference("mail.example.org", "alice@good.example");
    HttpResponse<String> page = get("/ref/" + ref);
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.headers().firstValue("content-type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/html"));
    assertThat(page.body()).contains("Why was this mail refused?", "<strong>client-ptr</strong>", "550 5.7.25",
        "How to fix it", "PTR query", "127.0.2.1");
    assertThat(get("/ref/ref=" + ref).statusCode()).as("with the ref= prefix copied along").isEqualTo(200);
  }

  @Test
  void strangersTextComesOutEscaped() throws Exception {
    String ref = refusedReference("<script>alert(1)</script>.example.org",
        "\"<img src=x onerror=alert(2)>\"@good.example");
    String body = get("/ref/" + ref).body();
    assertThat(body).doesNotContain("<script>alert(1)", "<img src=x");
    assertThat(body).contains("&lt;script&gt;alert(1)&lt;/script&gt;");

    var blocklist = gateway.gateway().blocklists().listings().map(LiveListings::blocklist).orElseThrow();
    blocklist.report(Cidr.parse("192.0.2.66/32"), Category.SPAM_TRAP, new Evidence(Instant.now(), "spam-trap",
        "192.0.2.66", "<b>helo</b>", "victim.person@example.org", "trap@example.test",
        HeaderExcerpt.ofText("From: Mallory <mallory.sender@spam.example>\r\nSubject: <script>alert(3)</script>\r\n"
            + "Message-ID: <x1@spam.example>\r\n\r\nbody text that must not appear\r\n"), "seen on trap@example.test"));
    HttpResponse<String> lookup = get("/lookup/192.0.2.66");
    assertThat(lookup.statusCode()).isEqualTo(200);
    assertThat(lookup.body()).contains("is <strong>listed</strong>", "&lt;script&gt;alert(3)&lt;/script&gt;",
        "&lt;b&gt;helo&lt;/b&gt;", "v…@example.org", "m…@spam.example")
        .doesNotContain("<script>alert(3)", "victim.person@", "mallory.sender@", "body text that must not appear");
  }

  @Test
  void lookupsOfListedAndUnlistedAddresses() throws Exception {
    assertThat(get("/lookup").body()).contains("<form method=\"get\" action=\"/lookup\">");
    HttpResponse<String> clear = get("/lookup/203.0.113.200");
    assertThat(clear.statusCode()).isEqualTo(200);
    assertThat(clear.body()).contains("is <strong>not listed</strong>");
    HttpResponse<String> form = get("/lookup?address=2001:db8::1");
    assertThat(form.statusCode()).isEqualTo(302);
    assertThat(form.headers().firstValue("location").orElseThrow()).startsWith("/lookup/2001:db8:");
  }

  @Test
  void badInputGetsAClearPageAndNoStackTrace() throws Exception {
    HttpResponse<String> unknown = get("/ref/ZZZZZZZZZZZZ");
    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(unknown.body()).contains("Unknown reference");
    HttpResponse<String> malformed = get("/ref/%3Cscript%3E");
    assertThat(malformed.statusCode()).isEqualTo(400);
    assertThat(malformed.body()).contains("Not a reference").doesNotContain("<script>");
    HttpResponse<String> badIp = get("/lookup/999.1.1.1");
    assertThat(badIp.statusCode()).isEqualTo(400);
    assertThat(badIp.body()).contains("not an IPv4 or IPv6 address");
    HttpResponse<String> xssIp = get("/lookup?address=%3Cscript%3Ealert(1)%3C/script%3E");
    assertThat(xssIp.statusCode()).isEqualTo(400);
    assertThat(xssIp.body()).doesNotContain("<script>alert(1)").contains("&lt;script&gt;");
    HttpResponse<String> huge = get("/lookup?address=" + "1".repeat(5000));
    assertThat(huge.statusCode()).isIn(400, 414, 431);
    assertThat(huge.body()).doesNotContain("Exception", "at org.");
    HttpResponse<String> nowhere = get("/no/such/page");
    assertThat(nowhere.statusCode()).isEqualTo(404);
    assertThat(nowhere.body()).contains("There is no page here.");
  }

  @Test
  void pagesCarrySecurityHeaders() throws Exception {
    HttpResponse<String> page = get("/lookup");
    assertThat(page.headers().firstValue("content-security-policy")).hasValueSatisfying(csp ->
        assertThat(csp).contains("default-src 'none'", "frame-ancestors 'none'"));
    assertThat(page.headers().firstValue("x-frame-options")).hasValue("DENY");
    assertThat(page.headers().firstValue("x-content-type-options")).hasValue("nosniff");
    assertThat(get("/static/portal.css").headers().firstValue("content-type"))
        .hasValueSatisfying(t -> assertThat(t).startsWith("text/css"));
  }
}
