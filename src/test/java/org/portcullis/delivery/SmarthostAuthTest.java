package org.portcullis.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.portcullis.cli.Main;
import org.portcullis.smtp.TlsContexts;
import org.portcullis.testing.Senders;
import org.portcullis.testing.SmtpReceiver;
import org.portcullis.testing.SmtpTestClient;
import org.portcullis.testing.TestCertificates;
import org.portcullis.testing.TestDnsServer;
import org.portcullis.testing.TestGateway;

/**
 * Relaying through the ISP with authentication (seed 001): an in-process smarthost that offers
 * AUTH only after STARTTLS (or over implicit TLS) and refuses MAIL without it. The right password
 * delivers, over TLS with the certificate checked against the CA file; a wrong password, a
 * certificate for another name, or a smarthost without STARTTLS defer with the reason in
 * {@code queue list}, never a bounce and never plaintext credentials.
 */
class SmarthostAuthTest {

  @TempDir
  Path data;

  private String send(TestGateway gateway) throws Exception {
    try (SmtpTestClient lan = SmtpTestClient.connect(gateway.smtp(), Senders.LAN)) {
      lan.reply();
      assertThat(lan.startTransaction("pc.example.test", "alice@example.test", "friend@elsewhere.example"))
          .startsWith("250");
      return lan.data("From: alice@example.test\r\nSubject: hi\r\n\r\nhello\r\n");
    }
  }

  private TestGateway gateway(TestDnsServer dns, SmtpReceiver isp, String tls, String password, Path ca)
      throws Exception {
    Path secret = data.resolve("smarthost.password");
    Files.writeString(secret, password + "\n");
    String[] settings = {"delivery.smarthost = \"localhost:" + isp.address().getPort() + "\"",
        "delivery.smarthost-tls = \"" + tls + "\"", "delivery.smarthost-ca-file = \"" + ca + "\"",
        "delivery.smarthost-auth = \"plain\"", "delivery.smarthost-username = \"alice-isp\"",
        "delivery.smarthost-password-file = \"" + secret + "\""};
    Files.writeString(data.resolve("portcullis.toml"), TestGateway.toml(data, dns.addressText(), settings));
    return TestGateway.start(data, dns, settings);
  }

  private String queueList() {
    StringWriter out = new StringWriter();
    Main.execute(new String[] {"queue", "list", "-c", data.resolve("portcullis.toml").toString()},
        new PrintWriter(out, true), new PrintWriter(new StringWriter(), true));
    return out.toString();
  }

  @Test
  void theRightPasswordDeliversOverVerifiedTls() throws Exception {
    TestCertificates.Pem pem = TestCertificates.write(data.resolve("isp"), "localhost");
    try (TestDnsServer dns = Senders.describe(TestDnsServer.start());
        SmtpReceiver isp = SmtpReceiver.on(java.net.InetAddress.getLoopbackAddress(), 0)
            .starttls(TlsContexts.fromPem(pem.certificate(), pem.key())).auth("alice-isp", "s3cret pass word").start();
        TestGateway gateway = gateway(dns, isp, "required", "s3cret pass word", pem.certificate())) {
      assertThat(send(gateway)).startsWith("250");
      await().atMost(Duration.ofSeconds(10)).until(() -> isp.received().size() == 1);
      assertThat(isp.received().getFirst().tls()).isTrue();
      assertThat(isp.commands()).anyMatch(c -> c.startsWith("AUTH PLAIN "));
      int tlsAt = isp.commands().indexOf("STARTTLS");
      assertThat(tlsAt).as("STARTTLS before AUTH").isGreaterThanOrEqualTo(0)
          .isLessThan(isp.commands().stream().filter(c -> c.startsWith("AUTH")).map(isp.commands()::indexOf)
              .findFirst().orElseThrow());
    }
  }

  @Test
  void implicitTlsWorksToo() throws Exception {
    TestCertificates.Pem pem = TestCertificates.write(data.resolve("isp"), "localhost");
    try (TestDnsServer dns = Senders.describe(TestDnsServer.start());
        SmtpReceiver isp = SmtpReceiver.on(java.net.InetAddress.getLoopbackAddress(), 0)
            .implicitTls(TlsContexts.fromPem(pem.certificate(), pem.key())).auth("alice-isp", "pw pw pw pw").start();
        TestGateway gateway = gateway(dns, isp, "implicit", "pw pw pw pw", pem.certificate())) {
      assertThat(send(gateway)).startsWith("250");
      await().atMost(Duration.ofSeconds(10)).until(() -> isp.received().size() == 1);
      assertThat(isp.commands()).doesNotContain("STARTTLS");
    }
  }

  @Test
  void aWrongPasswordDefersWithTheReason() throws Exception {
    TestCertificates.Pem pem = TestCertificates.write(data.resolve("isp"), "localhost");
    try (TestDnsServer dns = Senders.describe(TestDnsServer.start());
        SmtpReceiver isp = SmtpReceiver.on(java.net.InetAddress.getLoopbackAddress(), 0)
            .starttls(TlsContexts.fromPem(pem.certificate(), pem.key())).auth("alice-isp", "right one").start();
        TestGateway gateway = gateway(dns, isp, "required", "wrong one", pem.certificate())) {
      assertThat(send(gateway)).startsWith("250");
      await().atMost(Duration.ofSeconds(10)).until(() -> queueList().contains("authentication as alice-isp"));
      assertThat(queueList()).contains("535").doesNotContain("wrong one");
      assertThat(isp.received()).isEmpty();
      assertThat(gateway.delivered("example.test", "alice")).as("no bounce to the sender").isEmpty();
    }
  }

  @Test
  void aCertificateForAnotherNameOrNoStarttlsDefers() throws Exception {
    TestCertificates.Pem other = TestCertificates.write(data.resolve("other"), "other.example");
    try (TestDnsServer dns = Senders.describe(TestDnsServer.start());
        SmtpReceiver isp = SmtpReceiver.on(java.net.InetAddress.getLoopbackAddress(), 0)
            .starttls(TlsContexts.fromPem(other.certificate(), other.key())).auth("alice-isp", "pw").start();
        TestGateway gateway = gateway(dns, isp, "required", "pw", other.certificate())) {
      assertThat(send(gateway)).startsWith("250");
      await().atMost(Duration.ofSeconds(10)).until(() -> queueList().contains("TLS with localhost failed"));
      assertThat(isp.commands()).noneMatch(c -> c.startsWith("AUTH"));
    }
    Path plainData = data.resolve("plain");
    Files.createDirectories(plainData);
    TestCertificates.Pem pem = TestCertificates.write(data.resolve("isp2"), "localhost");
    try (TestDnsServer dns = Senders.describe(TestDnsServer.start());
        SmtpReceiver isp = SmtpReceiver.on(java.net.InetAddress.getLoopbackAddress(), 0).start()) {
      data = plainData;
      try (TestGateway gateway = gateway(dns, isp, "required", "pw", pem.certificate())) {
        assertThat(send(gateway)).startsWith("250");
        await().atMost(Duration.ofSeconds(10)).until(() -> queueList().contains("does not offer STARTTLS"));
        assertThat(isp.commands()).noneMatch(c -> c.startsWith("AUTH") || c.startsWith("MAIL"));
      }
    }
  }

  @Test
  void credentialsWithoutTlsOrInTheTomlAreRefusedAtStart() {
    assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> org.portcullis.config.ConfigLoader.parse(
        "[delivery]\nsmarthost = \"localhost:2525\"\nsmarthost-auth = \"plain\"\nsmarthost-username = \"u\"\n"
            + "smarthost-password-file = \"/x\"\n"))).hasMessageContaining("only sent over TLS");
    assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> org.portcullis.config.ConfigLoader.parse(
        "[delivery]\nsmarthost = \"localhost:2525\"\nsmarthost-password = \"hunter2\"\n")))
        .hasMessageContaining("never kept in the TOML").hasMessageNotContaining("hunter2");
    assertThat(List.of()).isEmpty();
  }
}
