package org.portcullis.web;

import static org.assertj.core.api.Assertions.assertThat;

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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
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
 * Switching checks while the server runs, from the admin pages and the API. Each test has its own
 * gateway: a switched mode is the gateway's state, and no other test may see it.
 */
class CheckSwitchTest {

  private static final String PASSWORD = "correct horse battery staple";

  @TempDir
  Path data;
  private TestDnsServer dns;
  private TestGateway gateway;
  private String token;

  @BeforeEach
  void start() throws Exception {
    dns = Senders.describe(TestDnsServer.start());
    gateway = TestGateway.start(data, dns, "greylist.enabled = true");
    new AdminUsers(gateway.gateway().store().adminUsers(), Clock.systemUTC()).create("ops", PASSWORD);
  }

  @AfterEach
  void stop() {
    gateway.close();
    dns.close();
  }

  private URI uri(String path) {
    return URI.create("http://127.0.0.1:" + gateway.gateway().webPort().orElseThrow() + path);
  }

  private HttpResponse<String> get(HttpClient client, String path) throws Exception {
    return WebForms.get(client, uri(path));
  }

  private HttpResponse<String> post(HttpClient client, String path, List<Map.Entry<String, String>> fields)
      throws Exception {
    return WebForms.post(client, uri(path), fields);
  }

  private static String csrf(String page) {
    return WebForms.csrf(page);
  }

  private HttpResponse<String> login(HttpClient client, String password) throws Exception {
    String token = csrf(get(client, "/admin/login").body());
    return post(client, "/admin/login", List.of(Map.entry("csrf", token), Map.entry("name", "ops"),
        Map.entry("password", password)));
  }

  private String rcpt(String from, String to) throws Exception {
    try (SmtpTestClient client = SmtpTestClient.connect(gateway.smtp(), Senders.GOOD)) {
      client.reply();
      return client.startTransaction(Senders.GOOD_NAME, from, to);
    }
  }

  private HttpResponse<String> json(String method, String path, String body) throws Exception {
    if (token == null) {
      token = new ApiTokens(gateway.gateway().store().apiTokens(), Clock.systemUTC()).create("tests",
          Set.of(ApiScope.ADMIN));
    }
    HttpRequest request = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(10))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
        .header("Authorization", "Bearer " + token).header("Content-Type", "application/json").build();
    return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void aCheckIsSwitchedOffAndBackWhileTheServerRuns() throws Exception {
    HttpClient client = WebForms.browser();
    assertThat(login(client, PASSWORD).statusCode()).isEqualTo(302);
    String page = get(client, "/admin/checks").body();
    assertThat(page).contains("<code>greylist</code>", "<code>relay-control</code>");
    String token = csrf(page);
    HttpResponse<String> off = post(client, "/admin/checks/greylist", List.of(Map.entry("csrf", token),
        Map.entry("mode", "off")));
    assertThat(off.body()).contains("greylist is now in off mode.");
    assertThat(gateway.gateway().store().checkModes().load()).containsEntry("greylist",
        org.portcullis.policy.CheckMode.OFF);
    assertThat(rcpt("switch-one@good.example", "jane@example.test")).as("not greylisted while off").startsWith("250");
    post(client, "/admin/checks/greylist", List.of(Map.entry("csrf", token), Map.entry("mode", "configured")));
    assertThat(gateway.gateway().store().checkModes().load()).doesNotContainKey("greylist");
    assertThat(rcpt("switch-two@good.example", "jane@example.test")).startsWith("451 4.7.1 Greylisted");
    HttpResponse<String> relay = post(client, "/admin/checks/relay-control", List.of(Map.entry("csrf", token),
        Map.entry("mode", "off")));
    assertThat(relay.statusCode()).isEqualTo(403);
    assertThat(relay.body()).contains("relay-control cannot be switched");
    assertThat(post(client, "/admin/checks/no-such-check", List.of(Map.entry("csrf", token),
        Map.entry("mode", "off"))).statusCode()).isEqualTo(404);
    assertThat(post(client, "/admin/checks/greylist", List.of(Map.entry("csrf", token),
        Map.entry("mode", "sideways"))).statusCode()).isEqualTo(400);
  }

  @Test
  void checksAreSwitchedThroughTheApi() throws Exception {
    assertThat(json("GET", "/api/checks", null).body()).contains("{\"check\":\"greylist\",\"configured\":\"enforce\"");
    HttpResponse<String> off = json("POST", "/api/checks/dnsbl", "{\"mode\":\"observe\"}");
    assertThat(off.statusCode()).as(off.body()).isEqualTo(200);
    assertThat(off.body()).contains("\"mode\":\"observe\"", "\"switched\":true");
    assertThat(json("POST", "/api/checks/dnsbl", "{\"mode\":\"configured\"}").body()).contains("\"switched\":false");
    assertThat(json("POST", "/api/checks/relay-control", "{\"mode\":\"off\"}").statusCode()).isEqualTo(403);
    assertThat(json("POST", "/api/checks/nothing", "{\"mode\":\"off\"}").statusCode()).isEqualTo(404);
    assertThat(json("POST", "/api/checks/dnsbl", "{\"mode\":\"loud\"}").statusCode()).isEqualTo(400);
  }
}
