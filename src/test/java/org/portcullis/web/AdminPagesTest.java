package org.portcullis.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.portcullis.access.AdminUsers;
import org.portcullis.access.Passwords;
import org.portcullis.lists.WhitelistRequests;
import org.portcullis.testing.Senders;
import org.portcullis.testing.SmtpTestClient;
import org.portcullis.testing.TestDnsServer;
import org.portcullis.testing.TestGateway;
import org.portcullis.testing.WebForms;

/** The admin pages over real HTTP: login, sessions, CSRF, and approving a whitelist request end to end. */
class AdminPagesTest {

  @TempDir
  static Path data;
  static TestDnsServer dns;
  static TestGateway gateway;
  static final String PASSWORD = "correct horse battery staple";

  @BeforeAll
  static void start() throws Exception {
    dns = Senders.describe(TestDnsServer.start());
    gateway = TestGateway.start(data, dns, "greylist.enabled = true", "web.form-posts-per-minute = 50");
    new AdminUsers(gateway.gateway().store().adminUsers(), Clock.systemUTC()).create("ops", PASSWORD);
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

  private static HttpResponse<String> post(HttpClient client, String path, List<Map.Entry<String, String>> fields) throws Exception {
    return WebForms.post(client, uri(path), fields);
  }

  private static String csrf(String page) {
    return WebForms.csrf(page);
  }


  private static HttpResponse<String> login(HttpClient client, String password) throws Exception {
    String token = csrf(get(client, "/admin/login").body());
    return post(client, "/admin/login", List.of(Map.entry("csrf", token), Map.entry("name", "ops"),
        Map.entry("password", password)));
  }

  private static String rcpt(String from, String to) throws Exception {
    try (SmtpTestClient client = SmtpTestClient.connect(gateway.smtp(), Senders.GOOD)) {
      client.reply();
      return client.startTransaction(Senders.GOOD_NAME, from, to);
    }
  }

  @Test
  void theReviewQueueShowsEachRequestsRefusalAndAdminsSeeItUnmasked() throws Exception {
    String ref;
    try (SmtpTestClient client = SmtpTestClient.connect(gateway.smtp(), Senders.NO_PTR)) {
      client.reply();
      ref = org.portcullis.testing.Refs.of(client.startTransaction("mail.example.org", "alice.admin@good.example",
          "erin@example.test"));
    }
    gateway.gateway().store().refusals().flush();
    long id = new WhitelistRequests(gateway.gateway().store().lists(), Clock.systemUTC(),
        org.portcullis.notices.Notifier.NONE, java.util.Optional.of(gateway.gateway().store().refusals()))
        .submitFor(ref, "alice.admin@good.example", "Our newsletter").request().id();
    HttpClient client = WebForms.browser();
    assertThat(get(client, "/admin/ref/" + ref).statusCode()).as("admins only").isEqualTo(302);
    assertThat(login(client, PASSWORD).statusCode()).isEqualTo(302);
    String queue = get(client, "/admin/requests").body();
    int at = queue.indexOf("#" + id + ":");
    assertThat(at).isPositive();
    assertThat(queue.substring(at)).contains("The refusal: <a href=\"/admin/ref/" + ref + "\">", "check <strong>client-ptr</strong>",
        "550 5.7.25", "PTR query");
    String unmasked = get(client, "/admin/ref/" + ref).body();
    assertThat(unmasked).contains("alice.admin@good.example", "erin@example.test");
    assertThat(WebForms.get(WebForms.browser(), uri("/ref/" + ref)).body()).doesNotContain("alice.admin@");
  }

  private static HttpResponse<String> loginAs(HttpClient client, String name, String password) throws Exception {
    String token = csrf(get(client, "/admin/login").body());
    return post(client, "/admin/login", List.of(Map.entry("csrf", token), Map.entry("name", name),
        Map.entry("password", password)));
  }

  @Test
  void anAdminAccountIsLimitedPerAccountButItsOwnNetworkIsNotLockedOutByStrangers() throws Exception {
    String password = "auditor's long password";
    new AdminUsers(gateway.gateway().store().adminUsers(), Clock.systemUTC()).create("auditor", password);
    assertThat(loginAs(WebForms.browser("127.0.30.1"), "auditor", password).statusCode()).isEqualTo(302);
    for (int i = 0; i < 5; i++) {
      assertThat(loginAs(WebForms.browser("127.0." + (31 + i) + ".1"), "auditor", "guess " + i).statusCode())
          .isEqualTo(401);
    }
    HttpResponse<String> stranger = loginAs(WebForms.browser("127.0.40.1"), "auditor", password);
    assertThat(stranger.statusCode()).as("even the right password, from elsewhere").isEqualTo(429);
    assertThat(stranger.body()).contains("too many failed logins for this account");
    assertThat(loginAs(WebForms.browser("127.0.30.2"), "auditor", password).statusCode())
        .as("from the network it logged in from before").isEqualTo(302);
  }

  @Test
  void pagesNeedALoginAndAWrongPasswordGetsNone() throws Exception {
    HttpClient client = WebForms.browser();
    HttpResponse<String> anonymous = get(client, "/admin");
    assertThat(anonymous.statusCode()).isEqualTo(302);
    assertThat(anonymous.headers().firstValue("location")).hasValue("/admin/login");
    assertThat(get(client, "/admin/requests").statusCode()).isEqualTo(302);
    HttpResponse<String> wrong = login(client, "not the password");
    assertThat(wrong.statusCode()).isEqualTo(401);
    assertThat(wrong.body()).contains("Wrong name or password.");
    assertThat(get(client, "/admin").statusCode()).isEqualTo(302);
    HttpResponse<String> forged = post(client, "/admin/login", List.of(Map.entry("csrf", "x"), Map.entry("name", "ops"),
        Map.entry("password", PASSWORD)));
    assertThat(forged.statusCode()).as("login without the form's token").isEqualTo(403);
  }

  @Test
  void anAdminLogsInApprovesAWhitelistRequestAndTheSendersNextAttemptPasses() throws Exception {
    assertThat(rcpt("invoices@good.example", "frank@example.test")).startsWith("451 4.7.1 Greylisted");
    long id = new WhitelistRequests(gateway.gateway().store().lists(), Clock.systemUTC(),
        org.portcullis.notices.Notifier.NONE, java.util.Optional.empty()).submit(
        "invoices@good.example", Senders.GOOD, "frank@example.test", "Frank's <i>invoices</i>").id();

    HttpClient client = WebForms.browser();
    HttpResponse<String> in = login(client, PASSWORD);
    assertThat(in.statusCode()).isEqualTo(302);
    assertThat(in.headers().firstValue("location")).hasValue("/admin");
    assertThat(in.headers().allValues("set-cookie")).anySatisfy(c ->
        assertThat(c).startsWith("pc_admin=").contains("HttpOnly", "SameSite=Strict", "Path=/admin"));
    HttpResponse<String> dashboard = get(client, "/admin");
    assertThat(dashboard.statusCode()).isEqualTo(200);
    assertThat(dashboard.body()).contains("Logged in as <strong>ops</strong>", "Whitelist requests waiting");

    String queue = get(client, "/admin/requests").body();
    assertThat(queue).contains("#" + id + ":", "Frank's &lt;i&gt;invoices&lt;/i&gt;");
    String token = csrf(queue);
    assertThat(post(client, "/admin/requests/" + id + "/approve", List.of(Map.entry("csrf", "wrong"),
        Map.entry("match", "sender"))).statusCode()).isEqualTo(403);
    HttpResponse<String> approved = post(client, "/admin/requests/" + id + "/approve", List.of(Map.entry("csrf", token),
        Map.entry("match", "sender"), Map.entry("match", "recipient"), Map.entry("skip", "greylist"),
        Map.entry("message", "welcome")));
    assertThat(approved.statusCode()).isEqualTo(200);
    assertThat(approved.body()).contains("Request #" + id + " approved by ops: allow entry");
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
        assertThat(rcpt("invoices@good.example", "frank@example.test")).startsWith("250"));
    assertThat(post(client, "/admin/requests/" + id + "/decline", List.of(Map.entry("csrf", token),
        Map.entry("message", "no"))).statusCode()).as("already decided").isEqualTo(409);

    assertThat(post(client, "/admin/logout", List.of(Map.entry("csrf", token))).statusCode()).isEqualTo(302);
    assertThat(get(client, "/admin").statusCode()).as("after logout").isEqualTo(302);
  }

  @Test
  void passwordsAreArgon2idAndOnlyTheRightOneVerifies() {
    String hash = Passwords.hash(PASSWORD);
    assertThat(hash).startsWith("$argon2id$v=19$m=19456,t=2,p=1$").doesNotContain(PASSWORD);
    assertThat(Passwords.verify(PASSWORD, hash)).isTrue();
    assertThat(Passwords.verify(PASSWORD + "x", hash)).isFalse();
    assertThat(Passwords.verify(PASSWORD, "plain text")).isFalse();
    assertThat(Passwords.hash(PASSWORD)).as("salted").isNotEqualTo(hash);
  }

  private static HttpResponse<String> upload(HttpClient client, String csrf, String owner, String filename,
      byte[] content) throws Exception {
    return WebForms.upload(client, uri("/admin/whitelists/import"), csrf, owner, filename, content);
  }

  @Test
  void anAdminManagesEntriesAndUploadsAnAddressBook() throws Exception {
    HttpClient client = WebForms.browser();
    assertThat(login(client, PASSWORD).statusCode()).isEqualTo(302);
    String page = get(client, "/admin/lists").body();
    String token = csrf(page);
    HttpResponse<String> bad = post(client, "/admin/lists", List.of(Map.entry("csrf", token), Map.entry("action", "deny"),
        Map.entry("client", "300.0.0.1")));
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(bad.body()).contains("Not added: client:");
    HttpResponse<String> added = post(client, "/admin/lists", List.of(Map.entry("csrf", token),
        Map.entry("action", "deny"), Map.entry("sender", "junk@good.example"), Map.entry("reply", "Not from you"),
        Map.entry("note", "complaints")));
    assertThat(added.statusCode()).isEqualTo(200);
    assertThat(added.body()).contains("deny entry", "sender junk@good.example", "ops: complaints");
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
        assertThat(rcpt("junk@good.example", "bob@example.test")).startsWith("554 5.7.1 Not from you"));
    Matcher id = Pattern.compile("deny entry ([0-9]+) added").matcher(added.body());
    assertThat(id.find()).isTrue();
    assertThat(post(client, "/admin/lists/" + id.group(1) + "/remove", List.of(Map.entry("csrf", token))).body())
        .contains("Entry " + id.group(1) + " removed.");

    byte[] book;
    try (var in = getClass().getResourceAsStream("/addressbooks/outlook.csv")) {
      book = in.readAllBytes();
    }
    HttpResponse<String> imported = upload(client, token, "harry@example.test", "contacts.csv", book);
    assertThat(imported.statusCode()).as(imported.body()).isEqualTo(200);
    assertThat(imported.body()).contains("Whitelist of harry@example.test: read 6, added 4, duplicates 1, rejected 1.",
        "line 6: \"dan at typo.example\"");
    HttpResponse<String> broken = upload(client, token, "harry@example.test", "broken.vcf",
        "BEGIN:VCARD\nEMAIL:x@y.example\n".getBytes(StandardCharsets.UTF_8));
    assertThat(broken.statusCode()).isEqualTo(422);
    assertThat(broken.body()).contains("Nothing imported: the card that began on line 1 has no END:VCARD");
    assertThat(upload(client, "wrong", "harry@example.test", "contacts.csv", book).statusCode()).isEqualTo(403);
  }

  @Test
  void aFalsePositiveReportIsAcceptedAndTheAddressDelisted() throws Exception {
    var blocklist = gateway.gateway().blocklists().listings().map(org.portcullis.blocklist.LiveListings::blocklist)
        .orElseThrow();
    blocklist.report(org.portcullis.mail.Cidr.parse("192.0.2.95/32"), org.portcullis.blocklist.Category.REPORT,
        new org.portcullis.blocklist.Evidence(java.time.Instant.now(), "report", "192.0.2.95", "", "", "", "", "x"));
    long report = blocklist.reportFalsePositive("192.0.2.95", "ops@victim.example", "We were <b>hacked</b>, fixed now")
        .report().id();
    HttpClient client = WebForms.browser();
    assertThat(login(client, PASSWORD).statusCode()).isEqualTo(302);
    String queue = get(client, "/admin/requests").body();
    assertThat(queue).contains("False-positive report #" + report, "We were &lt;b&gt;hacked&lt;/b&gt;, fixed now");
    HttpResponse<String> accepted = post(client, "/admin/reports/" + report + "/accept",
        List.of(Map.entry("csrf", csrf(queue)), Map.entry("message", "delisted")));
    assertThat(accepted.body()).contains("False-positive report #" + report + " accepted by ops. 192.0.2.95/32 delisted.");
    assertThat(blocklist.active(java.net.InetAddress.getByName("192.0.2.95"))).isEmpty();
    assertThat(blocklist.store().reports(java.util.Optional.of("accepted"), 10)).anySatisfy(r ->
        assertThat(r.id()).isEqualTo(report));
    assertThat(post(client, "/admin/reports/" + report + "/decline",
        List.of(Map.entry("csrf", csrf(queue)), Map.entry("message", "no"))).statusCode()).isEqualTo(409);
  }

  @Test
  void aDelistingRequestPastTheLimitIsReviewedInTheSameQueue() throws Exception {
    var blocklist = gateway.gateway().blocklists().listings().map(org.portcullis.blocklist.LiveListings::blocklist)
        .orElseThrow();
    blocklist.listPermanently(org.portcullis.mail.Cidr.parse("192.0.2.96/32"), org.portcullis.blocklist.Category.MANUAL,
        "ops", "snowshoe");
    long request = blocklist.requestDelisting(java.net.InetAddress.getByName("192.0.2.96"), "noc@new-owner.example",
        "We bought this range last week").orElseThrow().report().id();
    HttpClient client = WebForms.browser();
    assertThat(login(client, PASSWORD).statusCode()).isEqualTo(302);
    String queue = get(client, "/admin/requests").body();
    assertThat(queue).contains("Delisting request #" + request, "We bought this range last week");
    HttpResponse<String> declined = post(client, "/admin/reports/" + request + "/decline",
        List.of(Map.entry("csrf", csrf(queue)), Map.entry("message", "show us the contract")));
    assertThat(declined.body()).contains("Delisting request #" + request + " declined by ops.");
    assertThat(blocklist.active(java.net.InetAddress.getByName("192.0.2.96"))).isPresent();
  }

  @Test
  void theDashboardsFiguresNeedASessionAndItsChartLibraryIsServedLocally() throws Exception {
    assertThat(rcpt("figures@good.example", "ivan@example.test")).startsWith("451");
    gateway.gateway().store().refusals().flush();
    HttpClient client = WebForms.browser();
    assertThat(get(client, "/admin/data.json").statusCode()).isEqualTo(302);
    assertThat(login(client, PASSWORD).statusCode()).isEqualTo(302);
    HttpResponse<String> data = get(client, "/admin/data.json");
    assertThat(data.statusCode()).isEqualTo(200);
    assertThat(data.body()).contains("\"timeline\":{\"t\":[", "\"refusalsByCheck\":{", "\"tempfail\":{",
        "\"greylist\":", "\"topClients\":[", "\"topNetworks\":[{\"network\":\"127.0.1.0/24\"", "\"zones\":[",
        "\"spool\":");
    HttpResponse<String> dashboard = get(client, "/admin");
    assertThat(dashboard.body()).contains("/static/uplot/uPlot.iife.min.js", "/static/dashboard.js");
    assertThat(dashboard.headers().firstValue("content-security-policy")).hasValueSatisfying(csp ->
        assertThat(csp).contains("script-src 'self'").doesNotContain("unsafe"));
    HttpResponse<String> uplot = get(client, "/static/uplot/uPlot.iife.min.js");
    assertThat(uplot.statusCode()).isEqualTo(200);
    assertThat(uplot.body()).contains("uPlot");
    assertThat(get(client, "/static/uplot/../../etc/passwd").statusCode()).isEqualTo(404);
    assertThat(get(client, "/lookup").headers().firstValue("content-security-policy")).hasValueSatisfying(csp ->
        assertThat(csp).doesNotContain("script-src"));
    String metrics = get(client, "/metrics").body();
    Matcher greylisted = Pattern.compile("portcullis_policy_verdicts_total\\{check=\"greylist\",outcome=\"tempfail\"\\} "
        + "([0-9.E]+)").matcher(metrics);
    assertThat(greylisted.find()).as(metrics.lines().filter(l -> l.contains("verdicts")).limit(3).toList().toString())
        .isTrue();
    assertThat(Double.parseDouble(greylisted.group(1))).isGreaterThanOrEqualTo(1);
  }

  @Test
  void anAdminListsSearchesAnnotatesAndDelists() throws Exception {
    HttpClient client = WebForms.browser();
    assertThat(login(client, PASSWORD).statusCode()).isEqualTo(302);
    String token = csrf(get(client, "/admin/blocklist").body());
    HttpResponse<String> bad = post(client, "/admin/blocklist/add", List.of(Map.entry("csrf", token),
        Map.entry("network", "not a network")));
    assertThat(bad.statusCode()).isEqualTo(400);
    HttpResponse<String> added = post(client, "/admin/blocklist/add", List.of(Map.entry("csrf", token),
        Map.entry("network", "198.51.100.0/28"), Map.entry("category", "spam-source"),
        Map.entry("note", "snowshoe <b>run</b>")));
    assertThat(added.body()).contains("198.51.100.0/28 listed.", "snowshoe &lt;b&gt;run&lt;/b&gt;");
    var blocklist = gateway.gateway().blocklists().listings().map(org.portcullis.blocklist.LiveListings::blocklist)
        .orElseThrow();
    assertThat(blocklist.active(java.net.InetAddress.getByName("198.51.100.7"))).isPresent();
    HttpResponse<String> search = get(client, "/admin/blocklist?q=198.51.100.7");
    assertThat(search.body()).contains("198.51.100.0/28: ", "(listed)");
    assertThat(post(client, "/admin/blocklist/note", List.of(Map.entry("csrf", token),
        Map.entry("network", "198.51.100.0/28"), Map.entry("note", "ticket 42"))).body())
        .contains("Note added to 198.51.100.0/28.", "ops: ticket 42");
    assertThat(post(client, "/admin/blocklist/delist", List.of(Map.entry("csrf", token),
        Map.entry("network", "198.51.100.0/28"))).body()).contains("198.51.100.0/28 delisted.");
    assertThat(blocklist.active(java.net.InetAddress.getByName("198.51.100.7"))).isEmpty();
    assertThat(post(client, "/admin/blocklist/permanent", List.of(Map.entry("csrf", token),
        Map.entry("network", "203.0.113.9"))).body()).contains("203.0.113.9/32 listed permanently.");
    assertThat(post(client, "/admin/blocklist/delist", List.of(Map.entry("csrf", "bad"),
        Map.entry("network", "203.0.113.9"))).statusCode()).isEqualTo(403);
    assertThat(get(client, "/admin/blocklist?q=192.0.2.250").body()).contains("is not listed and never was");
    assertThat(get(client, "/admin/blocklist?state=permanent").body()).contains("203.0.113.9/32");
  }

  @Test
  void recentTransactionsAreListedAndFiltered() throws Exception {
    try (SmtpTestClient lan = SmtpTestClient.connect(gateway.smtp(), Senders.LAN)) {
      lan.reply();
      assertThat(lan.startTransaction("lan.example.test", "kim@example.test", "lee@example.test")).startsWith("250");
      assertThat(lan.data("Subject: hello\r\n\r\nhi\r\n")).startsWith("250");
    }
    assertThat(rcpt("stranger@good.example", "lee@example.test")).startsWith("451 4.7.1 Greylisted");
    gateway.gateway().store().transactions().flush();
    gateway.gateway().store().refusals().flush();
    HttpClient client = WebForms.browser();
    assertThat(login(client, PASSWORD).statusCode()).isEqualTo(302);
    String all = get(client, "/admin/transactions?recipient=lee%40example.test").body();
    assertThat(all).contains("&lt;kim@example.test&gt;", "queued as", "&lt;stranger@good.example&gt;", "greylisted (greylist)");
    String greylisted = get(client, "/admin/transactions?recipient=lee%40example.test&verdict=greylisted").body();
    assertThat(greylisted).contains("stranger@good.example").doesNotContain("kim@example.test");
    assertThat(get(client, "/admin/transactions?verdict=lost").statusCode()).isEqualTo(400);
    assertThat(get(client, "/admin/transactions?hours=100000").statusCode()).isEqualTo(400);

    String token = new org.portcullis.access.ApiTokens(gateway.gateway().store().apiTokens(), Clock.systemUTC())
        .create("transactions-test", java.util.Set.of(org.portcullis.access.ApiScope.ADMIN));
    HttpResponse<String> api = client.send(HttpRequest.newBuilder(uri("/api/transactions?verdict=accepted&sender=kim"))
        .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(api.statusCode()).isEqualTo(200);
    assertThat(api.body()).contains("\"verdict\":\"accepted\"", "\"sender\":\"<kim@example.test>\"")
        .doesNotContain("greylisted");
  }

  @Test
  void dmarcReportsAboutOurDomainsAreShownAndServedAsJson() throws Exception {
    java.time.LocalDate today = java.time.LocalDate.now(java.time.ZoneOffset.UTC);
    org.portcullis.dmarc.DmarcTally.Evidence none = org.portcullis.dmarc.DmarcTally.Evidence.NONE;
    java.io.ByteArrayOutputStream xml = new java.io.ByteArrayOutputStream();
    org.portcullis.dmarc.AggregateReportWriter.write(xml, new org.portcullis.dmarc.AggregateReportWriter.Reporter(
        "receiver.example", "dmarc@receiver.example"), "admin-page-1", today, "example.test",
        org.portcullis.dmarc.DmarcRecord.parse("v=DMARC1; p=reject; rua=mailto:dmarc@example.test"), List.of(
            Map.entry(new org.portcullis.dmarc.DmarcTally.Row(today, "example.test", "example.test", "192.0.2.10",
                "none", "pass", "pass", "", none), 42L),
            Map.entry(new org.portcullis.dmarc.DmarcTally.Row(today, "example.test", "example.test", "203.0.113.66",
                "reject", "fail", "fail", "", none), 3L)));
    gateway.gateway().store().dmarcReports().add(org.portcullis.dmarc.AggregateReports.read(xml.toByteArray()),
        java.time.Instant.now());

    HttpClient client = WebForms.browser();
    assertThat(get(client, "/admin/dmarc").statusCode()).as("admins only").isEqualTo(302);
    assertThat(login(client, PASSWORD).statusCode()).isEqualTo(302);
    String page = get(client, "/admin/dmarc?domain=example.test&days=7").body();
    assertThat(page).contains("<h2>example.test</h2>", "45 message(s) reported, 3 failing DMARC.", "receiver.example",
        "203.0.113.66", "reject");
    assertThat(get(client, "/admin/dmarc?domain=elsewhere.example").statusCode()).isEqualTo(400);
    assertThat(get(client, "/admin/dmarc?days=0").statusCode()).isEqualTo(400);
    assertThat(get(client, "/admin/dmarc?days=lots").body()).contains("days must be a number");

    String token = new org.portcullis.access.ApiTokens(gateway.gateway().store().apiTokens(), Clock.systemUTC())
        .create("dmarc-test", java.util.Set.of(org.portcullis.access.ApiScope.ADMIN));
    HttpResponse<String> api = client.send(HttpRequest.newBuilder(uri("/api/dmarc/reports?domain=example.test&limit=1"))
        .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(api.statusCode()).isEqualTo(200);
    assertThat(api.body()).contains("\"domain\":\"example.test\"", "\"messages\":45", "\"failing\":3",
        "\"more\":1", "\"reporter\":\"receiver.example\"");
    String lists = new org.portcullis.access.ApiTokens(gateway.gateway().store().apiTokens(), Clock.systemUTC())
        .create("dmarc-lists-only", java.util.Set.of(org.portcullis.access.ApiScope.LISTS));
    assertThat(client.send(HttpRequest.newBuilder(uri("/api/dmarc/reports")).header("Authorization", "Bearer " + lists)
        .build(), HttpResponse.BodyHandlers.ofString()).statusCode()).as("reports need the admin scope").isEqualTo(403);
  }
}
