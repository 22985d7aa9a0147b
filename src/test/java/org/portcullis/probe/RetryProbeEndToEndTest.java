package org.portcullis.probe;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.portcullis.access.ApiScope;
import org.portcullis.access.ApiTokens;
import org.portcullis.testing.FakeClock;
import org.portcullis.testing.Senders;
import org.portcullis.testing.SmtpTestClient;
import org.portcullis.testing.TestDnsServer;
import org.portcullis.testing.TestGateway;
import org.portcullis.testing.WebForms;

/**
 * The retry probe (check 8's second half) over SMTP and HTTP with a fake clock: the first attempt
 * is greylisted, a retry before the delay deferred again, a later one accepted and its message
 * discarded (never delivered); a retry from the same 127.x passes, from another warns, none within
 * 2 hours fails. The page hands out the address from a form and shows the attempts.
 */
class RetryProbeEndToEndTest {

  private static final Pattern ADDRESS = Pattern.compile("probe-[a-z2-7]{26}@example\\.test");

  @TempDir
  Path data;

  private final FakeClock clock = new FakeClock();
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private TestDnsServer dns;
  private TestGateway gateway;
  private String token;

  @BeforeEach
  void start() throws Exception {
    dns = Senders.describe(TestDnsServer.start());
    // Maildir delivery refuses unknown recipients: the probe check answers before that check.
    gateway = TestGateway.start(clock, data, dns, "diagnose.probe-domain = \"example.test\"",
        "mail.unknown-recipients = \"reject\"", "diagnose.probe-delay-seconds = 300");
    token = new ApiTokens(gateway.gateway().store().apiTokens(), Clock.systemUTC()).create("helpdesk",
        Set.of(ApiScope.DIAGNOSE));
  }

  @AfterEach
  void stop() {
    gateway.close();
    dns.close();
  }

  private URI web(String path) {
    return URI.create("http://127.0.0.1:" + gateway.gateway().webPort().orElseThrow() + path);
  }

  private HttpResponse<String> api(String method, String path) throws Exception {
    return http.send(HttpRequest.newBuilder(web(path)).header("Authorization", "Bearer " + token)
        .method(method, HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
  }

  private String newProbe() throws Exception {
    HttpResponse<String> r = api("POST", "/api/diagnose/probe");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    Matcher m = ADDRESS.matcher(r.body());
    assertThat(m.find()).isTrue();
    return m.group();
  }

  private String status(String address) throws Exception {
    return api("GET", "/api/diagnose/probe/" + address.substring(6, 32)).body();
  }

  /** One delivery attempt up to RCPT (and the message, if RCPT is accepted). */
  private String attempt(String source, String helo, String to) throws Exception {
    try (SmtpTestClient smtp = SmtpTestClient.connect(gateway.smtp(), source)) {
      smtp.reply();
      String reply = smtp.startTransaction(helo, "postmaster@good.example", to);
      if (reply.startsWith("250")) {
        return smtp.data("From: postmaster@good.example\r\nSubject: retry test\r\n\r\nhello\r\n");
      }
      return reply;
    }
  }

  @Test
  void aRetryFromTheSameAddressPassesAndTheMessageIsNeverDelivered() throws Exception {
    String probe = newProbe();
    assertThat(status(probe)).contains("\"status\":\"waiting\"", "No mail has reached the probe address yet");

    assertThat(attempt(Senders.GOOD, Senders.GOOD_NAME, probe)).startsWith("451 4.7.1 Greylisted");
    assertThat(attempt(Senders.GOOD, Senders.GOOD_NAME, probe)).as("before the delay").startsWith("451 4.7.1");
    clock.advance(Duration.ofMinutes(6));
    assertThat(attempt(Senders.GOOD, Senders.GOOD_NAME, probe)).as("the retry").startsWith("250");

    String status = status(probe);
    assertThat(status).contains("\"status\":\"pass\"", "from the same address, 127.0.1.1", "\"outcome\":\"greylisted\"",
        "\"outcome\":\"too early\"", "\"outcome\":\"accepted\"", "\"outcome\":\"received\"", "Subject: retry test",
        "\"helo\":\"mail.good.example\"");
    try (var files = Files.walk(data)) {
      assertThat(files.filter(f -> f.toString().contains("/maildir/") && Files.isRegularFile(f)).toList())
          .as("probe mail is never delivered").isEmpty();
    }
  }

  @Test
  void aRetryFromAnotherAddressWarnsAndNoRetryWithinTwoHoursFails() throws Exception {
    String rotating = newProbe();
    assertThat(attempt(Senders.GOOD, Senders.GOOD_NAME, rotating)).startsWith("451");
    String quiet = newProbe();
    assertThat(attempt(Senders.GOOD, Senders.GOOD_NAME, quiet)).startsWith("451");
    clock.advance(Duration.ofMinutes(10));
    assertThat(attempt(Senders.GOOD_2, "mail2.good.example", rotating)).startsWith("250");

    assertThat(status(rotating)).contains("\"status\":\"warn\"", "127.0.1.1", "127.0.1.2", "rotating pool");
    assertThat(status(quiet)).contains("\"status\":\"waiting\"");
    clock.advance(Duration.ofHours(2));
    assertThat(status(quiet)).contains("\"status\":\"fail\"", "RFC 5321 4.5.4.1");
  }

  @Test
  void unknownAndExpiredProbesAreRefusedAndOtherRecipientsAreUntouched() throws Exception {
    assertThat(attempt(Senders.GOOD, Senders.GOOD_NAME, "probe-aaaaaaaaaaaaaaaaaaaaaaaaaa@example.test"))
        .startsWith("550 5.1.1");
    String probe = newProbe();
    clock.advance(Duration.ofHours(25));
    assertThat(attempt(Senders.GOOD, Senders.GOOD_NAME, probe)).as("expired").startsWith("550 5.1.1");
    assertThat(api("GET", "/api/diagnose/probe/" + probe.substring(6, 32)).statusCode()).isEqualTo(404);
    assertThat(attempt(Senders.GOOD, Senders.GOOD_NAME, "nobody@example.test")).as("recipient-known as ever")
        .startsWith("550 5.1.1").contains("does not exist here");
  }

  @Test
  void thePageHandsOutAnAddressFromAFormAndShowsTheAttempts() throws Exception {
    HttpClient browser = WebForms.browser();
    String page = WebForms.get(browser, web("/diagnose")).body();
    assertThat(page).contains("Does your server retry?", "action=\"/diagnose/probe\"");
    HttpResponse<String> forged = WebForms.post(browser, web("/diagnose/probe"), List.of(Map.entry("csrf", "nope")));
    assertThat(forged.statusCode()).isEqualTo(403);
    HttpResponse<String> created = WebForms.post(browser, web("/diagnose/probe"),
        List.of(Map.entry("csrf", WebForms.csrf(page))));
    assertThat(created.statusCode()).isEqualTo(303);
    String location = created.headers().firstValue("Location").orElseThrow();
    assertThat(location).matches("/diagnose/probe/[a-z2-7]{26}");

    String address = "probe-" + location.substring(location.lastIndexOf('/') + 1) + "@example.test";
    assertThat(attempt(Senders.GOOD, Senders.GOOD_NAME, address)).startsWith("451");
    HttpResponse<String> shown = WebForms.get(browser, web(location));
    assertThat(shown.statusCode()).isEqualTo(200);
    assertThat(shown.body()).contains(address, "greylisted", "127.0.1.1", "mail.good.example", "waiting");
    assertThat(WebForms.get(browser, web("/diagnose/probe/aaaaaaaaaaaaaaaaaaaaaaaaaa")).statusCode()).isEqualTo(404);
    assertThat(WebForms.get(browser, web("/diagnose/probe/%3Cscript%3E")).statusCode()).isEqualTo(404);
  }
}
