package org.portcullis.dkim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.portcullis.mail.RawMessage;
import org.portcullis.policy.RefusalRecord;
import org.portcullis.testing.Refs;
import org.portcullis.testing.Senders;
import org.portcullis.testing.SmtpTestClient;
import org.portcullis.testing.TestDnsServer;
import org.portcullis.testing.TestGateway;

/**
 * DKIM and Authentication-Results over SMTP: a signed message from a stranger is delivered with one
 * Authentication-Results field under our authserv-id (iprev, spf, dkim); a field that claims our
 * authserv-id on arrival is removed, others are kept; a forwarded message keeps its pass; and an
 * author domain named in {@code dkim.require-signature-from} has unsigned mail refused.
 */
class DkimEndToEndTest {

  private static KeyPair key;

  @TempDir
  Path data;
  private TestDnsServer dns;
  private TestGateway gateway;

  @BeforeAll
  static void keys() {
    key = DkimTestKeys.rsa(2048);
  }

  private void start(String... settings) throws Exception {
    dns = Senders.describe(TestDnsServer.start());
    dns.txt("good.example", "v=spf1 ip4:" + Senders.GOOD + " -all");
    dns.dkimKey("sel", "good.example", key.getPublic());
    gateway = TestGateway.start(data, dns, settings);
  }

  @AfterEach
  void stop() {
    if (gateway != null) {
      gateway.close();
    }
    if (dns != null) {
      dns.close();
    }
  }

  private static String signed(String message) throws Exception {
    RawMessage parsed = RawMessage.parse(message.getBytes(StandardCharsets.UTF_8));
    return new DkimSigner("good.example", "sel", key.getPrivate()).sign(parsed.headerFields(), parsed.body(),
        Instant.now()) + "\r\n" + message;
  }

  private String send(String from, String to, String message) throws Exception {
    try (SmtpTestClient client = SmtpTestClient.connect(gateway.smtp(), Senders.GOOD)) {
      client.reply();
      String reply = client.startTransaction(Senders.GOOD_NAME, from, to);
      return reply.startsWith("250") ? client.data(message) : reply;
    }
  }

  private String delivered(String localPart) throws Exception {
    await().atMost(Duration.ofSeconds(10)).until(() -> gateway.delivered("example.test", localPart).size() == 1);
    return Files.readString(gateway.delivered("example.test", localPart).getFirst(), StandardCharsets.UTF_8);
  }

  private static String message(String from, String extraHeader) {
    return extraHeader + "From: " + from + "\r\nTo: carol@example.test\r\nSubject: report\r\n"
        + "Message-ID: <3@good.example>\r\n\r\nThe report is attached.\r\n";
  }

  @Test
  void aSignedMessageIsDeliveredWithOneAuthenticationResultsFieldUnderOurName() throws Exception {
    start();
    assertThat(send("alice@good.example", "carol@example.test", signed(message("alice@good.example", ""))))
        .startsWith("250");
    String text = delivered("carol").replace("\r\n", "\n");
    assertThat(text).contains("Authentication-Results: mx.example.test;\n\tiprev=pass (" + Senders.GOOD_NAME
        + ") policy.iprev=" + Senders.GOOD + ";\n\tspf=pass smtp.mailfrom=alice@good.example;\n\tspf=none "
        + "smtp.helo=" + Senders.GOOD_NAME + ";\n\tdkim=pass header.d=good.example header.s=sel "
        + "header.a=rsa-sha256 header.b=");
    assertThat(text.split("Authentication-Results:", -1)).hasSize(2);
  }

  @Test
  void aForgedResultUnderOurAuthservIdIsRemovedAndOthersAreKept() throws Exception {
    start();
    String forged = "Authentication-Results: MX.Example.Test (forged);\r\n\tdkim=pass header.d=bank.example\r\n"
        + "Authentication-Results: relay.good.example; spf=pass smtp.mailfrom=alice@good.example\r\n";
    assertThat(send("alice@good.example", "carol@example.test", message("alice@good.example", forged)))
        .startsWith("250");
    String text = delivered("carol");
    assertThat(text).doesNotContain("header.d=bank.example").doesNotContain("(forged)")
        .contains("Authentication-Results: relay.good.example; spf=pass smtp.mailfrom=alice@good.example")
        .contains("dkim=none");
  }

  @Test
  void aForwardedMessageKeepsItsDkimPass() throws Exception {
    start();
    String forwarded = "Received: from mail.good.example by list.good.example; Thu, 03 Dec 2026 10:00:00 +0000\r\n"
        + "X-Forwarded-For: carol@example.test\r\n" + signed(message("alice@good.example", ""));
    assertThat(send("bounce@good.example", "carol@example.test", forwarded)).startsWith("250");
    assertThat(delivered("carol")).contains("dkim=pass header.d=good.example");
  }

  @Test
  void aDomainThatSignsAllItsMailHasUnsignedMailRefusedWithAnExplanation() throws Exception {
    start("dkim.require-signature-from = [\"good.example\"]");
    String reply = send("alice@good.example", "carol@example.test", message("Alice <alice@good.example>", ""));
    assertThat(reply).startsWith("550 5.7.20 DKIM: mail from good.example must be signed by good.example");
    String ref = Refs.of(reply);
    await().atMost(Duration.ofSeconds(10)).until(() -> gateway.gateway().store().refusals().find(ref).isPresent());
    RefusalRecord record = gateway.gateway().store().refusals().find(ref).orElseThrow();
    assertThat(record.check()).isEqualTo("dkim");
    assertThat(record.explanation().rule()).contains("must carry a valid DKIM signature");

    String tampered = signed(message("Alice <alice@good.example>", "")).replace("attached", "overdue");
    assertThat(send("alice@good.example", "dave@example.test", tampered)).startsWith("550 5.7.21");
    assertThat(send("alice@good.example", "erin@example.test", signed(message("Alice <alice@good.example>", ""))))
        .as("a valid signature goes through").startsWith("250");
  }
}
