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
 * The recipients' choices on the admin pages and the API: set and cleared there, applied by the
 * running server at the next RCPT; a scope that is not ours, an unknown check or choice change nothing.
 */
class AdminPrefsTest {

  @TempDir
  Path data;

  private static String rcpt(TestGateway gateway, String to) throws Exception {
    try (SmtpTestClient smtp = SmtpTestClient.connect(gateway.smtp(), Senders.DYNAMIC)) {
      smtp.reply();
      return smtp.startTransaction("127-0-3-1.dyn.isp.example", "bob@isp.example", to);
    }
  }

  @Test
  void choicesSetByPageOrApiDecideTheNextRcpt() throws Exception {
    try (TestDnsServer dns = Senders.describe(TestDnsServer.start());
        TestGateway gateway = TestGateway.start(data, dns,
            "checks.client-generic-ptr.on-reject = \"per-recipient\"")) {
      new AdminUsers(gateway.gateway().store().adminUsers(), Clock.systemUTC()).create("ops", "correct horse battery");
      assertThat(rcpt(gateway, "carol@example.test")).as("no choice: refused").startsWith("550 5.7.1 ");
      URI base = URI.create("http://127.0.0.1:" + gateway.gateway().webPort().orElseThrow());
      HttpClient browser = WebForms.browser();
      String loginToken = WebForms.csrf(WebForms.get(browser, base.resolve("/admin/login")).body());
      WebForms.post(browser, base.resolve("/admin/login"), List.of(Map.entry("csrf", loginToken),
          Map.entry("name", "ops"), Map.entry("password", "correct horse battery")));
      String page = WebForms.get(browser, base.resolve("/admin/prefs")).body();
      assertThat(page).contains("Per-recipient checks: client-generic-ptr.", "No choices yet.");
      String csrf = WebForms.csrf(page);
      HttpResponse<String> set = WebForms.post(browser, base.resolve("/admin/prefs"), List.of(Map.entry("csrf", csrf),
          Map.entry("scope", "example.test"), Map.entry("check", "client-generic-ptr"), Map.entry("choice", "tag")));
      assertThat(set.statusCode()).isEqualTo(200);
      assertThat(set.body()).contains("example.test: client-generic-ptr -&gt; tag.");
      await().atMost(Duration.ofSeconds(10)).until(() -> rcpt(gateway, "carol@example.test").startsWith("250"));
      assertThat(WebForms.post(browser, base.resolve("/admin/prefs"), List.of(Map.entry("csrf", csrf),
          Map.entry("scope", "elsewhere.example"), Map.entry("check", "client-generic-ptr"),
          Map.entry("choice", "tag"))).statusCode()).isEqualTo(400);
      assertThat(WebForms.post(browser, base.resolve("/admin/prefs"), List.of(Map.entry("scope", "example.test"),
          Map.entry("check", "client-generic-ptr"), Map.entry("choice", "accept"))).statusCode())
          .as("no CSRF token").isEqualTo(403);

      String token = new ApiTokens(gateway.gateway().store().apiTokens(), Clock.systemUTC())
          .create("prefs-test", Set.of(ApiScope.ADMIN));
      HttpResponse<String> mailbox = api(base, token, "POST", "/api/prefs",
          "{\"scope\":\"Carol@Example.Test\",\"check\":\"client-generic-ptr\",\"choice\":\"reject\"}");
      assertThat(mailbox.statusCode()).as(mailbox.body()).isEqualTo(200);
      assertThat(mailbox.body()).contains("\"scope\":\"carol@example.test\"", "\"choice\":\"reject\"");
      await().atMost(Duration.ofSeconds(10)).until(() -> rcpt(gateway, "carol@example.test").startsWith("550"));
      assertThat(rcpt(gateway, "dave@example.test")).as("the domain's choice still").startsWith("250");
      assertThat(api(base, token, "GET", "/api/prefs?scope=carol@example.test", null).body())
          .contains("\"choice\":\"reject\"").doesNotContain("\"scope\":\"example.test\"");
      for (String bad : List.of("{\"scope\":\"example.test\",\"check\":\"relay-control\",\"choice\":\"accept\"}",
          "{\"scope\":\"example.test\",\"check\":\"nonsense\",\"choice\":\"tag\"}",
          "{\"scope\":\"example.test\",\"check\":\"dnsbl\",\"choice\":\"maybe\"}",
          "{\"scope\":\"x@elsewhere.example\",\"check\":\"dnsbl\",\"choice\":\"tag\"}", "[1]")) {
        assertThat(api(base, token, "POST", "/api/prefs", bad).statusCode()).as(bad).isEqualTo(400);
      }
      assertThat(api(base, token, "DELETE", "/api/prefs?scope=carol@example.test&check=client-generic-ptr", null)
          .statusCode()).isEqualTo(200);
      assertThat(api(base, token, "DELETE", "/api/prefs?scope=carol@example.test&check=client-generic-ptr", null)
          .statusCode()).isEqualTo(404);
      await().atMost(Duration.ofSeconds(10)).until(() -> rcpt(gateway, "carol@example.test").startsWith("250"));
      String lists = new ApiTokens(gateway.gateway().store().apiTokens(), Clock.systemUTC())
          .create("lists-only", Set.of(ApiScope.LISTS));
      assertThat(api(base, lists, "GET", "/api/prefs", null).statusCode()).isEqualTo(403);
    }
  }

  private static HttpResponse<String> api(URI base, String token, String method, String path, String body)
      throws Exception {
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(base.resolve(path)).header("Authorization",
        "Bearer " + token).header("Content-Type", "application/json").method(method, body == null
            ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
