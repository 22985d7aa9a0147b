package org.portcullis.browser;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.Select;
import org.portcullis.tenant.TenantAdmins;
import org.portcullis.testing.Senders;
import org.portcullis.testing.SmtpTestClient;
import org.portcullis.testing.TestDnsServer;
import org.portcullis.testing.TestGateway;

/**
 * The tenant portal in headless Chromium, as seed 000's customer uses it: the tenant administrator
 * of example.test logs in, uploads an address book, switches DNS-list hits to "tag" for its domain,
 * and the next mail from a listed server arrives tagged instead of refused, while a sender from the
 * address book arrives untouched.
 */
class TenantBrowserTest {

  private static final String PASSWORD = "correct horse battery staple";

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
    dns.a("2.0.0.127.zen.test", "127.0.0.2"); // the RFC 5782 test point
    dns.a("1.1.0.127.zen.test", "127.0.0.2"); // Senders.GOOD is listed
    gateway = TestGateway.start(data, dns, "dnsbl.zones = [{name = \"zen.test\"}]",
        "checks.dnsbl.on-reject = \"per-recipient\"");
    new TenantAdmins(gateway.gateway().store().tenantUsers(), gateway.gateway().store().tenants(),
        List.of("example.test", "example.net"), Clock.systemUTC()).create("acme", PASSWORD, Set.of("example.test"),
        false);
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

  private static void shows(String... expected) {
    HeadlessChromium.shows(browser, expected);
  }

  /** A message from the listed server: the reply to DATA, or the refusal of RCPT. */
  private static String send(String from, String to) throws Exception {
    try (SmtpTestClient smtp = SmtpTestClient.connect(gateway.smtp(), Senders.GOOD)) {
      smtp.reply();
      String rcpt = smtp.startTransaction(Senders.GOOD_NAME, from, to);
      if (!rcpt.startsWith("250")) {
        return rcpt;
      }
      return smtp.data("From: " + from + "\r\nSubject: hello\r\n\r\nbody\r\n");
    }
  }

  private static String delivered(String local) throws Exception {
    await().atMost(Duration.ofSeconds(10)).until(() -> gateway.delivered("example.test", local).size() == 1);
    return Files.readString(gateway.delivered("example.test", local).getFirst(), StandardCharsets.UTF_8);
  }

  @Test
  void aTenantUploadsAnAddressBookAndChoosesTagForDnsListHits() throws Exception {
    assertThat(send("bob@good.example", "dave@example.test")).as("listed, and nobody chose otherwise")
        .startsWith("554 5.7.1");

    browser.get(url("/tenant"));
    await().atMost(Duration.ofSeconds(10)).until(() -> browser.getCurrentUrl().endsWith("/tenant/login"));
    browser.findElement(By.id("name")).sendKeys("acme");
    browser.findElement(By.id("password")).sendKeys(PASSWORD);
    browser.findElement(By.cssSelector("form[action='/tenant/login'] button")).click();
    shows("Your domains", "example.test");
    HeadlessChromium.shot(browser, "tenant-home");

    Path book = data.resolve("contacts.txt");
    Files.writeString(book, "friend@good.example\nnot an address\npartner@partner.example\n");
    browser.get(url("/tenant/whitelists?owner=carol@example.test"));
    browser.findElement(By.cssSelector("form[action='/tenant/whitelists/import'] input[type=file]"))
        .sendKeys(book.toAbsolutePath().toString());
    browser.findElement(By.cssSelector("form[action='/tenant/whitelists/import'] button")).click();
    shows("read 3, added 2", "rejected 1", "friend@good.example", "partner@partner.example");
    HeadlessChromium.shot(browser, "tenant-whitelists");

    browser.get(url("/tenant/prefs"));
    browser.findElement(By.cssSelector("form[action='/tenant/prefs'] input[name=scope]")).sendKeys("example.test");
    new Select(browser.findElement(By.cssSelector("form[action='/tenant/prefs'] select[name=check]")))
        .selectByVisibleText("dnsbl");
    new Select(browser.findElement(By.cssSelector("form[action='/tenant/prefs'] select[name=choice]")))
        .selectByVisibleText("tag");
    browser.findElement(By.cssSelector("form[action='/tenant/prefs'] button")).click();
    shows("example.test: dnsbl -> tag.");
    HeadlessChromium.shot(browser, "tenant-prefs");

    // The running server applies a choice within a second or so.
    await().atMost(Duration.ofSeconds(10)).until(() -> send("bob@good.example", "dave@example.test")
        .startsWith("250"));
    assertThat(delivered("dave")).contains("X-Portcullis-Tag: spam; check=dnsbl;", "(chosen by domain example.test)");
    assertThat(send("friend@good.example", "carol@example.test")).startsWith("250");
    assertThat(delivered("carol")).as("a sender of the address book passes the DNS list")
        .doesNotContain("X-Portcullis-Tag: spam");
  }
}
