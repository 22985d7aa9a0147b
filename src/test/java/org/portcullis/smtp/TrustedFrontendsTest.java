package org.portcullis.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.portcullis.testing.Senders;
import org.portcullis.testing.SmtpTestClient;
import org.portcullis.testing.TestDnsServer;
import org.portcullis.testing.TestGateway;

/** STARTTLS, XCLIENT and the PROXY protocol: who may use them, and what they change. */
class TrustedFrontendsTest {

  @TempDir
  static Path data;
  @TempDir
  static Path proxyData;
  static TestDnsServer dns;
  static TestGateway gateway;
  static TestGateway behindProxy;

  @BeforeAll
  static void start() throws Exception {
    dns = Senders.describe(TestDnsServer.start());
    gateway = TestGateway.start(data, dns, "smtp.xclient-networks = [\"127.0.0.1/32\"]");
    behindProxy = TestGateway.start(proxyData, dns, "smtp.proxy-protocol = true",
        "smtp.proxy-networks = [\"127.0.0.1/32\"]");
  }

  @AfterAll
  static void stop() {
    gateway.close();
    behindProxy.close();
    dns.close();
  }

  @Test
  void starttlsEncryptsTheSessionAndTheReceivedHeaderSaysSo() throws Exception {
    try (SmtpTestClient client = SmtpTestClient.connect(gateway.smtp(), Senders.GOOD)) {
      client.reply();
      assertThat(client.send("EHLO " + Senders.GOOD_NAME)).contains("STARTTLS");
      assertThat(client.send("STARTTLS")).startsWith("220 2.0.0");
      client.startTls();
      String ehlo = client.send("EHLO " + Senders.GOOD_NAME);
      assertThat(ehlo).doesNotContain("STARTTLS");
      assertThat(client.send("STARTTLS")).startsWith("503 5.5.1");
      assertThat(client.send("MAIL FROM:<alice@good.example>")).startsWith("250");
      assertThat(client.send("RCPT TO:<secret@example.test>")).startsWith("250");
      assertThat(client.data("From: tester@good.example\r\nSubject: over TLS\r\n\r\nhi")).startsWith("250");
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> gateway.delivered("example.test", "secret").size() == 1);
    String stored = Files.readString(gateway.delivered("example.test", "secret").getFirst(), StandardCharsets.UTF_8);
    assertThat(stored).contains("with ESMTPS id").contains("(using TLSv1.3");
  }

  @Test
  void plaintextPipelinedAfterStarttlsIsDiscardedNotObeyed() throws Exception {
    try (SmtpTestClient client = SmtpTestClient.connect(gateway.smtp(), Senders.GOOD)) {
      client.reply();
      client.send("EHLO " + Senders.GOOD_NAME);
      client.write("STARTTLS\r\nHELP\r\n");
      assertThat(client.reply()).startsWith("220 2.0.0");
      client.startTls();
      assertThat(client.send("NOOP")).as("the injected HELP was never answered").isEqualTo("250 2.0.0 Ok");
    }
  }

  @Test
  void xclientFromAnUntrustedAddressIsRefused() throws Exception {
    try (SmtpTestClient client = SmtpTestClient.connect(gateway.smtp(), Senders.GOOD)) {
      client.reply();
      assertThat(client.send("EHLO " + Senders.GOOD_NAME)).doesNotContain("XCLIENT");
      assertThat(client.send("XCLIENT ADDR=192.0.2.1")).startsWith("550 5.7.0");
    }
  }

  @Test
  void xclientFromATrustedAddressReplacesTheClient() throws Exception {
    try (SmtpTestClient client = SmtpTestClient.connect(gateway.smtp(), "127.0.0.1")) {
      client.reply();
      assertThat(client.send("EHLO proxy.example.test")).contains("XCLIENT");
      assertThat(client.send("XCLIENT ADDR=" + Senders.NO_PTR)).startsWith("220 mx.example.test");
      assertThat(client.startTransaction("whatever.example", "alice@good.example", "bob@example.test"))
          .startsWith("550 5.7.25 Client host [" + Senders.NO_PTR + "]");
      assertThat(client.send("XCLIENT ADDR=192.0.2.33 NAME=relay.partner.example")).startsWith("503");
      client.send("RSET");
      assertThat(client.send("XCLIENT ADDR=IPV6:2001:db8::33 NAME=[UNAVAILABLE]")).startsWith("220");
      assertThat(client.startTransaction("whatever.example", "alice@good.example", "bob@example.test"))
          .startsWith("550 5.7.25 Client host [2001:db8::33]");
      client.send("RSET");
      assertThat(client.send("XCLIENT ADDR=not-an-ip")).startsWith("501 5.5.4");
    }
  }

  @Test
  void aProxyV1HeaderGivesTheRealClientAddress() throws Exception {
    try (SmtpTestClient client = SmtpTestClient.connect(behindProxy.smtp(), "127.0.0.1")) {
      client.write("PROXY TCP4 " + Senders.NO_PTR + " 127.0.0.1 40000 25\r\n");
      assertThat(client.reply()).startsWith("220");
      assertThat(client.startTransaction("whatever.example", "alice@good.example", "bob@example.test"))
          .startsWith("550 5.7.25 Client host [" + Senders.NO_PTR + "]");
    }
  }

  @Test
  void aProxyV2HeaderGivesTheRealClientAddress() throws Exception {
    ByteArrayOutputStream header = new ByteArrayOutputStream();
    header.writeBytes(new byte[] {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A, 0x21, 0x11, 0, 12});
    header.writeBytes(InetAddress.ofLiteral(Senders.GOOD).getAddress());
    header.writeBytes(InetAddress.ofLiteral("127.0.0.1").getAddress());
    header.writeBytes(ByteBuffer.allocate(4).putShort((short) 40000).putShort((short) 25).array());
    try (SmtpTestClient client = SmtpTestClient.connect(behindProxy.smtp(), "127.0.0.1")) {
      client.write(header.toByteArray());
      assertThat(client.reply()).startsWith("220");
      assertThat(client.startTransaction(Senders.GOOD_NAME, "alice@good.example", "viaproxy@example.test"))
          .startsWith("250");
      assertThat(client.data("From: tester@good.example\r\nSubject: via proxy\r\n\r\nhi")).startsWith("250");
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> behindProxy.delivered("example.test", "viaproxy").size() == 1);
    assertThat(Files.readString(behindProxy.delivered("example.test", "viaproxy").getFirst()))
        .contains("(" + Senders.GOOD_NAME + " [" + Senders.GOOD + "])");
  }

  @Test
  void aProxyHeaderFromAnUntrustedAddressOrNoHeaderAtAllIsDropped() throws Exception {
    try (SmtpTestClient client = SmtpTestClient.connect(behindProxy.smtp(), "127.0.0.5")) {
      client.write("PROXY TCP4 " + Senders.GOOD + " 127.0.0.1 40000 25\r\n");
      assertThat(client.reply()).isNull();
    }
    try (SmtpTestClient client = SmtpTestClient.connect(behindProxy.smtp(), "127.0.0.1")) {
      client.write("EHLO no-header.example\r\n");
      assertThat(client.reply()).isNull();
    }
  }
}
