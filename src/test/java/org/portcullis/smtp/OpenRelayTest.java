package org.portcullis.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.portcullis.testing.Senders;
import org.portcullis.testing.SmtpTestClient;
import org.portcullis.testing.TestDnsServer;
import org.portcullis.testing.TestGateway;

/**
 * The open-relay battery: from a perfectly good outside server, every classic trick to make the
 * gateway pass mail on to another domain is refused, and nothing ever leaves for such a domain.
 */
class OpenRelayTest {

  @TempDir
  static Path data;
  static TestDnsServer dns;
  static TestGateway gateway;

  @BeforeAll
  static void start() throws Exception {
    dns = Senders.describe(TestDnsServer.start());
    gateway = TestGateway.start(data, dns, "smtp.errors-max = 1000");
  }

  @AfterAll
  static void stop() {
    gateway.close();
    dns.close();
  }

  @ParameterizedTest(name = "RCPT TO:{0} -> {1}")
  @CsvSource(delimiter = '|', value = {
      "<victim@elsewhere.example>|554 5.7.1",
      "<VICTIM@ELSEWHERE.EXAMPLE>|554 5.7.1",
      "<victim%elsewhere.example@example.test>|554 5.7.1",
      "<VICTIM%ELSEWHERE.EXAMPLE@EXAMPLE.TEST>|554 5.7.1",
      "<victim%elsewhere.example@[127.0.0.1]>|554 5.7.1",
      "<@example.test:victim@elsewhere.example>|554 5.7.1",
      "<@example.test,@mx.example.test:victim@elsewhere.example>|554 5.7.1",
      "<\"victim@elsewhere.example\"@example.test>|554 5.7.1",
      "<\"victim%elsewhere.example\"@example.test>|554 5.7.1",
      "<victim@elsewhere.example@example.test>|501 5.1.3",
      "<elsewhere.example!victim@example.test>|554 5.7.1",
      "<elsewhere.example!victim>|501 5.1.3",
      "<victim@example.test.>|501 5.1.3",
      "<victim@elsewhere.example.>|501 5.1.3",
      "<victim@[127.0.0.1]>|554 5.7.1",
      "<victim@[IPv6:::1]>|554 5.7.1",
      "< victim@elsewhere.example>|501 5.1.3",
      "<victim@elsewhere.example >|501 5.1.3",
      "victim@elsewhere.example|554 5.7.1",
      " <victim@elsewhere.example>|554 5.7.1",
      "<victim@example.test.elsewhere.example>|554 5.7.1",
      "<victim@sub.example.test>|554 5.7.1"})
  void relayTricksAreRefused(String recipient, String expected) throws Exception {
    try (SmtpTestClient client = SmtpTestClient.connect(gateway.smtp(), Senders.GOOD)) {
      client.reply();
      assertThat(client.send("EHLO " + Senders.GOOD_NAME)).startsWith("250");
      assertThat(client.send("MAIL FROM:<alice@good.example>")).startsWith("250");
      String reply = client.send("RCPT TO:" + recipient);
      assertThat(reply).startsWith(expected).contains("; see https://mx.example.test/ref/");
      assertThat(client.send("DATA")).startsWith("554 5.5.1");
    }
  }

  @Test
  void ourOwnRecipientsStillGetThrough() throws Exception {
    try (SmtpTestClient client = SmtpTestClient.connect(gateway.smtp(), Senders.GOOD)) {
      client.reply();
      assertThat(client.startTransaction(Senders.GOOD_NAME, "alice@good.example", "Victim@EXAMPLE.test")).startsWith("250");
    }
  }

  @Test
  void nothingWasEverQueuedForAnotherDomain() {
    assertThat(Files.exists(data.resolve("maildir").resolve("elsewhere.example"))).isFalse();
    gateway.gateway().spool().messages().forEach(m -> assertThat(m.envelope().recipients())
        .allSatisfy(r -> assertThat(r.address().domain()).isIn("example.test", "example.net")));
  }
}
