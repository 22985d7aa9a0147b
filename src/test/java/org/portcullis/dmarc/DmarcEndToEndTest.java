package org.portcullis.dmarc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.portcullis.dkim.DkimSigner;
import org.portcullis.mail.RawMessage;
import org.portcullis.testing.Refs;
import org.portcullis.testing.Senders;
import org.portcullis.testing.SmtpTestClient;
import org.portcullis.testing.TestDnsServer;
import org.portcullis.testing.TestGateway;

/**
 * DMARC over SMTP: a forged sender of a p=reject domain is refused with a reference whose page
 * explains SPF and DMARC in plain words; p=quarantine tags; a forwarded message keeps its DKIM
 * pass and so its DMARC pass; a message with two authors is refused; a trusted forwarder is never
 * refused and the override is recorded.
 */
class DmarcEndToEndTest {

  private static KeyPair key;

  @TempDir
  Path data;
  private TestDnsServer dns;
  private TestGateway gateway;

  @BeforeAll
  static void keys() throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(2048);
    key = generator.generateKeyPair();
  }

  private void start(String... settings) throws Exception {
    dns = Senders.describe(TestDnsServer.start());
    dns.txt("bank.example", "v=spf1 ip4:192.0.2.1 -all").txt("_dmarc.bank.example", "v=DMARC1; p=reject")
        .a("bank.example", "192.0.2.1").mx("bank.example", 10, "bank.example");
    dns.txt("shop.example", "v=spf1 ip4:192.0.2.2 -all").txt("_dmarc.shop.example", "v=DMARC1; p=quarantine")
        .a("shop.example", "192.0.2.2").mx("shop.example", 10, "shop.example");
    dns.txt("good.example", "v=spf1 ip4:" + Senders.GOOD + " -all").txt("_dmarc.good.example", "v=DMARC1; p=reject");
    dns.a("list.example", "192.0.2.3").mx("list.example", 10, "list.example");
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

  private String send(String mailFrom, String to, String message) throws Exception {
    try (SmtpTestClient client = SmtpTestClient.connect(gateway.smtp(), Senders.GOOD)) {
      client.reply();
      String reply = client.startTransaction(Senders.GOOD_NAME, mailFrom, to);
      return reply.startsWith("250") ? client.data(message) : reply;
    }
  }

  private static String message(String from, String subject) {
    return "From: " + from + "\r\nTo: carol@example.test\r\nSubject: " + subject + "\r\n"
        + "Message-ID: <" + subject.hashCode() + "@example>\r\n\r\nPlease pay the attached invoice.\r\n";
  }

  private static String signed(String message) throws Exception {
    RawMessage parsed = RawMessage.parse(message.getBytes(StandardCharsets.UTF_8));
    return new DkimSigner("good.example", "sel", key.getPrivate()).sign(parsed.headerFields(), parsed.body(),
        Instant.now()) + "\r\n" + message;
  }

  private String delivered(String localPart) throws Exception {
    await().atMost(Duration.ofSeconds(10)).until(() -> gateway.delivered("example.test", localPart).size() == 1);
    return Files.readString(gateway.delivered("example.test", localPart).getFirst(), StandardCharsets.UTF_8)
        .replace("\r\n", "\n");
  }

  @Test
  void aForgedSenderOfARejectDomainIsRefusedAndItsPageExplainsSpfAndDmarc() throws Exception {
    start();
    String reply = send("billing@bank.example", "carol@example.test", message("Bank <billing@bank.example>", "pay"));
    assertThat(reply).startsWith("550 5.7.1 DMARC: bank.example asks that mail failing its authentication be rejected");
    String ref = Refs.of(reply);
    await().atMost(Duration.ofSeconds(10)).until(() -> gateway.gateway().store().refusals().find(ref).isPresent());
    assertThat(gateway.gateway().store().refusals().find(ref).orElseThrow().check()).isEqualTo("dmarc");
    HttpResponse<String> page = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
        + gateway.gateway().webPort().orElseThrow() + "/ref/" + ref)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.body()).contains("bank.example").contains("SPF record").contains("DKIM")
        .contains("send it through the mail servers of bank.example").contains("v=DMARC1; p=reject");
    assertThat(gateway.delivered("example.test", "carol")).isEmpty();
  }

  @Test
  void quarantineTagsAndAPassIsRecorded() throws Exception {
    start();
    assertThat(send("offers@shop.example", "dave@example.test", message("offers@shop.example", "deal"))).startsWith("250");
    assertThat(delivered("dave")).contains("dmarc=fail (p=quarantine dis=quarantine) header.from=shop.example")
        .contains("X-Portcullis-Tag: spam; check=dmarc;");
    assertThat(send("alice@good.example", "erin@example.test", message("alice@good.example", "hello"))).startsWith("250");
    assertThat(delivered("erin")).contains("dmarc=pass (p=reject dis=none) header.from=good.example")
        .doesNotContain("X-Portcullis-Tag");
  }

  @Test
  void withOnQuarantineQuarantineTheFailureIsHeldNotDelivered() throws Exception {
    start("dmarc.on-quarantine = \"quarantine\"");
    assertThat(send("offers@shop.example", "dave@example.test", message("offers@shop.example", "deal"))).startsWith("250");
    assertThat(gateway.gateway().spool().messages()).as("not queued").isEmpty();
    java.util.List<org.portcullis.quarantine.QuarantineEntry> held = gateway.gateway().store().quarantine()
        .list(java.util.Optional.of("example.test"), java.util.Optional.empty(), 10);
    assertThat(held).singleElement().satisfies(e -> {
      assertThat(e.check()).isEqualTo("dmarc");
      assertThat(e.recipients()).containsExactly("dave@example.test");
    });
    assertThat(gateway.delivered("example.test", "dave")).isEmpty();
  }

  @Test
  void aForwardedMessageKeepsItsDkimPassAndSoItsDmarcPass() throws Exception {
    start();
    String forwarded = "Received: by list.example; Thu, 03 Dec 2026 10:00:00 +0000\r\n"
        + signed(message("Alice <alice@good.example>", "minutes"));
    assertThat(send("list-bounces@list.example", "frank@example.test", forwarded)).startsWith("250");
    assertThat(delivered("frank")).contains("spf=none smtp.mailfrom=list-bounces@list.example")
        .contains("dkim=pass header.d=good.example").contains("dmarc=pass (p=reject dis=none) header.from=good.example");
  }

  @Test
  void aMessageWithoutExactlyOneAuthorIsRefused() throws Exception {
    start();
    assertThat(send("alice@good.example", "carol@example.test",
        "From: alice@good.example\r\nFrom: billing@bank.example\r\nSubject: two\r\n\r\nx\r\n"))
        .startsWith("550 5.7.1 DMARC: the message must have exactly one From address; it has 2 From fields");
    assertThat(send("alice@good.example", "carol@example.test",
        "From: alice@good.example, billing@bank.example\r\nSubject: two\r\n\r\nx\r\n")).startsWith("550 5.7.1");
    assertThat(send("alice@good.example", "carol@example.test", "Subject: nobody\r\n\r\nx\r\n")).startsWith("550 5.7.1");
  }

  @Test
  void postmasterTakesEvenAForgeryAndTheOverrideIsRecorded() throws Exception {
    start();
    assertThat(send("billing@bank.example", "postmaster@example.test", message("billing@bank.example", "complaint")))
        .startsWith("250");
    assertThat(delivered("postmaster")).contains("dmarc=fail (p=reject dis=none override=local_policy) "
        + "header.from=bank.example");
  }

  @Test
  void aTrustedForwarderIsNeverRefusedAndTheOverrideIsRecorded() throws Exception {
    start("dmarc.trusted-forwarders = [\"" + Senders.GOOD_NAME.substring(Senders.GOOD_NAME.indexOf('.') + 1) + "\"]");
    assertThat(send("billing@bank.example", "gina@example.test", message("billing@bank.example", "fwd"))).startsWith("250");
    assertThat(delivered("gina")).contains("dmarc=fail (p=reject dis=none override=trusted_forwarder) "
        + "header.from=bank.example");
  }
}
