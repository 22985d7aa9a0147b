package org.portcullis.dkim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.portcullis.dns.DnsRecord;
import org.portcullis.dns.DnsType;
import org.portcullis.dns.StaticDnsResolver;
import org.portcullis.mail.RawMessage;
import org.portcullis.submission.MailUsers;
import org.portcullis.testing.Senders;
import org.portcullis.testing.SmtpReceiver;
import org.portcullis.testing.SmtpTestClient;
import org.portcullis.testing.TestDnsServer;
import org.portcullis.testing.TestGateway;

/**
 * Our users' mail leaves signed: a logged-in submission and a LAN client sending as a domain with
 * a key in the data directory reach the next hop with a DKIM signature that verifies, the Date
 * and Message-ID the server added included; mail of a domain without a key leaves unsigned; the
 * server's own delivery reports are signed with its domain's key.
 */
class DkimSigningEndToEndTest {

  @TempDir
  static Path data;
  static TestDnsServer dns;
  static SmtpReceiver smarthost;
  static TestGateway gateway;
  static DkimKeys.Key key;

  @BeforeAll
  static void start() throws Exception {
    key = DkimKeys.generate(data.resolve("dkim"), "example.test", "s2026", 2048);
    dns = Senders.describe(TestDnsServer.start());
    smarthost = SmtpReceiver.on(java.net.InetAddress.getLoopbackAddress(), 0)
        .rcpt(to -> to.startsWith("gone@") ? "550 5.1.1 <" + to + ">: no such user" : "250 2.1.5 Ok").start();
    gateway = TestGateway.start(data, dns, "delivery.smarthost = \"127.0.0.1:" + smarthost.address().getPort() + "\"");
    new MailUsers(gateway.gateway().store().mailUsers(), Clock.systemUTC()).create("alice@example.test",
        "correct horse battery", List.of("@other.test"), false);
  }

  @AfterAll
  static void stop() throws Exception {
    gateway.close();
    smarthost.close();
    dns.close();
  }

  private static SmtpReceiver.Received relayed(String marker) {
    await().atMost(Duration.ofSeconds(20)).until(() -> smarthost.received().stream().anyMatch(r -> r.data().contains(marker)));
    return smarthost.received().stream().filter(r -> r.data().contains(marker)).findFirst().orElseThrow();
  }

  private static DkimOutcome verify(SmtpReceiver.Received received) {
    RawMessage message = RawMessage.parse(received.data().replaceAll("(?<!\r)\n", "\r\n").getBytes(StandardCharsets.UTF_8));
    StaticDnsResolver published = new StaticDnsResolver().add("s2026._domainkey.example.test", DnsType.TXT,
        new DnsRecord.Txt(key.record()));
    return new DkimVerifier(published, Duration.ofSeconds(2)).verify(message.headerFields(), message.body());
  }

  @Test
  void aLoggedInUsersMailLeavesSignedWithTheFixedUpFieldsCovered() throws Exception {
    try (SmtpTestClient client = SmtpTestClient.connect(gateway.submission(), "127.0.0.1")) {
      assertThat(client.reply()).startsWith("220");
      client.send("EHLO laptop.example.test");
      assertThat(client.send("STARTTLS")).startsWith("220");
      client.startTls();
      client.send("EHLO laptop.example.test");
      String plain = Base64.getEncoder().encodeToString("\0alice@example.test\0correct horse battery"
          .getBytes(StandardCharsets.UTF_8));
      assertThat(client.send("AUTH PLAIN " + plain)).startsWith("235");
      assertThat(client.startTransaction("laptop.example.test", "alice@example.test", "friend@elsewhere.example"))
          .startsWith("250");
      assertThat(client.data("From: Alice <alice@example.test>\r\nTo: friend@elsewhere.example\r\n"
          + "Subject: signed submission\r\n\r\nNo Date, no Message-ID: the server adds both.\r\n")).startsWith("250");
    }
    SmtpReceiver.Received received = relayed("signed submission");
    assertThat(received.data()).containsPattern("(?m)^DKIM-Signature: ");
    DkimOutcome outcome = verify(received);
    assertThat(outcome.signatures()).singleElement().satisfies(s -> {
      assertThat(s.result()).as(s.reason()).isEqualTo(DkimResult.PASS);
      assertThat(s.domain()).isEqualTo("example.test");
      assertThat(s.selector()).isEqualTo("s2026");
    });
    String signature = received.data().substring(received.data().indexOf("DKIM-Signature:"));
    assertThat(signature.substring(0, signature.indexOf("bh=") + 200).replaceAll("\\s", ""))
        .contains("h=from:from:to:subject:date:message-id");
    assertThat(received.data()).containsPattern("auth=pass smtp.auth=alice@example.test");
  }

  @Test
  void aDeliveryReportIsSignedWithTheServersDomainKey() throws Exception {
    try (SmtpTestClient client = SmtpTestClient.connect(gateway.smtp(), Senders.LAN)) {
      client.reply();
      assertThat(client.startTransaction("printer.example.test", "printer@example.test", "gone@elsewhere.example"))
          .startsWith("250");
      assertThat(client.data("From: printer@example.test\r\nSubject: to nobody\r\n\r\nlost\r\n")).startsWith("250");
    }
    await().atMost(Duration.ofSeconds(20)).until(() -> gateway.delivered("example.test", "printer").size() == 1);
    String report = java.nio.file.Files.readString(gateway.delivered("example.test", "printer").getFirst(),
        StandardCharsets.UTF_8);
    assertThat(report).contains("no such user").containsPattern("(?m)^DKIM-Signature: ");
    RawMessage message = RawMessage.parse(report.substring(report.indexOf("DKIM-Signature:"))
        .replaceAll("(?<!\r)\n", "\r\n").getBytes(StandardCharsets.UTF_8));
    StaticDnsResolver published = new StaticDnsResolver().add("s2026._domainkey.example.test", DnsType.TXT,
        new DnsRecord.Txt(key.record()));
    assertThat(new DkimVerifier(published, Duration.ofSeconds(2)).verify(message.headerFields(), message.body())
        .signatures()).singleElement().satisfies(s -> assertThat(s.result()).as(s.reason()).isEqualTo(DkimResult.PASS));
  }

  @Test
  void aLanClientsMailIsSignedAndADomainWithoutAKeyIsNot() throws Exception {
    try (SmtpTestClient client = SmtpTestClient.connect(gateway.smtp(), Senders.LAN)) {
      client.reply();
      assertThat(client.startTransaction("printer.example.test", "scanner@example.test", "boss@elsewhere.example"))
          .startsWith("250");
      assertThat(client.data("From: scanner@example.test\r\nTo: boss@elsewhere.example\r\nSubject: lan scan\r\n"
          + "Date: Thu, 03 Dec 2026 10:00:00 +0000\r\nMessage-ID: <scan1@example.test>\r\n\r\nscan attached\r\n"))
          .startsWith("250");
      assertThat(client.startTransaction("printer.example.test", "scanner@other.test", "boss@elsewhere.example"))
          .startsWith("250");
      assertThat(client.data("From: scanner@other.test\r\nTo: boss@elsewhere.example\r\nSubject: no key here\r\n"
          + "\r\nunsigned\r\n")).startsWith("250");
    }
    assertThat(verify(relayed("lan scan")).signatures()).singleElement()
        .satisfies(s -> assertThat(s.result()).as(s.reason()).isEqualTo(DkimResult.PASS));
    assertThat(relayed("no key here").data()).doesNotContain("DKIM-Signature");
  }
}
