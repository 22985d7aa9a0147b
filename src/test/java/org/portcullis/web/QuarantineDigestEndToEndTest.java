package org.portcullis.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.portcullis.testing.Senders;
import org.portcullis.testing.SmtpTestClient;
import org.portcullis.testing.TestDnsServer;
import org.portcullis.testing.TestGateway;
import org.portcullis.testing.WebForms;

/**
 * A quarantine digest end to end: the mailbox gets it in its Maildir; opening a link acts on
 * nothing; its button (POST with the CSRF token) releases the mailbox's own copy once, into the
 * Maildir; the login ticket shows and deletes what else is held; unknown or used links are 404.
 */
class QuarantineDigestEndToEndTest {

  @TempDir
  Path data;

  private static void sendHeld(TestGateway gateway, String subject) throws Exception {
    sendHeld(gateway, "bob@isp.example", subject);
  }

  private static String sendHeld(TestGateway gateway, String sender, String subject) throws Exception {
    try (SmtpTestClient smtp = SmtpTestClient.connect(gateway.smtp(), Senders.DYNAMIC)) {
      smtp.reply();
      String rcpt = smtp.startTransaction("127-0-3-1.dyn.isp.example", sender, "held@example.test");
      return rcpt.startsWith("250") ? smtp.data("From: " + sender + "\r\nSubject: " + subject + "\r\n\r\nbody\r\n")
          : rcpt;
    }
  }

  private static List<String> mails(TestGateway gateway) throws Exception {
    List<String> out = new java.util.ArrayList<>();
    for (Path p : gateway.delivered("example.test", "held")) {
      out.add(Files.readString(p, StandardCharsets.UTF_8));
    }
    return out;
  }

  @Test
  void theDigestsLinksReleaseOnceAndItsTicketOpensTheMailboxsQuarantine() throws Exception {
    try (TestDnsServer dns = Senders.describe(TestDnsServer.start());
        TestGateway gateway = TestGateway.start(data, dns, "checks.client-generic-ptr.on-reject = \"quarantine\"")) {
      sendHeld(gateway, "first offer");
      assertThat(gateway.gateway().sendQuarantineDigests()).isEqualTo(1);
      await().atMost(Duration.ofSeconds(10)).until(() -> mails(gateway).size() == 1);
      String digest = mails(gateway).getFirst();
      assertThat(digest).contains("Subject: Quarantine: 1 message held for you", "first offer")
          .as("the null sender").contains("Return-Path: <>");
      Matcher release = Pattern.compile("Release: https://mx\\.example\\.test(/q/[A-Za-z0-9_-]{22})").matcher(digest);
      Matcher login = Pattern.compile("All your quarantined messages: https://mx\\.example\\.test(/q/[A-Za-z0-9_-]{22})")
          .matcher(digest);
      assertThat(release.find()).isTrue();
      assertThat(login.find()).isTrue();
      URI base = URI.create("http://127.0.0.1:" + gateway.gateway().webPort().orElseThrow());
      HttpClient browser = WebForms.browser();

      HttpResponse<String> page = WebForms.get(browser, base.resolve(release.group(1)));
      assertThat(page.statusCode()).isEqualTo(200);
      assertThat(page.body()).contains("Quarantine of held@example.test", "first offer", "Release it");
      assertThat(mails(gateway)).as("opening the link released nothing").hasSize(1);
      assertThat(WebForms.post(browser, base.resolve(release.group(1)), List.of()).statusCode())
          .as("no CSRF token").isEqualTo(403);
      HttpResponse<String> released = WebForms.post(browser, base.resolve(release.group(1)),
          List.of(Map.entry("csrf", WebForms.csrf(page.body()))));
      assertThat(released.statusCode()).isEqualTo(200);
      assertThat(released.body()).contains("Released");
      await().atMost(Duration.ofSeconds(10)).until(() -> mails(gateway).size() == 2);
      assertThat(mails(gateway)).anySatisfy(m -> assertThat(m).contains("Subject: first offer",
          "X-Portcullis-Tag: quarantine; check=client-generic-ptr"));
      assertThat(WebForms.post(browser, base.resolve(release.group(1)),
          List.of(Map.entry("csrf", WebForms.csrf(page.body())))).statusCode()).as("used").isEqualTo(404);
      assertThat(WebForms.get(browser, base.resolve(release.group(1))).statusCode()).isEqualTo(404);

      sendHeld(gateway, "second offer");
      HttpResponse<String> ticket = WebForms.get(browser, base.resolve(login.group(1)));
      assertThat(ticket.statusCode()).isEqualTo(200);
      assertThat(ticket.body()).contains("second offer").doesNotContain("first offer");
      Matcher allow = Pattern.compile("(/q/[A-Za-z0-9_-]{22}/[0-9a-f]{32}/release-allow)").matcher(ticket.body());
      assertThat(allow.find()).isTrue();
      HttpResponse<String> allowed = WebForms.post(browser, base.resolve(allow.group(1)),
          List.of(Map.entry("csrf", WebForms.csrf(ticket.body()))));
      assertThat(allowed.body()).contains("mail from bob@isp.example to you is always accepted now");
      assertThat(gateway.gateway().store().lists().whitelist("held@example.test")).contains("bob@isp.example");
      await().atMost(Duration.ofSeconds(10)).until(() -> mails(gateway).size() == 3);

      assertThat(sendHeld(gateway, "eve@isp.example", "from eve")).startsWith("250");
      ticket = WebForms.get(browser, base.resolve(login.group(1)));
      assertThat(ticket.body()).contains("from eve");
      Matcher deny = Pattern.compile("(/q/[A-Za-z0-9_-]{22}/[0-9a-f]{32}/deny)").matcher(ticket.body());
      assertThat(deny.find()).isTrue();
      HttpResponse<String> denied = WebForms.post(browser, base.resolve(deny.group(1)),
          List.of(Map.entry("csrf", WebForms.csrf(ticket.body()))));
      assertThat(denied.statusCode()).isEqualTo(200);
      assertThat(denied.body()).contains("mail from eve@isp.example to you is refused from now on",
          "Nothing is held for you");
      await().atMost(Duration.ofSeconds(10)).until(() -> sendHeld(gateway, "eve@isp.example", "again")
          .startsWith("554 5.7.1 "));
      assertThat(WebForms.post(browser, base.resolve(deny.group(1).replace("/deny", "/explode")),
          List.of(Map.entry("csrf", WebForms.csrf(ticket.body())))).statusCode()).isEqualTo(404);
      assertThat(WebForms.get(browser, base.resolve("/q/AAAAAAAAAAAAAAAAAAAAAA")).statusCode()).isEqualTo(404);
      assertThat(WebForms.get(browser, base.resolve("/q/not-a-token")).statusCode()).isEqualTo(404);
      assertThat(mails(gateway)).as("eve's never arrive").hasSize(3);

      // The login ticket lets the mailbox choose its digest; an action link does not.
      assertThat(ticket.body()).contains("Your digest", "now daily, HTML and text");
      var before = gateway.gateway().store().digests().settings("held@example.test");
      HttpResponse<String> bad = WebForms.post(browser, base.resolve(login.group(1) + "/digest"),
          List.of(Map.entry("csrf", WebForms.csrf(ticket.body())), Map.entry("schedule", "monthly")));
      assertThat(bad.statusCode()).isEqualTo(400);
      assertThat(gateway.gateway().store().digests().settings("held@example.test")).as("unchanged").isEqualTo(before);
      HttpResponse<String> chosen = WebForms.post(browser, base.resolve(login.group(1) + "/digest"),
          List.of(Map.entry("csrf", WebForms.csrf(ticket.body())), Map.entry("schedule", "weekly"),
              Map.entry("format", "text")));
      assertThat(chosen.statusCode()).isEqualTo(200);
      assertThat(chosen.body()).contains("Your digest: weekly, text only.");
      assertThat(gateway.gateway().store().digests().settings("held@example.test")).hasValueSatisfying(d -> {
        assertThat(d.schedule().label()).isEqualTo("weekly");
        assertThat(d.html()).isFalse();
      });
      assertThat(WebForms.post(browser, base.resolve(release.group(1) + "/digest"),
          List.of(Map.entry("csrf", WebForms.csrf(ticket.body())), Map.entry("schedule", "never"))).statusCode())
          .as("a used action link").isEqualTo(404);
    }
  }
}
