package org.portcullis.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.portcullis.access.AdminUsers;
import org.portcullis.access.ApiScope;
import org.portcullis.access.ApiTokens;
import org.portcullis.testing.Senders;
import org.portcullis.testing.SmtpTestClient;
import org.portcullis.testing.TestDnsServer;
import org.portcullis.testing.TestGateway;
import org.portcullis.testing.WebForms;

/**
 * The quarantine on the admin pages and the API over real HTTP: login and CSRF required, a release
 * delivered once, a second one refused with 409, unknown ids 404, the admin scope required.
 */
class AdminQuarantineTest {

  @TempDir
  Path data;

  @Test
  void heldMailIsListedAndReleasedOnceByPageOrApi() throws Exception {
    try (TestDnsServer dns = Senders.describe(TestDnsServer.start());
        TestGateway gateway = TestGateway.start(data, dns, "checks.client-generic-ptr.on-reject = \"quarantine\"")) {
      new AdminUsers(gateway.gateway().store().adminUsers(), Clock.systemUTC()).create("ops", "correct horse battery");
      for (String to : List.of("held@example.test", "other@example.test")) {
        try (SmtpTestClient smtp = SmtpTestClient.connect(gateway.smtp(), Senders.DYNAMIC)) {
          smtp.reply();
          smtp.startTransaction("127-0-3-1.dyn.isp.example", "bob@isp.example", to);
          assertThat(smtp.data("From: bob@isp.example\r\nSubject: pills <b>now</b>\r\n\r\nbody\r\n")).startsWith("250");
        }
      }
      URI base = URI.create("http://127.0.0.1:" + gateway.gateway().webPort().orElseThrow());
      HttpClient browser = WebForms.browser();
      assertThat(WebForms.get(browser, base.resolve("/admin/quarantine")).statusCode()).as("admins only")
          .isEqualTo(302);
      String loginToken = WebForms.csrf(WebForms.get(browser, base.resolve("/admin/login")).body());
      assertThat(WebForms.post(browser, base.resolve("/admin/login"), List.of(Map.entry("csrf", loginToken),
          Map.entry("name", "ops"), Map.entry("password", "correct horse battery"))).statusCode()).isEqualTo(302);
      String page = WebForms.get(browser, base.resolve("/admin/quarantine?domain=example.test")).body();
      assertThat(page).contains("held@example.test", "client-generic-ptr", "pills &lt;b&gt;now&lt;/b&gt;")
          .doesNotContain("<b>now</b>");
      String id = null;
      Matcher rows = Pattern.compile("<tr>.*?</tr>", Pattern.DOTALL).matcher(page);
      while (rows.find()) {
        if (rows.group().contains("held@example.test")) {
          Matcher m = Pattern.compile("/admin/quarantine/([0-9a-f]{32})/release").matcher(rows.group());
          assertThat(m.find()).isTrue();
          id = m.group(1);
        }
      }
      assertThat(id).as("a release form in the row of held@example.test").isNotNull();
      assertThat(WebForms.post(browser, base.resolve("/admin/quarantine/" + id + "/release"), List.of())
          .statusCode()).as("no CSRF token, no release").isEqualTo(403);
      String csrf = WebForms.csrf(page);
      HttpResponse<String> released = WebForms.post(browser, base.resolve("/admin/quarantine/" + id + "/release"),
          List.of(Map.entry("csrf", csrf)));
      assertThat(released.statusCode()).isEqualTo(200);
      assertThat(released.body()).contains("Released: queued as ");
      await().atMost(Duration.ofSeconds(10)).until(() -> gateway.delivered("example.test", "held").size() == 1);
      assertThat(WebForms.post(browser, base.resolve("/admin/quarantine/" + id + "/release"),
          List.of(Map.entry("csrf", csrf))).statusCode()).as("already released").isEqualTo(409);
      assertThat(WebForms.post(browser, base.resolve("/admin/quarantine/0123456789abcdef0123456789abcdef/delete"),
          List.of(Map.entry("csrf", csrf))).statusCode()).isEqualTo(404);

      String token = new ApiTokens(gateway.gateway().store().apiTokens(), Clock.systemUTC())
          .create("quarantine-test", Set.of(ApiScope.ADMIN));
      HttpResponse<String> list = api(base, token, "GET", "/api/quarantine?domain=example.test");
      assertThat(list.statusCode()).isEqualTo(200);
      assertThat(list.body()).contains("other@example.test").doesNotContain("held@example.test");
      Matcher other = Pattern.compile("\"id\":\"([0-9a-f]{32})\"").matcher(list.body());
      assertThat(other.find()).isTrue();
      HttpResponse<String> apiRelease = api(base, token, "POST", "/api/quarantine/" + other.group(1) + "/release");
      assertThat(apiRelease.statusCode()).as(apiRelease.body()).isEqualTo(200);
      assertThat(apiRelease.body()).contains("\"state\":\"released\"", "\"queueId\":");
      assertThat(api(base, token, "POST", "/api/quarantine/" + other.group(1) + "/release").statusCode())
          .isEqualTo(409);
      await().atMost(Duration.ofSeconds(10)).until(() -> gateway.delivered("example.test", "other").size() == 1);
      assertThat(gateway.delivered("example.test", "held")).hasSize(1);
      assertThat(api(base, token, "POST", "/api/quarantine/" + other.group(1) + "/explode").statusCode())
          .isEqualTo(404);
      assertThat(api(base, token, "POST", "/api/quarantine/..%2F..%2Fetc/release").statusCode()).isEqualTo(404);
      assertThat(api(base, token, "GET", "/api/quarantine?domain=elsewhere.example").statusCode()).isEqualTo(400);
      assertThat(api(base, token, "GET", "/api/quarantine?state=lost").statusCode()).isEqualTo(400);
      String lists = new ApiTokens(gateway.gateway().store().apiTokens(), Clock.systemUTC())
          .create("lists-only", Set.of(ApiScope.LISTS));
      assertThat(api(base, lists, "GET", "/api/quarantine").statusCode()).isEqualTo(403);
    }
  }

  private static HttpResponse<String> api(URI base, String token, String method, String path) throws Exception {
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(base.resolve(path)).header("Authorization",
        "Bearer " + token).method(method, HttpRequest.BodyPublishers.noBody()).build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
