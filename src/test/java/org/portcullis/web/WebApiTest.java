package org.portcullis.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.portcullis.access.ApiTokens;
import org.portcullis.testing.Senders;
import org.portcullis.testing.SmtpTestClient;
import org.portcullis.testing.TestDnsServer;
import org.portcullis.testing.TestGateway;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/** The web listener over real HTTP: metrics, the blocklist API, tokens, bad input. */
class WebApiTest {

  @TempDir
  static Path data;
  static TestDnsServer dns;
  static TestGateway gateway;
  static String token;
  static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @BeforeAll
  static void start() throws Exception {
    dns = Senders.describe(TestDnsServer.start());
    dns.a("2.0.0.127.zen.test", "127.0.0.2");
    gateway = TestGateway.start(data, dns, "dnsbl.zones = [{name = \"zen.test\"}, {name = \"dead.test\"}]");
    token = new ApiTokens(gateway.gateway().store().apiTokens(), java.time.Clock.systemUTC()).create("tests", java.util.Set.of(org.portcullis.access.ApiScope.ADMIN));
  }

  @AfterAll
  static void stop() {
    gateway.close();
    dns.close();
  }

  private static HttpResponse<String> send(String method, String path, String body, String bearer) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.gateway().webPort().orElseThrow() + path))
        .timeout(Duration.ofSeconds(10)).method(method, body == null ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body));
    if (bearer != null) {
      b.header("Authorization", "Bearer " + bearer);
    }
    if (body != null) {
      b.header("Content-Type", "application/json");
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void aReportThroughTheApiListsTheAddressAndDnsAnswersWithinASecond() throws Exception {
    HttpResponse<String> r = send("POST", "/api/blocklist/reports", """
        {"network": "192.0.2.77", "note": "abuse desk ticket 991", "helo": "bot.example",
         "headers": "Received: from bot\\r\\nSubject: cheap\\r\\nX-Other: no\\r\\n\\r\\nthe body"}""", token);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    assertThat(r.body()).contains("\"network\":\"192.0.2.77/32\"", "\"category\":\"report\"", "\"state\":\"listed\"");
    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(1)).until(() -> {
      SimpleResolver resolver = new SimpleResolver(gateway.gateway().blocklists().serverAddress().orElseThrow());
      return resolver.send(Message.newQuery(Record.newRecord(Name.fromString("77.2.0.192.bl.example.test."), Type.A,
          DClass.IN))).getRcode() == Rcode.NOERROR;
    });
    HttpResponse<String> lookup = send("GET", "/api/blocklist/lookup/192.0.2.77", null, token);
    assertThat(lookup.statusCode()).isEqualTo(200);
    assertThat(lookup.body()).contains("\"listed\":true", "abuse desk ticket 991", "Subject: cheap", "\"source\":\"api:tests\"")
        .doesNotContain("X-Other").doesNotContain("the body");
    HttpResponse<String> delist = send("POST", "/api/blocklist/delist", "{\"network\": \"192.0.2.77\", \"note\": \"fixed\"}", token);
    assertThat(delist.statusCode()).isEqualTo(200);
    assertThat(delist.body()).contains("\"state\":\"delisted\"");
    assertThat(send("GET", "/api/blocklist/listings?state=delisted", null, token).body()).contains("192.0.2.77/32");
  }

  @Test
  void aReportingTokenCanReportButCannotSwitchChecksOrDelist() throws Exception {
    String reporter = new ApiTokens(gateway.gateway().store().apiTokens(), java.time.Clock.systemUTC())
        .create("reporter", java.util.Set.of(org.portcullis.access.ApiScope.REPORT));
    assertThat(send("POST", "/api/blocklist/reports", "{\"network\": \"192.0.2.81\", \"note\": \"spam run\"}",
        reporter).statusCode()).isEqualTo(201);
    assertThat(send("GET", "/api/blocklist/lookup/192.0.2.81", null, reporter).statusCode()).isEqualTo(200);
    HttpResponse<String> checks = send("POST", "/api/checks/client-ptr", "{\"mode\": \"off\"}", reporter);
    assertThat(checks.statusCode()).isEqualTo(403);
    assertThat(checks.body()).contains("has the scopes report; this needs admin");
    assertThat(send("POST", "/api/blocklist/delist", "{\"network\": \"192.0.2.81\"}", reporter).statusCode())
        .isEqualTo(403);
    assertThat(send("GET", "/api/lists", null, reporter).statusCode()).isEqualTo(403);
    assertThat(gateway.gateway().blocklists().listings().orElseThrow().blocklist()
        .active(java.net.InetAddress.ofLiteral("192.0.2.81"))).as("still listed").isPresent();
  }

  @Test
  void aReportWiderThanTheLimitIsRefusedAndTheInternetIsNotListed() throws Exception {
    for (String wide : new String[] {"0.0.0.0/0", "10.0.0.0/8", "192.0.2.0/23", "2001:db8::/32"}) {
      HttpResponse<String> r = send("POST", "/api/blocklist/reports",
          "{\"network\": \"" + wide + "\", \"note\": \"everyone\"}", token);
      assertThat(r.statusCode()).as(wide).isEqualTo(422);
      assertThat(r.body()).contains("is wider than");
      assertThat(send("POST", "/api/blocklist/permanent", "{\"network\": \"" + wide + "\"}", token).statusCode())
          .isEqualTo(422);
    }
    assertThat(gateway.gateway().store().blocklist().find(org.portcullis.mail.Cidr.parse("0.0.0.0/0"))).isEmpty();
    assertThat(send("POST", "/api/blocklist/reports", "{\"network\": \"198.51.100.0/24\", \"note\": \"range\"}",
        token).statusCode()).as("a /24 is allowed").isEqualTo(201);
  }

  @Test
  void jsonWithADuplicateKeyIsRefusedNotLastOneWins() throws Exception {
    HttpResponse<String> r = send("POST", "/api/blocklist/reports",
        "{\"network\": \"192.0.2.82\", \"note\": \"a\", \"network\": \"0.0.0.0/0\"}", token);
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(r.body()).contains("the body has a key twice");
    assertThat(gateway.gateway().store().blocklist().find(org.portcullis.mail.Cidr.parse("192.0.2.82"))).isEmpty();
  }

  @Test
  void falsePositiveReportsAreRecorded() throws Exception {
    HttpResponse<String> r = send("POST", "/api/blocklist/false-positives",
        "{\"address\": \"192.0.2.5\", \"contact\": \"postmaster@example.org\", \"message\": \"we fixed it\"}", token);
    assertThat(r.statusCode()).isEqualTo(201);
    assertThat(gateway.gateway().store().blocklist().reports(java.util.Optional.of("open"), 10))
        .anySatisfy(fp -> assertThat(fp.message()).isEqualTo("we fixed it"));
  }

  @Test
  void theOperatorListsPermanentlyAddsNotesAndAnswersADelistingRequest() throws Exception {
    HttpResponse<String> permanent = send("POST", "/api/blocklist/permanent",
        "{\"network\": \"192.0.2.60\", \"note\": \"known snowshoe sender\"}", token);
    assertThat(permanent.statusCode()).as(permanent.body()).isEqualTo(200);
    assertThat(permanent.body()).contains("\"state\":\"permanent\"", "\"category\":\"manual\"");
    HttpResponse<String> note = send("POST", "/api/blocklist/notes",
        "{\"network\": \"192.0.2.60/32\", \"note\": \"called their ISP\"}", token);
    assertThat(note.statusCode()).as(note.body()).isEqualTo(200);
    assertThat(note.body()).contains("called their ISP", "\"author\":\"api:tests\"");
    assertThat(send("GET", "/api/blocklist/listings?network=192.0.2.60/32", null, token).body())
        .contains("\"network\":\"192.0.2.60/32\"", "called their ISP");
    assertThat(send("GET", "/api/blocklist/listings?network=198.51.100.0/24", null, token).body()).isEqualTo("[]");
    assertThat(send("POST", "/api/blocklist/notes", "{\"network\": \"192.0.2.61\", \"note\": \"x\"}", token)
        .statusCode()).as("no such listing").isEqualTo(404);

    // A permanent listing cannot delist itself: its party may ask the operator instead.
    HttpResponse<String> asked = send("POST", "/api/blocklist/delisting-requests",
        "{\"address\": \"192.0.2.60\", \"contact\": \"noc@example.org\", \"message\": \"new owner\"}", token);
    assertThat(asked.statusCode()).as(asked.body()).isEqualTo(201);
    assertThat(asked.body()).contains("\"kind\":\"delisting\"");
    assertThat(send("POST", "/api/blocklist/delisting-requests",
        "{\"address\": \"192.0.2.62\", \"contact\": \"noc@example.org\", \"message\": \"m\"}", token)
        .statusCode()).as("not listed").isEqualTo(409);
    HttpResponse<String> queue = send("GET", "/api/blocklist/false-positives?kind=delisting", null, token);
    assertThat(queue.body()).contains("\"kind\":\"delisting\"", "\"address\":\"192.0.2.60\"")
        .doesNotContain("\"kind\":\"false-positive\"");
    long id = gateway.gateway().store().blocklist().reports(java.util.Optional.of("open"), 100).stream()
        .filter(r -> r.address().equals("192.0.2.60")).findFirst().orElseThrow().id();
    HttpResponse<String> answered = send("POST", "/api/blocklist/false-positives/" + id + "/answer",
        "{\"status\": \"accepted\", \"message\": \"ok\"}", token);
    assertThat(answered.body()).contains("\"delisted\":\"192.0.2.60/32\"");
    assertThat(gateway.gateway().store().blocklist().find(org.portcullis.mail.Cidr.parse("192.0.2.60")))
        .hasValueSatisfying(l -> assertThat(l.state()).isEqualTo(org.portcullis.blocklist.ListingState.DELISTED));
  }

  @Test
  void theDashboardsFiguresAreThereForATokenToo() throws Exception {
    assertThat(send("GET", "/api/dashboard", null, null).statusCode()).isEqualTo(401);
    HttpResponse<String> r = send("GET", "/api/dashboard", null, token);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).contains("\"timeline\":{\"t\":[", "\"checks\":{", "\"refusalsByCheck\":",
        "\"zones\":[", "\"spool\":");
  }

  @Test
  void withoutAValidTokenTheApiAnswers401AndChangesNothing() throws Exception {
    String body = "{\"network\": \"192.0.2.88\", \"note\": \"x\"}";
    for (String bearer : new String[] {null, "pct_wrong", "not-even-a-token"}) {
      HttpResponse<String> r = send("POST", "/api/blocklist/reports", body, bearer);
      assertThat(r.statusCode()).isEqualTo(401);
      assertThat(r.body()).startsWith("{\"error\":");
      assertThat(r.headers().firstValue("WWW-Authenticate")).contains("Bearer");
    }
    assertThat(gateway.gateway().store().blocklist().find(org.portcullis.mail.Cidr.parse("192.0.2.88"))).isEmpty();
  }

  @Test
  void badInputIsA400WithAMessageAndNoStackTrace() throws Exception {
    String[][] cases = {
        {"POST", "/api/blocklist/reports", "not json"},
        {"POST", "/api/blocklist/reports", "[1, 2]"},
        {"POST", "/api/blocklist/reports", "{\"network\": \"999.1.1.1\", \"note\": \"x\"}"},
        {"POST", "/api/blocklist/reports", "{\"network\": \"192.0.2.1\"}"},
        {"POST", "/api/blocklist/reports", "{\"network\": \"192.0.2.1\", \"note\": 5}"},
        {"POST", "/api/blocklist/reports", "{\"network\": \"192.0.2.1\", \"note\": \"" + "x".repeat(2000) + "\"}"},
        {"POST", "/api/blocklist/reports", "{\"network\": \"192.0.2.1\", \"note\": \"x\", \"category\": \"evil\"}"},
        {"POST", "/api/blocklist/false-positives", "{\"address\": \"192.0.2.1\", \"contact\": \"nobody\", \"message\": \"m\"}"},
        {"GET", "/api/blocklist/lookup/%3Cscript%3E", null},
        {"GET", "/api/blocklist/listings?limit=0", null},
        {"GET", "/api/blocklist/listings?state=gone", null},
        {"GET", "/api/blocklist/false-positives?kind=praise", null},
        {"GET", "/api/blocklist/listings?network=10.0.0.0/33", null},
        {"POST", "/api/blocklist/permanent", "{\"network\": \"192.0.2.1/99\"}"},
        {"POST", "/api/blocklist/notes", "{\"network\": \"192.0.2.1\", \"note\": \" \"}"},
        {"POST", "/api/blocklist/delisting-requests", "{\"address\": \"nowhere\", \"contact\": \"a@b.example\", \"message\": \"m\"}"}};
    for (String[] c : cases) {
      HttpResponse<String> r = send(c[0], c[1], c[2], token);
      assertThat(r.statusCode()).as("%s %s %s", c[0], c[1], c[2]).isEqualTo(400);
      assertThat(r.body()).as(c[1]).startsWith("{\"error\":").doesNotContain("Exception").doesNotContain("\tat ");
      assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
    }
    assertThat(gateway.gateway().store().blocklist().find(org.portcullis.mail.Cidr.parse("192.0.2.1"))).isEmpty();
    // Expect: 100-continue, so the 413 comes before the body is sent: without it the server may close
    // the connection while the client is still writing, and the client then sees no answer at all.
    HttpResponse<String> huge = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
            + gateway.gateway().webPort().orElseThrow() + "/api/blocklist/reports")).timeout(Duration.ofSeconds(10))
        .expectContinue(true).header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"note\": \"" + "x".repeat(400_000) + "\"}")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(huge.statusCode()).isEqualTo(413);
    HttpResponse<String> unknown = send("GET", "/api/nothing-here", null, token);
    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(unknown.body()).startsWith("{\"error\":");
  }

  @Test
  void theOpenApiDocumentIsPublicAndDescribesTheRoutes() throws Exception {
    HttpResponse<String> r = send("GET", "/api/openapi.json", null, null);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).contains("\"openapi\": \"3.1.0\"", "/api/blocklist/reports", "/api/blocklist/lookup/{address}",
        "/api/blocklist/permanent", "/api/blocklist/notes", "/api/blocklist/delisting-requests", "/api/dashboard");
  }

  @Test
  void metricsShowSmtpTheBlocklistAndSuspendedZones() throws Exception {
    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() ->
        gateway.gateway().blocklists().dnsbl().orElseThrow().health().suspendedCount() == 1);
    try (SmtpTestClient client = SmtpTestClient.connect(gateway.smtp(), Senders.GOOD)) {
      client.reply();
      client.send("QUIT");
    }
    HttpResponse<String> r = send("GET", "/metrics", null, null);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).contains("portcullis_smtp_sessions_total", "portcullis_spool_messages",
        "portcullis_blocklist_listings_active", "portcullis_dnsbl_server_queries_total",
        "portcullis_dnsbl_zones_suspended 1.0", "portcullis_dnsbl_zone_suspended{zone=\"dead.test\"} 1.0",
        "portcullis_dnsbl_zone_suspended{zone=\"zen.test\"} 0.0");
  }
}
