package org.portcullis.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.portcullis.mail.Recipient;
import org.portcullis.queue.QueuedMessage;
import org.portcullis.testing.Senders;
import org.portcullis.testing.SmtpTestClient;
import org.portcullis.testing.TestDnsServer;
import org.portcullis.testing.TestGateway;

/** RFC 5321 and its extensions, as a client sees them on the wire. */
class SmtpProtocolTest {

  @TempDir
  static Path data;
  static TestDnsServer dns;
  static TestGateway gateway;

  @BeforeAll
  static void start() throws Exception {
    dns = Senders.describe(TestDnsServer.start());
    gateway = TestGateway.start(data, dns, "smtp.errors-max = 5", "smtp.greeting-delay-ms = 300");
  }

  @AfterAll
  static void stop() {
    gateway.close();
    dns.close();
  }

  private static SmtpTestClient connect(String source) throws Exception {
    SmtpTestClient client = SmtpTestClient.connect(gateway.smtp(), source);
    assertThat(client.reply()).isEqualTo("220 mx.example.test ESMTP Portcullis");
    return client;
  }

  @Test
  void ehloAdvertisesTheExtensions() throws Exception {
    try (SmtpTestClient client = connect(Senders.GOOD)) {
      String ehlo = client.send("EHLO " + Senders.GOOD_NAME);
      assertThat(ehlo.lines()).containsExactly("250-mx.example.test", "250-PIPELINING", "250-SIZE 10485760",
          "250-ENHANCEDSTATUSCODES", "250-8BITMIME", "250-SMTPUTF8", "250-DSN", "250 STARTTLS");
      assertThat(client.send("HELO " + Senders.GOOD_NAME)).isEqualTo("250 mx.example.test");
    }
  }

  @Test
  void commandsOutOfSequenceGet503() throws Exception {
    try (SmtpTestClient client = connect(Senders.GOOD)) {
      client.send("EHLO " + Senders.GOOD_NAME);
      assertThat(client.send("RCPT TO:<a@example.test>")).startsWith("503 5.5.1");
      assertThat(client.send("DATA")).startsWith("503 5.5.1");
      assertThat(client.send("MAIL FROM:<alice@good.example>")).startsWith("250 2.1.0");
      assertThat(client.send("MAIL FROM:<alice@good.example>")).startsWith("503 5.5.1 Error: nested MAIL");
      assertThat(client.send("DATA")).startsWith("554 5.5.1 Error: no valid recipients");
    }
  }

  @Test
  void simpleCommandsAnswerAsTheRfcSays() throws Exception {
    try (SmtpTestClient client = connect(Senders.GOOD)) {
      assertThat(client.send("NOOP")).isEqualTo("250 2.0.0 Ok");
      assertThat(client.send("VRFY postmaster")).startsWith("252 2.5.0");
      assertThat(client.send("HELP")).startsWith("214");
      assertThat(client.send("EXPN staff")).startsWith("502 5.5.1");
      assertThat(client.send("FROBNICATE")).startsWith("500 5.5.2 Error: command not recognized");
      assertThat(client.send("RSET")).isEqualTo("250 2.0.0 Ok");
      assertThat(client.send("QUIT")).isEqualTo("221 2.0.0 Bye");
      assertThat(client.closedByServer()).isTrue();
    }
  }

  @Test
  void tooManyErrorsEndTheSession() throws Exception {
    try (SmtpTestClient client = connect(Senders.GOOD)) {
      for (int i = 0; i < 4; i++) {
        assertThat(client.send("BOGUS")).startsWith("500");
      }
      assertThat(client.send("BOGUS")).startsWith("500");
      assertThat(client.reply()).startsWith("421 4.7.0").contains("too many errors");
      assertThat(client.closedByServer()).isTrue();
    }
  }

  @Test
  void badParametersAreRefusedAndUnknownOnesGet555() throws Exception {
    try (SmtpTestClient client = connect(Senders.GOOD)) {
      client.send("EHLO " + Senders.GOOD_NAME);
      assertThat(client.send("MAIL FROM:<alice@good.example> SIZE=lots")).startsWith("501 5.5.4");
      assertThat(client.send("MAIL FROM:<alice@good.example> FROB=1")).startsWith("555 5.5.4");
      assertThat(client.send("MAIL FROM:<alice@good.example> BODY=BINARYMIME")).startsWith("501 5.5.4");
      assertThat(client.send("MAIL FROM:alice")).startsWith("501 5.1.7");
      assertThat(client.send("MAIL TO:<alice@good.example>")).startsWith("501 5.5.4 Syntax");
    }
    try (SmtpTestClient client = connect(Senders.GOOD)) {
      client.send("EHLO " + Senders.GOOD_NAME);
      assertThat(client.send("MAIL FROM:<alice@good.example>")).startsWith("250");
      assertThat(client.send("RCPT TO:<a@example.test> NOTIFY=NEVER,SUCCESS")).startsWith("501 5.5.4");
      assertThat(client.send("RCPT TO:<bob>")).startsWith("501 5.1.3").contains("full address");
    }
  }

  @Test
  void rcptToPostmasterWithoutDomainIsAccepted() throws Exception {
    try (SmtpTestClient client = connect(Senders.NO_PTR)) {
      client.send("EHLO whatever.example");
      client.send("MAIL FROM:<x@good.example>");
      assertThat(client.send("RCPT TO:<Postmaster>")).startsWith("250");
    }
  }

  @Test
  void dsnParametersAreKeptWithTheEnvelope() throws Exception {
    try (SmtpTestClient client = connect(Senders.GOOD)) {
      client.send("EHLO " + Senders.GOOD_NAME);
      assertThat(client.send("MAIL FROM:<alice@good.example> RET=HDRS ENVID=QQ+2B314 BODY=8BITMIME SIZE=100"))
          .startsWith("250");
      assertThat(client.send("RCPT TO:<dsn@example.test> NOTIFY=SUCCESS,FAILURE ORCPT=rfc822;dsn+2Bx@example.test"))
          .startsWith("250");
      String reply = client.data("From: tester@good.example\r\nSubject: dsn\r\n\r\nbody");
      assertThat(reply).startsWith("250");
      String queueId = reply.substring(reply.lastIndexOf(' ') + 1);
      QueuedMessage seen = gateway.gateway().spool().messages().stream()
          .filter(m -> m.queueId().equals(queueId)).findFirst().orElse(null);
      if (seen != null) {
        assertThat(seen.envelope().parameters().envelopeId()).contains("QQ+314");
        assertThat(seen.envelope().recipients().getFirst().notifyOn())
            .containsExactlyInAnyOrder(Recipient.Notify.SUCCESS, Recipient.Notify.FAILURE);
        assertThat(seen.envelope().recipients().getFirst().originalRecipient()).contains("rfc822;dsn+x@example.test");
      }
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> gateway.delivered("example.test", "dsn").size() == 1);
  }

  @Test
  void smtputf8AddressesNeedTheParameter() throws Exception {
    try (SmtpTestClient client = connect(Senders.LAN)) {
      client.send("EHLO lan.example.test");
      assertThat(client.send("MAIL FROM:<jörg@exämple.org>")).startsWith("553 5.6.7");
      assertThat(client.send("MAIL FROM:<jörg@exämple.org> SMTPUTF8")).startsWith("250");
      assertThat(client.send("RCPT TO:<jörg@example.test>")).startsWith("250");
      assertThat(client.data("From: tester@good.example\r\nSubject: grüße\r\n\r\nhallo")).startsWith("250");
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> gateway.delivered("example.test", "j%C3%B6rg").size() == 1);
    String stored = Files.readString(gateway.delivered("example.test", "j%C3%B6rg").getFirst(), StandardCharsets.UTF_8);
    assertThat(stored).contains("with UTF8SMTP id").contains("Subject: grüße");
  }

  @Test
  void aPipelinedGroupGetsItsRepliesInOrder() throws Exception {
    try (SmtpTestClient client = connect(Senders.GOOD)) {
      client.send("EHLO " + Senders.GOOD_NAME);
      client.write("MAIL FROM:<alice@good.example>\r\nRCPT TO:<p1@example.test>\r\nRCPT TO:<nobody@elsewhere.example>\r\n"
          + "RCPT TO:<p2@example.test>\r\nDATA\r\n");
      assertThat(client.reply()).startsWith("250 2.1.0");
      assertThat(client.reply()).startsWith("250 2.1.5");
      assertThat(client.reply()).startsWith("554 5.7.1");
      assertThat(client.reply()).startsWith("250 2.1.5");
      assertThat(client.reply()).startsWith("354");
      client.write("From: tester@good.example\r\nSubject: pipelined\r\n\r\nhi\r\n.\r\nQUIT\r\n");
      assertThat(client.reply()).startsWith("250 2.0.0 Ok: queued");
      assertThat(client.reply()).startsWith("221");
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> gateway.delivered("example.test", "p2").size() == 1);
  }

  @Test
  void pipeliningWithoutTheExtensionIsDetectedAndRefused() throws Exception {
    try (SmtpTestClient client = connect(Senders.GOOD)) {
      client.write("HELO " + Senders.GOOD_NAME + "\r\nMAIL FROM:<alice@good.example>\r\nRCPT TO:<bob@example.test>\r\n");
      assertThat(client.reply()).startsWith("250 mx.example.test");
      assertThat(client.reply()).startsWith("250");
      assertThat(client.reply()).startsWith("550 5.5.1 Protocol error: commands sent without waiting");
    }
  }

  @Test
  void aClientTalkingBeforeTheGreetingIsRefusedAtRcpt() throws Exception {
    try (SmtpTestClient client = SmtpTestClient.connect(gateway.smtp(), Senders.GOOD)) {
      client.write("EHLO " + Senders.GOOD_NAME + "\r\n");
      assertThat(client.reply()).startsWith("220");
      assertThat(client.reply()).startsWith("250-mx.example.test");
      assertThat(client.send("MAIL FROM:<alice@good.example>")).startsWith("250");
      assertThat(client.send("RCPT TO:<bob@example.test>")).startsWith("550 5.5.1 Protocol error: you talked before");
      assertThat(client.send("RCPT TO:<postmaster@example.test>")).startsWith("250");
    }
  }

  @Test
  void aTaggedMessageCarriesTheHeaderWithItsReference() throws Exception {
    dns.a("other-name.good.example", Senders.GOOD);
    try (SmtpTestClient client = connect(Senders.GOOD)) {
      // HELO differs from the PTR (mail.good.example): RFC 5321 4.1.4 lets us only tag.
      assertThat(client.startTransaction("other-name.good.example", "alice@good.example", "tagged@example.test"))
          .startsWith("250");
      assertThat(client.data("From: tester@good.example\r\nSubject: hi\r\n\r\nbody")).startsWith("250");
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> gateway.delivered("example.test", "tagged").size() == 1);
    String stored = Files.readString(gateway.delivered("example.test", "tagged").getFirst(), StandardCharsets.UTF_8);
    assertThat(stored).containsPattern("X-Portcullis-Tag: info; check=helo-ptr-match; HELO name other-name.good.example "
        + "differs from the reverse DNS name mail.good.example \\(information only: RFC 5321 4.1.4\\); ref=[0-9A-Z]{16}");
  }
}
