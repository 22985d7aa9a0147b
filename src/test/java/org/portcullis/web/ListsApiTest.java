package org.portcullis.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.portcullis.access.ApiTokens;
import org.portcullis.testing.Senders;
import org.portcullis.testing.SmtpTestClient;
import org.portcullis.testing.TestDnsServer;
import org.portcullis.testing.TestGateway;

/** {@code /api/lists}, {@code /api/whitelists} and {@code /api/whitelist-requests} over real HTTP, with their effect over SMTP. */
class ListsApiTest {

  @TempDir
  static Path data;
  static TestDnsServer dns;
  static TestGateway gateway;
  static String token;
  static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @BeforeAll
  static void start() throws Exception {
    dns = Senders.describe(TestDnsServer.start());
    gateway = TestGateway.start(data, dns, "greylist.enabled = true", "lists.import-max-bytes = 2048");
    token = new ApiTokens(gateway.gateway().store().apiTokens(), java.time.Clock.systemUTC()).create("tests", java.util.Set.of(org.portcullis.access.ApiScope.ADMIN));
  }

  @AfterAll
  static void stop() {
    gateway.close();
    dns.close();
  }

  private static HttpResponse<String> send(String method, String path, byte[] body, String contentType)
      throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
            + gateway.gateway().webPort().orElseThrow() + path))
        .timeout(Duration.ofSeconds(10)).method(method, body == null ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofByteArray(body))
        .header("Authorization", "Bearer " + token);
    if (contentType != null) {
      b.header("Content-Type", contentType);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> json(String method, String path, String body) throws Exception {
    return send(method, path, body == null ? null : body.getBytes(StandardCharsets.UTF_8), "application/json");
  }

  private static String rcpt(String from, String to) throws Exception {
    try (SmtpTestClient client = SmtpTestClient.connect(gateway.smtp(), Senders.GOOD)) {
      client.reply();
      return client.startTransaction(Senders.GOOD_NAME, from, to);
    }
  }

  @Test
  void entriesAreAddedListedAndRemovedAndTakeEffectWithoutARestart() throws Exception {
    HttpResponse<String> added = json("POST", "/api/lists", "{\"action\":\"deny\",\"sender\":\"pest@good.example\","
        + "\"reply\":\"Go away\",\"expires\":\"7d\",\"note\":\"api test\"}");
    assertThat(added.statusCode()).as(added.body()).isEqualTo(201);
    Matcher id = Pattern.compile("\"id\":([0-9]+)").matcher(added.body());
    assertThat(id.find()).isTrue();
    assertThat(added.body()).contains("\"action\":\"deny\"").contains("\"reply\":\"Go away\"");
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
        assertThat(rcpt("pest@good.example", "bob@example.test")).startsWith("554 5.7.1 Go away; see https://mx.example.test/ref/"));
    assertThat(json("GET", "/api/lists", null).body()).contains("\"note\":\"api test\"").contains("\"active\":true");
    assertThat(json("DELETE", "/api/lists/" + id.group(1), null).statusCode()).isEqualTo(204);
    assertThat(json("DELETE", "/api/lists/" + id.group(1), null).statusCode()).isEqualTo(404);
  }

  @Test
  void badEntriesAre400sNamingTheField() throws Exception {
    assertThat(json("POST", "/api/lists", "{\"action\":\"maybe\",\"sender\":\"a@b.example\"}").body())
        .contains("action must be allow or deny");
    assertThat(json("POST", "/api/lists", "{\"action\":\"allow\",\"client\":\"10.0.0.0/99\"}").body()).contains("client:");
    assertThat(json("POST", "/api/lists", "{\"action\":\"allow\",\"sender\":\"a@b.example\",\"skip\":[\"relay-control\"]}")
        .body()).contains("relay-control cannot be skipped");
    assertThat(json("POST", "/api/lists", "{\"action\":\"allow\",\"sender\":\"a@b.example\",\"skip\":\"all\"}")
        .body()).contains("skip must be an array of strings");
    HttpResponse<String> notJson = json("POST", "/api/lists", "{nope");
    assertThat(notJson.statusCode()).isEqualTo(400);
    assertThat(notJson.body()).isEqualTo("{\"error\":\"the body is not valid JSON\"}");
    assertThat(json("DELETE", "/api/lists/abc", null).statusCode()).isEqualTo(400);
  }

  @Test
  void anAddressBookIsUploadedWithItsReportAndABrokenOrOversizedOneIsRefused() throws Exception {
    byte[] book;
    try (InputStream in = getClass().getResourceAsStream("/addressbooks/contacts.vcf")) {
      book = in.readAllBytes();
    }
    HttpResponse<String> imported = send("POST", "/api/whitelists/bob@example.test/import", book, "text/vcard");
    assertThat(imported.statusCode()).as(imported.body()).isEqualTo(200);
    assertThat(imported.body()).contains("\"format\":\"vcard\"").contains("\"read\":4").contains("\"added\":3")
        .contains("\"line\":16");
    assertThat(json("GET", "/api/whitelists/bob@example.test", null).body())
        .contains("\"senders\":[\"ivan@home.example\",\"ivan@work.example\",\"judy@judy.example\"]");
    HttpResponse<String> broken = send("POST", "/api/whitelists/bob@example.test/import",
        "BEGIN:VCARD\nEMAIL:x@y.example\n".getBytes(StandardCharsets.UTF_8), "text/vcard");
    assertThat(broken.statusCode()).isEqualTo(422);
    assertThat(broken.body()).contains("has no END:VCARD").contains("nothing imported");
    HttpResponse<String> big = send("POST", "/api/whitelists/bob@example.test/import",
        ("a@b.example\n".repeat(400)).getBytes(StandardCharsets.UTF_8), "text/plain");
    assertThat(big.statusCode()).isEqualTo(422);
    assertThat(big.body()).contains("at most 2048");
    assertThat(json("POST", "/api/whitelists/example.test", "{\"senders\":[\"carol@partner.example\",\"bad one\"]}")
        .body()).contains("bad one").contains("is neither an address nor a domain").contains("nothing added");
    assertThat(json("POST", "/api/whitelists/example.test", "{\"senders\":[\"carol@partner.example\"]}").body())
        .contains("\"added\":1");
    assertThat(json("DELETE", "/api/whitelists/example.test/" + URLEncoder.encode("carol@partner.example",
        StandardCharsets.UTF_8), null).statusCode()).isEqualTo(204);
    assertThat(json("GET", "/api/whitelists/not%20an%20owner", null).statusCode()).isEqualTo(400);
  }

  @Test
  void aRequestIsSubmittedApprovedAndTheSendersNextAttemptPasses() throws Exception {
    assertThat(rcpt("statements@good.example", "erin@example.test")).startsWith("451 4.7.1 Greylisted");
    HttpResponse<String> submitted = json("POST", "/api/whitelist-requests", "{\"email\":\"statements@good.example\","
        + "\"ip\":\"" + Senders.GOOD + "\",\"recipient\":\"erin@example.test\",\"reason\":\"<b>monthly</b> statements\"}");
    assertThat(submitted.statusCode()).as(submitted.body()).isEqualTo(201);
    Matcher id = Pattern.compile("\"id\":([0-9]+)").matcher(submitted.body());
    assertThat(id.find()).isTrue();
    assertThat(json("GET", "/api/whitelist-requests", null).body()).contains("\"status\":\"pending\"");
    assertThat(json("POST", "/api/whitelist-requests/" + id.group(1) + "/approve", "{\"match\":[\"recipient\"]}")
        .statusCode()).isEqualTo(400);
    HttpResponse<String> approved = json("POST", "/api/whitelist-requests/" + id.group(1) + "/approve",
        "{\"match\":[\"sender\",\"ip\"],\"skip\":[\"greylist\"],\"message\":\"ok\"}");
    assertThat(approved.statusCode()).as(approved.body()).isEqualTo(200);
    assertThat(approved.body()).contains("\"status\":\"approved\"").contains("\"sender\":\"statements@good.example\"");
    assertThat(json("POST", "/api/whitelist-requests/" + id.group(1) + "/decline", "{\"message\":\"no\"}").statusCode())
        .isEqualTo(409);
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
        assertThat(rcpt("statements@good.example", "erin@example.test")).startsWith("250"));
    assertThat(json("POST", "/api/whitelist-requests", "{\"email\":\"x\",\"ip\":\"1.2.3.4\",\"recipient\":\"a@b.example\","
        + "\"reason\":\"r\"}").body()).contains("email:");
    assertThat(json("GET", "/api/whitelist-requests/999999", null).statusCode()).isEqualTo(404);
    assertThat(json("GET", "/api/whitelist-requests?status=weird", null).statusCode()).isEqualTo(400);
  }

  @Test
  void theOpenApiFileDocumentsTheseRoutes() throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
        + gateway.gateway().webPort().orElseThrow() + "/api/openapi.json")).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.body()).contains("\"/api/lists\"", "\"/api/lists/{id}\"", "\"/api/whitelists/{owner}\"",
        "\"/api/whitelists/{owner}/import\"", "\"/api/whitelists/{owner}/{sender}\"", "\"/api/whitelist-requests\"",
        "\"/api/whitelist-requests/{id}\"", "\"/api/whitelist-requests/{id}/approve\"",
        "\"/api/whitelist-requests/{id}/decline\"", "\"/api/checks\"", "\"/api/checks/{name}\"",
        "\"/api/blocklist/false-positives/{id}/answer\"");
  }

  @Test
  void falsePositiveReportsAreAnsweredThroughTheApi() throws Exception {
    var blocklist = gateway.gateway().blocklists().listings().map(org.portcullis.blocklist.LiveListings::blocklist)
        .orElseThrow();
    blocklist.report(org.portcullis.mail.Cidr.parse("192.0.2.123/32"), org.portcullis.blocklist.Category.REPORT,
        new org.portcullis.blocklist.Evidence(java.time.Instant.now(), "report", "192.0.2.123", "", "", "", "", "x"));
    long id = blocklist.reportFalsePositive("192.0.2.123", "ops@example.org", "fixed").report().id();
    assertThat(json("GET", "/api/blocklist/false-positives", null).body()).contains("\"id\":" + id, "\"status\":\"open\"");
    HttpResponse<String> answered = json("POST", "/api/blocklist/false-positives/" + id + "/answer",
        "{\"status\":\"accepted\",\"message\":\"ok\"}");
    assertThat(answered.body()).contains("\"delisted\":\"192.0.2.123/32\"", "\"status\":\"accepted\"");
    assertThat(json("POST", "/api/blocklist/false-positives/" + id + "/answer", "{\"status\":\"declined\"}")
        .statusCode()).isEqualTo(409);
    assertThat(json("GET", "/api/blocklist/false-positives?status=weird", null).statusCode()).isEqualTo(400);
  }
}
