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
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.portcullis.access.AdminUsers;
import org.portcullis.access.ApiScope;
import org.portcullis.access.ApiTokens;
import org.portcullis.quarantine.QuarantineEntry;
import org.portcullis.store.Store;
import org.portcullis.tenant.TenantAdmins;
import org.portcullis.testing.Senders;
import org.portcullis.testing.SmtpTestClient;
import org.portcullis.testing.TestDnsServer;
import org.portcullis.testing.TestGateway;
import org.portcullis.testing.WebForms;

/**
 * The tenant portal over real HTTP and SMTP, as two tenants of one server: the tenant of
 * example.test manages its quarantine, whitelists, choices, digests, refusals and requests, and
 * every object of example.net (the other tenant's) answers 404 to it by page and by API, the same as
 * an id nobody has; a message to both domains is released to its own recipients only, once.
 */
class TenantPortalTest {

  private static final String PASSWORD = "correct horse battery";
  private static final String UNKNOWN_ID = "0123456789abcdef0123456789abcdef";

  @TempDir
  Path data;

  @Test
  void aTenantSeesAndChangesOnlyItsOwnDomainsAndAMixedMessageIsReleasedToItsRecipientsOnce() throws Exception {
    try (TestDnsServer dns = Senders.describe(TestDnsServer.start());
        TestGateway gateway = TestGateway.start(data, dns, "checks.client-generic-ptr.on-reject = \"quarantine\"")) {
      Store store = gateway.gateway().store();
      TenantAdmins tenants = new TenantAdmins(store.tenantUsers(), store.tenants(), List.of("example.test",
          "example.net"), Clock.systemUTC());
      tenants.create("acme", PASSWORD, Set.of("example.test"), true);
      tenants.create("other", PASSWORD, Set.of("example.net"), false);
      new AdminUsers(store.adminUsers(), Clock.systemUTC()).create("ops", PASSWORD);
      ApiTokens tokens = new ApiTokens(store.apiTokens(), Clock.systemUTC());
      String acmeToken = tokens.create("tenant.acme", Set.of(ApiScope.TENANT));
      String adminToken = tokens.create("ops-token", Set.of(ApiScope.ADMIN));

      quarantined(gateway, List.of("held@example.test"), "ours alone");
      quarantined(gateway, List.of("x@example.net"), "theirs alone");
      quarantined(gateway, List.of("mixed@example.test", "y@example.net"), "to both");
      String ours = idOf(store, "ours alone");
      String theirs = idOf(store, "theirs alone");
      String mixed = idOf(store, "to both");
      URI base = URI.create("http://127.0.0.1:" + gateway.gateway().webPort().orElseThrow());

      HttpClient browser = WebForms.browser();
      assertThat(WebForms.get(browser, base.resolve("/tenant/quarantine")).statusCode()).as("log in first")
          .isEqualTo(302);
      assertThat(login(browser, base, "acme", "wrong horse battery").statusCode()).isEqualTo(401);
      assertThat(login(browser, base, "ops", PASSWORD).statusCode()).as("an operator is not a tenant")
          .isEqualTo(401);
      assertThat(login(browser, base, "acme", PASSWORD).statusCode()).isEqualTo(302);
      assertThat(WebForms.get(browser, base.resolve("/admin")).statusCode()).as("a tenant's session never opens /admin")
          .isEqualTo(302);

      String home = WebForms.get(browser, base.resolve("/tenant")).body();
      assertThat(home).contains("example.test", "2 message(s) held").doesNotContain("example.net");
      String page = WebForms.get(browser, base.resolve("/tenant/quarantine")).body();
      assertThat(page).contains("held@example.test", "mixed@example.test", ours, mixed)
          .doesNotContain("example.net", theirs);
      String csrf = WebForms.csrf(page);

      // Another tenant's message, an id nobody has and garbage answer alike, and change nothing.
      for (String id : List.of(theirs, UNKNOWN_ID, "..%2F..%2Fetc")) {
        assertThat(WebForms.post(browser, base.resolve("/tenant/quarantine/" + id + "/release"),
            List.of(Map.entry("csrf", csrf))).statusCode()).as(id).isEqualTo(404);
        assertThat(api(base, acmeToken, "GET", "/api/tenant/quarantine/" + id, null).statusCode()).isEqualTo(404);
        assertThat(api(base, acmeToken, "POST", "/api/tenant/quarantine/" + id + "/delete", null).statusCode())
            .isEqualTo(404);
      }
      assertThat(gateway.gateway().store().quarantine().recipientsIn(theirs, QuarantineEntry.State.HELD))
          .containsExactly("x@example.net");
      assertThat(WebForms.post(browser, base.resolve("/tenant/quarantine/" + mixed + "/release"), List.of())
          .statusCode()).as("no CSRF token, no release").isEqualTo(403);

      HttpResponse<String> released = WebForms.post(browser, base.resolve("/tenant/quarantine/" + mixed + "/release"),
          List.of(Map.entry("csrf", csrf)));
      assertThat(released.statusCode()).as(released.body()).isEqualTo(200);
      assertThat(released.body()).contains("Released: queued as ");
      await().atMost(Duration.ofSeconds(10)).until(() -> gateway.delivered("example.test", "mixed").size() == 1);
      assertThat(WebForms.post(browser, base.resolve("/tenant/quarantine/" + mixed + "/release"),
          List.of(Map.entry("csrf", csrf))).statusCode()).as("released once").isEqualTo(409);
      assertThat(store.quarantine().recipientsIn(mixed, QuarantineEntry.State.HELD))
          .as("the other tenant's copy is still held").containsExactly("y@example.net");
      assertThat(gateway.delivered("example.net", "y")).isEmpty();

      HttpResponse<String> list = api(base, acmeToken, "GET", "/api/tenant/quarantine", null);
      assertThat(list.statusCode()).isEqualTo(200);
      assertThat(list.body()).contains(ours).doesNotContain(theirs, mixed, "example.net");
      assertThat(api(base, acmeToken, "GET", "/api/tenant/quarantine?state=all", null).body()).contains(mixed)
          .doesNotContain("y@example.net");
      HttpResponse<String> deleted = api(base, acmeToken, "POST", "/api/tenant/quarantine/" + ours + "/delete", null);
      assertThat(deleted.statusCode()).as(deleted.body()).isEqualTo(200);
      assertThat(store.quarantine().find(ours).orElseThrow().state()).isEqualTo(QuarantineEntry.State.DELETED);

      // Choices: its own scopes only.
      assertThat(api(base, acmeToken, "POST", "/api/tenant/prefs",
          "{\"scope\":\"example.net\",\"check\":\"dnsbl\",\"choice\":\"accept\"}").statusCode()).isEqualTo(404);
      assertThat(api(base, acmeToken, "POST", "/api/tenant/prefs",
          "{\"scope\":\"carol@x.example.test\",\"check\":\"dnsbl\",\"choice\":\"accept\"}").statusCode())
          .as("a subdomain is not its domain").isEqualTo(404);
      assertThat(api(base, acmeToken, "POST", "/api/tenant/prefs",
          "{\"scope\":\"carol@example.test\",\"check\":\"dnsbl\",\"choice\":\"tag\"}").statusCode()).isEqualTo(200);
      assertThat(api(base, acmeToken, "POST", "/api/tenant/prefs",
          "{\"scope\":\"carol@example.test\",\"check\":\"relay\",\"choice\":\"accept\"}").statusCode())
          .as("a fixed check is never a recipient's choice").isEqualTo(400);
      assertThat(WebForms.post(browser, base.resolve("/tenant/prefs"), List.of(Map.entry("csrf", csrf),
          Map.entry("scope", "bob@example.net"), Map.entry("check", "dnsbl"), Map.entry("choice", "accept")))
          .statusCode()).isEqualTo(404);
      assertThat(api(base, acmeToken, "DELETE", "/api/tenant/prefs?scope=example.net&check=dnsbl", null)
          .statusCode()).isEqualTo(404);
      assertThat(store.choices().all()).extracting(r -> r.scope()).containsExactly("carol@example.test");
      assertThat(WebForms.get(browser, base.resolve("/tenant/prefs")).body()).contains("carol@example.test");

      // Digests.
      assertThat(api(base, acmeToken, "GET", "/api/tenant/digests/bob@example.net", null).statusCode()).isEqualTo(404);
      assertThat(api(base, acmeToken, "POST", "/api/tenant/digests/bob@example.net", "{\"schedule\":\"never\"}")
          .statusCode()).isEqualTo(404);
      assertThat(api(base, acmeToken, "POST", "/api/tenant/digests/carol@example.test", "{\"schedule\":\"sometimes\"}")
          .statusCode()).isEqualTo(400);
      assertThat(WebForms.post(browser, base.resolve("/tenant/digests"), List.of(Map.entry("csrf", csrf),
          Map.entry("mailbox", "Carol@Example.test"), Map.entry("schedule", "weekly"), Map.entry("format", "text")))
          .statusCode()).isEqualTo(200);
      assertThat(store.digests().settings("carol@example.test")).hasValueSatisfying(s -> {
        assertThat(s.schedule().label()).isEqualTo("weekly");
        assertThat(s.html()).isFalse();
      });
      assertThat(store.digests().settings("bob@example.net")).isEmpty();
      assertThat(api(base, acmeToken, "GET", "/api/tenant/digests/carol@example.test", null).body())
          .contains("\"schedule\":\"weekly\"", "\"format\":\"text\"");

      // Whitelists and address books.
      assertThat(api(base, acmeToken, "GET", "/api/tenant/whitelists/bob@example.net", null).statusCode())
          .isEqualTo(404);
      assertThat(api(base, acmeToken, "POST", "/api/tenant/whitelists/bob@example.net/import",
          "friend@partner.example\n").statusCode()).isEqualTo(404);
      assertThat(api(base, acmeToken, "POST", "/api/tenant/whitelists/carol@example.test",
          "{\"senders\":[\"friend@partner.example\"]}").statusCode()).isEqualTo(200);
      assertThat(WebForms.post(browser, base.resolve("/tenant/whitelists/add"), List.of(Map.entry("csrf", csrf),
          Map.entry("owner", "example.net"), Map.entry("senders", "spam@evil.example"))).statusCode()).isEqualTo(404);
      assertThat(store.lists().whitelist("bob@example.net")).isEmpty();
      assertThat(store.lists().whitelist("example.net")).isEmpty();
      assertThat(store.lists().whitelist("carol@example.test")).containsExactly("friend@partner.example");

      // Refusals: the last week's to its recipients only.
      String listsToken = tokens.create("lists", Set.of(ApiScope.LISTS));
      for (String to : List.of("refused@example.test", "refused@example.net")) {
        assertThat(api(base, listsToken, "POST", "/api/lists", "{\"action\":\"deny\",\"sender\":\"junk@good.example\","
            + "\"recipient\":\"" + to + "\"}").statusCode()).isEqualTo(201);
      }
      // The running server picks list changes up within a second or so: try until it refuses.
      await().atMost(Duration.ofSeconds(10)).until(() -> {
        try (SmtpTestClient smtp = SmtpTestClient.connect(gateway.smtp(), Senders.GOOD)) {
          smtp.reply();
          return smtp.startTransaction(Senders.GOOD_NAME, "junk@good.example", "refused@example.test").startsWith("5")
              && smtp.send("RCPT TO:<refused@example.net>").startsWith("5");
        }
      });
      await().atMost(Duration.ofSeconds(10)).until(() -> api(base, acmeToken, "GET", "/api/tenant/refusals", null)
          .body().contains("refused@example.test"));
      assertThat(api(base, acmeToken, "GET", "/api/tenant/refusals", null).body()).doesNotContain("example.net");
      assertThat(WebForms.get(browser, base.resolve("/tenant/refusals")).body()).contains("refused@example.test")
          .doesNotContain("refused@example.net");

      // Whitelist requests: its own recipients' only; approved for that recipient alone.
      long own = requestId(api(base, listsToken, "POST", "/api/whitelist-requests", "{\"email\":\"friend@good.example\","
          + "\"ip\":\"127.0.1.1\",\"recipient\":\"refused@example.test\",\"reason\":\"we are partners\"}"));
      long foreign = requestId(api(base, listsToken, "POST", "/api/whitelist-requests",
          "{\"email\":\"friend@good.example\",\"ip\":\"127.0.1.1\",\"recipient\":\"refused@example.net\","
              + "\"reason\":\"we are partners\"}"));
      String requests = WebForms.get(browser, base.resolve("/tenant/requests")).body();
      assertThat(requests).contains("refused@example.test").doesNotContain("refused@example.net");
      assertThat(api(base, acmeToken, "GET", "/api/tenant/whitelist-requests/" + foreign, null).statusCode())
          .isEqualTo(404);
      assertThat(api(base, acmeToken, "POST", "/api/tenant/whitelist-requests/" + foreign + "/approve", "{}")
          .statusCode()).isEqualTo(404);
      assertThat(WebForms.post(browser, base.resolve("/tenant/requests/" + foreign + "/approve"),
          List.of(Map.entry("csrf", csrf))).statusCode()).isEqualTo(404);
      assertThat(api(base, acmeToken, "GET", "/api/tenant/whitelist-requests/999999", null).statusCode())
          .isEqualTo(404);
      HttpResponse<String> approved = WebForms.post(browser, base.resolve("/tenant/requests/" + own + "/approve"),
          List.of(Map.entry("csrf", csrf)));
      assertThat(approved.statusCode()).as(approved.body()).isEqualTo(200);
      assertThat(approved.body()).contains("may now send to refused@example.test");
      assertThat(api(base, adminToken, "GET", "/api/whitelist-requests/" + foreign, null).body())
          .contains("\"status\":\"pending\"");
      assertThat(api(base, adminToken, "GET", "/api/whitelist-requests/" + own, null).body())
          .contains("\"status\":\"approved\"");

      // Every other route with another tenant's object: the same 404, and nothing changed.
      store.lists().addToWhitelist("bob@example.net", List.of("keep@partner.example"), "test", java.time.Instant.now());
      for (String path : List.of("/tenant/whitelists?owner=bob@example.net", "/tenant/whitelists?owner=example.net",
          "/tenant/whitelists?owner=bob@x.example.test")) {
        assertThat(WebForms.get(browser, base.resolve(path)).statusCode()).as(path).isEqualTo(404);
      }
      for (var form : List.of(
          Map.entry("/tenant/whitelists/remove", List.of(Map.entry("owner", "bob@example.net"),
              Map.entry("sender", "keep@partner.example"))),
          Map.entry("/tenant/prefs/clear", List.of(Map.entry("scope", "example.net"), Map.entry("check", "dnsbl"))),
          Map.entry("/tenant/digests", List.of(Map.entry("mailbox", "bob@example.net"), Map.entry("schedule", "never"))),
          Map.entry("/tenant/quarantine/" + theirs + "/delete", List.<Map.Entry<String, String>>of()),
          Map.entry("/tenant/requests/" + foreign + "/decline", List.<Map.Entry<String, String>>of()))) {
        List<Map.Entry<String, String>> fields = new java.util.ArrayList<>(form.getValue());
        fields.add(Map.entry("csrf", csrf));
        assertThat(WebForms.post(browser, base.resolve(form.getKey()), fields).statusCode()).as(form.getKey())
            .isEqualTo(404);
      }
      assertThat(WebForms.upload(browser, base.resolve("/tenant/whitelists/import"), csrf, "bob@example.net",
          "book.txt", "spam@evil.example\n".getBytes(java.nio.charset.StandardCharsets.UTF_8)).statusCode())
          .as("an address book for a domain not its own").isEqualTo(404);
      assertThat(WebForms.upload(browser, base.resolve("/tenant/whitelists/import"), csrf, "carol@example.test",
          "book.txt", "pal@partner.example\n".getBytes(java.nio.charset.StandardCharsets.UTF_8)).statusCode())
          .isEqualTo(200);
      assertThat(api(base, acmeToken, "DELETE", "/api/tenant/whitelists/bob@example.net/keep@partner.example", null)
          .statusCode()).isEqualTo(404);
      assertThat(api(base, acmeToken, "GET", "/api/tenant/prefs?scope=example.net", null).statusCode()).isEqualTo(404);
      assertThat(api(base, acmeToken, "GET", "/api/tenant/whitelist-requests?status=all", null).body())
          .contains("refused@example.test").doesNotContain("refused@example.net");
      assertThat(api(base, acmeToken, "POST", "/api/tenant/whitelist-requests/" + foreign + "/decline",
          "{\"message\":\"no\"}").statusCode()).isEqualTo(404);
      assertThat(store.lists().whitelist("bob@example.net")).containsExactly("keep@partner.example");
      assertThat(store.quarantine().recipientsIn(theirs, QuarantineEntry.State.HELD)).containsExactly("x@example.net");
      assertThat(store.digests().settings("bob@example.net")).isEmpty();
      assertThat(api(base, adminToken, "GET", "/api/whitelist-requests/" + foreign, null).body())
          .contains("\"status\":\"pending\"");

      // Tokens: a tenant token opens /api/tenant alone, an admin token never opens it.
      assertThat(api(base, acmeToken, "GET", "/api/lists", null).statusCode()).isEqualTo(403);
      assertThat(api(base, acmeToken, "GET", "/api/quarantine", null).statusCode()).isEqualTo(403);
      assertThat(api(base, acmeToken, "GET", "/api/whitelists/carol@example.test", null).statusCode()).isEqualTo(403);
      assertThat(api(base, adminToken, "GET", "/api/tenant", null).statusCode()).isEqualTo(403);
      assertThat(api(base, acmeToken, "GET", "/api/tenant", null).body()).contains("\"name\":\"acme\"");
      assertThat(api(base, acmeToken, "GET", "/api/openapi.json", null).body()).contains("/api/tenant/quarantine/{id}",
          "/api/tenant/whitelist-requests/{id}/{action}", "/api/tenant/digests/{mailbox}");

      // The other tenant may not answer requests: the operator kept that.
      HttpClient second = WebForms.browser();
      assertThat(login(second, base, "other", PASSWORD).statusCode()).isEqualTo(302);
      String theirPage = WebForms.get(second, base.resolve("/tenant/requests")).body();
      assertThat(theirPage).contains("refused@example.net").doesNotContain("/approve");
      assertThat(WebForms.post(second, base.resolve("/tenant/requests/" + foreign + "/approve"),
          List.of(Map.entry("csrf", WebForms.csrf(theirPage)))).statusCode()).isEqualTo(403);
      assertThat(WebForms.get(second, base.resolve("/tenant/quarantine")).body()).contains("x@example.net",
          "y@example.net").doesNotContain("example.test");

      // A removed tenant is logged out at once, and its token stops working.
      tenants.remove("acme");
      assertThat(WebForms.get(browser, base.resolve("/tenant/quarantine")).statusCode()).isEqualTo(302);
      assertThat(api(base, acmeToken, "GET", "/api/tenant", null).statusCode()).isEqualTo(401);
    }
  }

  @Test
  void thePortalCanBeSwitchedOff() throws Exception {
    try (TestDnsServer dns = Senders.describe(TestDnsServer.start());
        TestGateway gateway = TestGateway.start(data, dns, "web.tenant-enabled = false")) {
      Store store = gateway.gateway().store();
      new TenantAdmins(store.tenantUsers(), store.tenants(), List.of("example.test"), Clock.systemUTC())
          .create("acme", PASSWORD, Set.of("example.test"), false);
      String token = new ApiTokens(store.apiTokens(), Clock.systemUTC()).create("tenant.acme", Set.of(ApiScope.TENANT));
      URI base = URI.create("http://127.0.0.1:" + gateway.gateway().webPort().orElseThrow());
      assertThat(WebForms.get(WebForms.browser(), base.resolve("/tenant/login")).statusCode()).isEqualTo(404);
      assertThat(api(base, token, "GET", "/api/tenant", null).statusCode()).isEqualTo(404);
    }
  }

  private static void quarantined(TestGateway gateway, List<String> to, String subject) throws Exception {
    try (SmtpTestClient smtp = SmtpTestClient.connect(gateway.smtp(), Senders.DYNAMIC)) {
      smtp.reply();
      assertThat(smtp.startTransaction("127-0-3-1.dyn.isp.example", "bob@isp.example", to.get(0))).startsWith("250");
      for (String more : to.subList(1, to.size())) {
        assertThat(smtp.send("RCPT TO:<" + more + ">")).startsWith("250");
      }
      assertThat(smtp.data("From: bob@isp.example\r\nSubject: " + subject + "\r\n\r\nbody\r\n")).startsWith("250");
    }
  }

  private static String idOf(Store store, String subject) {
    return store.quarantine().list(Optional.empty(), Optional.empty(), 100).stream()
        .filter(e -> e.subject().equals(subject)).findFirst().orElseThrow().id();
  }

  private static HttpResponse<String> login(HttpClient browser, URI base, String name, String password)
      throws Exception {
    String csrf = WebForms.csrf(WebForms.get(browser, base.resolve("/tenant/login")).body());
    return WebForms.post(browser, base.resolve("/tenant/login"), List.of(Map.entry("csrf", csrf),
        Map.entry("name", name), Map.entry("password", password)));
  }

  private static long requestId(HttpResponse<String> response) {
    assertThat(response.statusCode()).as(response.body()).isIn(200, 201);
    Matcher m = Pattern.compile("\"id\":(\\d+)").matcher(response.body());
    assertThat(m.find()).isTrue();
    return Long.parseLong(m.group(1));
  }

  static HttpResponse<String> api(URI base, String token, String method, String path, String body) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path)).header("Authorization", "Bearer " + token);
    if (body != null) {
      request.header("Content-Type", body.startsWith("{") ? "application/json" : "text/plain");
    }
    return HttpClient.newHttpClient().send(request.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
        : HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
  }
}
