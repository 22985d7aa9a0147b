package org.portcullis.browser;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.regex.Matcher;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.portcullis.access.AdminUsers;
import org.portcullis.blocklist.Category;
import org.portcullis.blocklist.Evidence;
import org.portcullis.blocklist.LiveListings;
import org.portcullis.mail.Cidr;
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

/**
 * The portal in a real browser: Debian's headless Chromium driven by its chromedriver (packages
 * chromium and chromium-driver, installed by .ci/run; skipped where they are missing). Screenshots
 * of the pages go to target/screenshots (docs/screenshots holds the committed ones).
 */
class PortalBrowserTest {

  @TempDir
  static Path data;
  @TempDir
  static Path profile;
  static TestDnsServer dns;
  static TestGateway gateway;
  static WebDriver browser;

  @BeforeAll
  static void start() throws Exception {
    HeadlessChromium.assumeInstalled();
    dns = Senders.describe(TestDnsServer.start());
    seedTraffic();
    gateway = TestGateway.start(data, dns, "greylist.enabled = true", "web.form-posts-per-minute = 50",
        "diagnose.probe-domain = \"example.test\"");
    new AdminUsers(gateway.gateway().store().adminUsers(), Clock.systemUTC()).create("ops", "correct horse battery staple");
    browser = HeadlessChromium.start(profile);
  }

  @AfterAll
  static void stop() {
    if (browser != null) {
      browser.quit();
    }
    if (gateway != null) {
      gateway.close();
      dns.close();
    }
  }

  private static String url(String path) {
    return "http://127.0.0.1:" + gateway.gateway().webPort().orElseThrow() + path;
  }

  private static void shot(String name) throws Exception {
    HeadlessChromium.shot(browser, name);
  }

  private static String text() {
    return browser.findElement(By.tagName("main")).getText();
  }

  private static void shows(String... expected) {
    HeadlessChromium.shows(browser, expected);
  }

  private static String rcpt(String source, String helo, String from, String to) throws Exception {
    try (SmtpTestClient client = SmtpTestClient.connect(gateway.smtp(), source)) {
      client.reply();
      return client.startTransaction(helo, from, to);
    }
  }

  @Test
  void aRefusedSessionsReferenceOpensItsExplanation() throws Exception {
    String reply = rcpt(Senders.NO_PTR, "mail.example.org", "alice@good.example", "bob@example.test");
    Matcher m = org.portcullis.testing.Refs.IN_REPLY.matcher(reply);
    assertThat(m.find()).as(reply).isTrue();
    gateway.gateway().store().refusals().flush();
    browser.get(url("/ref/" + m.group(1)));
    assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo("Why was this mail refused?");
    shows("client-ptr", "How to fix it", "127.0.2.1", "PTR query", "If you only sent the mail",
        "Ask to be whitelisted");
    shot("ref");
    browser.findElement(By.linkText("Test your server")).click();
    shows("Results for the refusal " + m.group(1), "127.0.2.1 has no PTR record", "unknown\" means");
    shot("diagnose");
  }

  @Test
  void theRetryProbeIsHandedOutByAButtonAndShowsTheAttempt() throws Exception {
    browser.get(url("/diagnose"));
    browser.findElement(By.cssSelector("form[action='/diagnose/probe'] button")).click();
    await().atMost(Duration.ofSeconds(10)).until(() -> browser.getCurrentUrl().matches(".*/diagnose/probe/[a-z2-7]{26}"));
    String token = browser.getCurrentUrl().substring(browser.getCurrentUrl().lastIndexOf('/') + 1);
    shows("Does your server retry?", "probe-" + token + "@example.test", "No mail has reached the probe address yet");
    assertThat(rcpt(Senders.GOOD, Senders.GOOD_NAME, "postmaster@good.example", "probe-" + token + "@example.test"))
        .startsWith("451 4.7.1");
    browser.navigate().refresh();
    shows("greylisted", "127.0.1.1", "waiting for the retry");
    shot("probe");
  }

  @Test
  void aListedAddressDelistsItselfInTheBrowserAndTheDnsblStopsListingIt() throws Exception {
    var blocklist = gateway.gateway().blocklists().listings().map(LiveListings::blocklist).orElseThrow();
    blocklist.report(Cidr.parse("192.0.2.90/32"), Category.SPAM_TRAP, new Evidence(Instant.now(), "spam-trap",
        "192.0.2.90", "mail.spam.example", "offers@spam.example", "trap@example.test",
        "Subject: Cheap watches\nMessage-ID: <1@spam.example>", "hit our trap"));
    await().atMost(Duration.ofSeconds(10)).until(() -> listed("192.0.2.90"));
    browser.get(url("/lookup"));
    browser.findElement(By.id("address")).sendKeys("192.0.2.90");
    browser.findElement(By.cssSelector("form[action='/lookup'] button")).click();
    await().atMost(Duration.ofSeconds(10)).until(() -> browser.getCurrentUrl().endsWith("/lookup/192.0.2.90"));
    shows("192.0.2.90 is listed", "Cheap watches");
    shot("lookup");
    browser.findElement(By.cssSelector("form.action button")).click();
    shows("Delisted.", "is not listed");
    await().atMost(Duration.ofSeconds(10)).until(() -> !listed("192.0.2.90"));
  }

  private static boolean listed(String address) throws Exception {
    String[] octets = address.split("\\.");
    SimpleResolver resolver = new SimpleResolver(gateway.gateway().blocklists().serverAddress().orElseThrow());
    resolver.setTimeout(Duration.ofSeconds(3));
    Message answer = resolver.send(Message.newQuery(Record.newRecord(Name.fromString(octets[3] + "." + octets[2] + "."
        + octets[1] + "." + octets[0] + ".bl.example.test."), Type.A, DClass.IN)));
    return answer.getRcode() == Rcode.NOERROR && answer.getSection(org.xbill.DNS.Section.ANSWER).size() > 0;
  }

  /** Three hours of traffic a minute at a time, as a running gateway would have saved it, for the dashboard's charts. */
  private static void seedTraffic() {
    try (org.portcullis.store.sqlite.SqliteStore store = org.portcullis.store.sqlite.SqliteStore.open(
        data.resolve("portcullis.db"))) {
      java.time.Instant now = java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MINUTES);
      for (int i = 180; i >= 1; i--) {
        long wave = Math.round(20 + 15 * Math.sin(i / 20.0));
        store.traffic().save(new org.portcullis.history.TrafficLog.Minute(now.minusSeconds(60L * i), java.util.Map.of(
            "accepted", 40 + wave, "refused", wave / 2, "deferred", (long) (i % 7), "greylisted", wave / 3,
            "check.client-ptr", wave / 4, "check.dnsbl", wave / 5, "check.greylist", wave / 3)));
      }
    }
  }

  @Test
  void anAdminApprovesAWhitelistRequestMadeInTheBrowserAndTheSendersNextAttemptPasses() throws Exception {
    assertThat(rcpt(Senders.GOOD, Senders.GOOD_NAME, "payroll@good.example", "gina@example.test"))
        .startsWith("451 4.7.1 Greylisted");
    browser.get(url("/whitelist-request?ip=" + Senders.GOOD + "&recipient=gina%40example.test"));
    browser.findElement(By.id("email")).sendKeys("payroll@good.example");
    browser.findElement(By.id("reason")).sendKeys("Our payslips for Gina arrive a day late.");
    shot("whitelist-request");
    browser.findElement(By.cssSelector("form.report button")).click();
    shows("waits for review");

    browser.get(url("/admin"));
    await().atMost(Duration.ofSeconds(10)).until(() -> browser.getCurrentUrl().endsWith("/admin/login"));
    browser.findElement(By.id("name")).sendKeys("ops");
    browser.findElement(By.id("password")).sendKeys("correct horse battery staple");
    browser.findElement(By.cssSelector("form.report button")).click();
    shows("Logged in as ops", "Whitelist requests waiting");
    // uPlot, served from its webjar, draws the saved traffic: both time charts have a canvas.
    await().atMost(Duration.ofSeconds(10)).until(() ->
        !browser.findElements(By.cssSelector("#traffic canvas")).isEmpty()
            && !browser.findElements(By.cssSelector("#checks-over-time canvas")).isEmpty());
    shows("client-ptr", "dnsbl", "greylisted");
    shot("admin-dashboard");
    browser.get(url("/admin/requests"));
    shows("payroll@good.example", "Our payslips for Gina arrive a day late.");
    shot("admin-requests");
    browser.findElement(By.xpath("//button[starts-with(text(), 'Approve')]")).click();
    shows("approved by ops: allow entry");
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
        assertThat(rcpt(Senders.GOOD, Senders.GOOD_NAME, "payroll@good.example", "gina@example.test")).startsWith("250"));
  }
}
