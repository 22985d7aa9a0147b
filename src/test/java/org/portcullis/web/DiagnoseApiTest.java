package org.portcullis.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.portcullis.access.ApiScope;
import org.portcullis.access.ApiTokens;
import org.portcullis.testing.Senders;
import org.portcullis.testing.SmtpReceiver;
import org.portcullis.testing.TestDnsServer;
import org.portcullis.testing.TestGateway;

/**
 * {@code POST /api/diagnose} over real HTTP: a token with the diagnose scope gets the report,
 * connecting checks included (to a loopback server, allowed for the test); other tokens are
 * refused; garbage is a 400 that changes nothing; past the per-network limit, 429 with Retry-After.
 */
class DiagnoseApiTest {

  @TempDir
  Path data;

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private HttpResponse<String> post(TestGateway gateway, String body, String token) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.gateway().webPort().orElseThrow()
        + "/api/diagnose")).timeout(Duration.ofSeconds(30)).header("Authorization", "Bearer " + token)
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void aDiagnoseTokenGetsTheWholeReportAndOthersAreRefused() throws Exception {
    try (SmtpReceiver mx = SmtpReceiver.on(java.net.InetAddress.getLoopbackAddress(), 0).start();
        TestDnsServer dns = Senders.describe(TestDnsServer.start());
        TestGateway gateway = TestGateway.start(data, dns, "diagnose.allow-private-targets = true",
            "diagnose.smtp-port = " + mx.address().getPort(), "diagnose.requests-per-minute = 2")) {
      dns.mx("sender.example", 10, "mx.sender.example").a("mx.sender.example", "127.0.0.1");
      ApiTokens tokens = new ApiTokens(gateway.gateway().store().apiTokens(), Clock.systemUTC());
      String diagnose = tokens.create("helpdesk", Set.of(ApiScope.DIAGNOSE));
      String lists = tokens.create("lists", Set.of(ApiScope.LISTS));

      HttpResponse<String> r = post(gateway, """
          {"ip": "127.0.0.1", "helo": "mx.sender.example", "sender": "alice@sender.example"}""", diagnose);
      assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
      assertThat(r.body()).contains("\"connected\":true", "\"id\":\"rdns.ptr\"", "\"id\":\"smtp.banner\"",
          "\"id\":\"callout.sender\"", "\"id\":\"callout.postmaster\"", "\"worst\":");
      assertThat(mx.commands()).contains("MAIL FROM:<>", "RCPT TO:<alice@sender.example>");

      assertThat(post(gateway, "{\"ip\": \"127.0.0.1\"}", lists).statusCode()).isEqualTo(403);
      HttpResponse<String> bad = post(gateway, "{\"ip\": \"<script>\"}", diagnose);
      assertThat(bad.statusCode()).isEqualTo(400);
      assertThat(bad.body()).contains("is not an IP address").doesNotContain("<script>\"", "Exception");
      assertThat(post(gateway, "{\"ip\": \"127.0.0.1\", \"connect\": \"yes\"}", diagnose).statusCode())
          .isEqualTo(400);
      assertThat(post(gateway, "{\"ref\": \"ABCDEFGHJKMNPQRS\"}", diagnose).statusCode()).isEqualTo(404);

      HttpResponse<String> dnsOnly = post(gateway, "{\"ip\": \"127.0.1.1\", \"connect\": false}", diagnose);
      assertThat(dnsOnly.statusCode()).isEqualTo(200);
      assertThat(dnsOnly.body()).contains("\"connected\":false").doesNotContain("smtp.banner");
      HttpResponse<String> limited = post(gateway, "{\"ip\": \"127.0.1.1\", \"connect\": false}", diagnose);
      assertThat(limited.statusCode()).as("the third diagnosis in a minute").isEqualTo(429);
      assertThat(limited.headers().firstValue("Retry-After")).hasValue("60");
    }
  }

  @Test
  void theGreylistHistoryIsOurOwnRecordOfTheServer() throws Exception {
    org.portcullis.testing.FakeClock clock = new org.portcullis.testing.FakeClock();
    try (TestDnsServer dns = Senders.describe(TestDnsServer.start());
        TestGateway gateway = TestGateway.start(clock, data, dns, "greylist.enabled = true")) {
      try (org.portcullis.testing.SmtpTestClient smtp = org.portcullis.testing.SmtpTestClient.connect(gateway.smtp(),
          Senders.GOOD)) {
        smtp.reply();
        assertThat(smtp.startTransaction(Senders.GOOD_NAME, "once@good.example", "bob@example.test"))
            .startsWith("451 4.7.1 Greylisted");
      }
      org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10))
          .until(() -> gateway.gateway().store().greylist().count() == 1);
      String token = new ApiTokens(gateway.gateway().store().apiTokens(), Clock.systemUTC()).create("helpdesk",
          Set.of(ApiScope.DIAGNOSE));
      String body = "{\"ip\": \"" + Senders.GOOD + "\", \"connect\": false}";
      assertThat(post(gateway, body, token).body()).as("within 2 hours of the first attempt")
          .contains("\"id\":\"greylist.history\",\"status\":\"info\"");

      clock.advance(Duration.ofHours(3));
      HttpResponse<String> later = post(gateway, body, token);
      assertThat(later.body()).as("never retried").contains("\"id\":\"greylist.history\",\"status\":\"fail\"",
          "RFC 5321 4.5.4.1");
    }
  }
}
