package org.portcullis.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import java.util.regex.Matcher;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.portcullis.cli.Main;
import org.portcullis.policy.RefusalRecord;
import org.portcullis.testing.Senders;
import org.portcullis.testing.SmtpTestClient;
import org.portcullis.testing.TestDnsServer;
import org.portcullis.testing.TestGateway;

/**
 * The whole gateway over real sockets: a real client library sends good mail that lands in the
 * Maildir; bad senders are refused with a reference that {@code portcullis why} explains.
 */
class GatewayEndToEndTest {

  @TempDir
  static Path data;
  static TestDnsServer dns;
  static TestGateway gateway;

  @BeforeAll
  static void start() throws Exception {
    dns = Senders.describe(TestDnsServer.start());
    gateway = TestGateway.start(data, dns);
  }

  @AfterAll
  static void stop() {
    gateway.close();
    dns.close();
  }

  @Test
  void aGoodServerSendingWithAngusMailIsDeliveredToTheMaildir() throws Exception {
    Properties props = new Properties();
    props.put("mail.smtp.host", "127.0.0.1");
    props.put("mail.smtp.port", String.valueOf(gateway.smtp().getPort()));
    props.put("mail.smtp.localaddress", Senders.GOOD);
    props.put("mail.smtp.localhost", Senders.GOOD_NAME);
    props.put("mail.smtp.timeout", "10000");
    Session session = Session.getInstance(props);
    MimeMessage message = new MimeMessage(session);
    message.setFrom(new InternetAddress("alice@good.example"));
    message.setRecipient(Message.RecipientType.TO, new InternetAddress("carol@example.test"));
    message.setSubject("Quarterly report");
    message.setText("Numbers attached.\n.\nA line with only a dot above.\n", "UTF-8");
    Transport.send(message);

    await().atMost(Duration.ofSeconds(10)).until(() -> gateway.delivered("example.test", "carol").size() == 1);
    String delivered = Files.readString(gateway.delivered("example.test", "carol").getFirst(), StandardCharsets.UTF_8);
    assertThat(delivered).startsWith("Return-Path: <alice@good.example>\nDelivered-To: carol@example.test\nReceived: from "
        + Senders.GOOD_NAME + " (" + Senders.GOOD_NAME + " [" + Senders.GOOD + "])");
    assertThat(delivered).contains("by mx.example.test (Portcullis) with ESMTP id ").contains("for <carol@example.test>;");
    assertThat(delivered).contains("Subject: Quarterly report").contains("\n.\nA line with only a dot above.");
    assertThat(delivered).doesNotContain("\r\n");
    await().atMost(Duration.ofSeconds(5)).until(() -> gateway.gateway().spool().size() == 0);
  }

  @Test
  void aServerWithoutReverseDnsIsRefusedWithAReferenceThatWhyExplains() throws Exception {
    String reply;
    try (SmtpTestClient client = SmtpTestClient.connect(gateway.smtp(), Senders.NO_PTR)) {
      assertThat(client.reply()).startsWith("220 mx.example.test");
      reply = client.startTransaction("mail.nowhere.example", "bob@good.example", "carol@example.test");
      assertThat(client.send("QUIT")).startsWith("221");
    }
    assertThat(reply).startsWith("550 5.7.25 Client host [" + Senders.NO_PTR + "] has no reverse DNS (PTR) record; see https://mx.example.test/ref/");
    String ref = reference(reply);

    gateway.gateway().store().refusals().flush();
    RefusalRecord record = gateway.gateway().store().refusals().find(ref).orElseThrow();
    assertThat(record.check()).isEqualTo("client-ptr");
    assertThat(record.sender()).isEqualTo("<bob@good.example>");
    assertThat(record.recipient()).isEqualTo("<carol@example.test>");
    assertThat(record.helo()).isEqualTo("mail.nowhere.example");

    Path config = data.resolve("why.toml");
    Files.writeString(config, TestGateway.toml(data, dns.addressText()));
    StringWriter out = new StringWriter();
    int code = Main.execute(new String[] {"why", "-c", config.toString(), "ref=" + ref}, new PrintWriter(out), new PrintWriter(new StringWriter()));
    assertThat(code).isZero();
    assertThat(out.toString())
        .contains("Check       client-ptr")
        .contains("PTR query: 1.2.0.127.in-addr.arpa -> NXDOMAIN")
        .contains("How to fix it")
        .contains("mx.example.test");
  }

  @Test
  void postmasterIsReachableFromAnyone() throws Exception {
    try (SmtpTestClient client = SmtpTestClient.connect(gateway.smtp(), Senders.NO_PTR)) {
      client.reply();
      assertThat(client.startTransaction("x", "bob@good.example", "postmaster@example.test")).startsWith("250");
      assertThat(client.data("Subject: please delist me\r\n\r\nhello")).startsWith("250 2.0.0 Ok: queued as ");
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> gateway.delivered("example.test", "postmaster").size() == 1);
  }

  @Test
  void aDnsTimeoutIsATemporaryFailureNeverAPass() throws Exception {
    try (SmtpTestClient client = SmtpTestClient.connect(gateway.smtp(), Senders.DNS_DOWN)) {
      client.reply();
      String reply = client.startTransaction("mail.example.org", "bob@good.example", "carol@example.test");
      assertThat(reply).startsWith("450 4.7.25 ");
    }
  }

  @Test
  void aDynamicClientIsToldToUseItsProvidersServer() throws Exception {
    try (SmtpTestClient client = SmtpTestClient.connect(gateway.smtp(), Senders.DYNAMIC)) {
      client.reply();
      String reply = client.startTransaction("127-0-3-1.dyn.isp.example", "bob@good.example", "carol@example.test");
      assertThat(reply).startsWith("550 5.7.1 Client host [127.0.3.1] has a generic");
    }
  }

  @Test
  void everyRefusalIsLoggedAsOneKeyValueLine() throws Exception {
    // The session's own counters prove the refusal happened; the store holds the same reference.
    try (SmtpTestClient client = SmtpTestClient.connect(gateway.smtp(), Senders.GOOD)) {
      client.reply();
      String reply = client.startTransaction(Senders.GOOD_NAME, "alice@good.example", "x@elsewhere.example");
      assertThat(reply).startsWith("554 5.7.1 Relay access denied");
      gateway.gateway().store().refusals().flush();
      assertThat(gateway.gateway().store().refusals().find(reference(reply)))
          .hasValueSatisfying(r -> assertThat(r.outcome()).isEqualTo("reject"));
    }
  }

  static String reference(String reply) {
    Matcher m = org.portcullis.testing.Refs.IN_REPLY.matcher(reply);
    assertThat(m.find()).as("reply has a reference: " + reply).isTrue();
    return m.group(1);
  }
}
