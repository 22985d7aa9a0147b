package org.portcullis.submission;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.InetSocketAddress;
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
import org.portcullis.testing.Senders;
import org.portcullis.testing.SmtpReceiver;
import org.portcullis.testing.SmtpTestClient;
import org.portcullis.testing.TestDnsServer;
import org.portcullis.testing.TestGateway;

/**
 * The submission listener over real sockets, with STARTTLS and the self-signed certificate: AUTH
 * only under TLS, PLAIN and LOGIN, wrong passwords, rate limits per client and per account, sender
 * ownership, relaying only after a login, and the Date/Message-ID fix-up, checked on what the
 * smarthost receives.
 */
class SubmissionTest {

  static final String ALICE_PASSWORD = "correct horse battery";
  static final String APP_PASSWORD = "application secret 1";

  @TempDir
  static Path data;
  static TestDnsServer dns;
  static SmtpReceiver smarthost;
  static TestGateway gateway;

  @BeforeAll
  static void start() throws Exception {
    dns = Senders.describe(TestDnsServer.start());
    smarthost = SmtpReceiver.start(n -> "250 2.0.0 Ok: queued as S" + n);
    gateway = TestGateway.start(data, dns,
        "delivery.smarthost = \"127.0.0.1:" + smarthost.address().getPort() + "\"",
        "submission.login-failures-per-client = 3", "submission.login-failures-per-user = 4",
        "submission.implicit-tls-listen = \"127.0.0.1:0\"");
    MailUsers users = new MailUsers(gateway.gateway().store().mailUsers(), Clock.systemUTC());
    users.create("alice@example.test", ALICE_PASSWORD, List.of(), false);
    users.create("newsletter", APP_PASSWORD, List.of("@example.net", "news@example.test"), false);
    users.create("carol@example.test", "carols password!", List.of(), false);
  }

  @AfterAll
  static void stop() throws Exception {
    gateway.close();
    smarthost.close();
    dns.close();
  }

  private static String base64(String text) {
    return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }

  private static String plain(String user, String password) {
    return base64("\0" + user + "\0" + password);
  }

  /** Connected from {@code source}, greeted, EHLO, STARTTLS, EHLO again; returns the last EHLO reply via {@code ehlo}. */
  private static SmtpTestClient secured(String source, StringBuilder ehlo) throws Exception {
    SmtpTestClient client = SmtpTestClient.connect(gateway.submission(), source);
    assertThat(client.reply()).startsWith("220 ");
    assertThat(client.send("EHLO laptop.example.test")).contains("STARTTLS");
    assertThat(client.send("STARTTLS")).startsWith("220 ");
    client.startTls();
    ehlo.append(client.send("EHLO laptop.example.test"));
    return client;
  }

  private static SmtpTestClient loggedIn(String source, String user, String password) throws Exception {
    SmtpTestClient client = secured(source, new StringBuilder());
    assertThat(client.send("AUTH PLAIN " + plain(user, password))).startsWith("235 2.7.0");
    return client;
  }

  @Test
  void authIsOfferedAndTakenOnlyUnderTls() throws Exception {
    try (SmtpTestClient client = SmtpTestClient.connect(gateway.submission(), "127.0.0.1")) {
      client.reply();
      String ehlo = client.send("EHLO laptop.example.test");
      assertThat(ehlo).contains("STARTTLS").doesNotContain("AUTH");
      assertThat(client.send("AUTH PLAIN " + plain("alice@example.test", ALICE_PASSWORD)))
          .startsWith("538 5.7.11");
      assertThat(client.send("MAIL FROM:<alice@example.test>")).startsWith("530 5.7.0");
    }
    StringBuilder ehlo = new StringBuilder();
    try (SmtpTestClient client = secured("127.0.0.1", ehlo)) {
      assertThat(ehlo.toString()).contains("AUTH PLAIN LOGIN").doesNotContain("STARTTLS");
      assertThat(client.send("MAIL FROM:<alice@example.test>")).as("TLS alone is no login").startsWith("530 5.7.0");
      assertThat(client.send("AUTH PLAIN " + plain("alice@example.test", ALICE_PASSWORD))).startsWith("235 2.7.0");
      assertThat(client.send("AUTH PLAIN " + plain("alice@example.test", ALICE_PASSWORD)))
          .as("one AUTH per session").startsWith("503 5.5.1");
    }
    // The MX listener takes no logins at all.
    try (SmtpTestClient client = SmtpTestClient.connect(gateway.smtp(), "127.0.0.1")) {
      client.reply();
      client.send("EHLO laptop.example.test");
      assertThat(client.send("AUTH PLAIN " + plain("alice@example.test", ALICE_PASSWORD))).startsWith("503");
    }
  }

  @Test
  void wrongPasswordsAndMalformedExchangesAreRefused() throws Exception {
    try (SmtpTestClient client = secured("127.0.0.21", new StringBuilder())) {
      assertThat(client.send("AUTH PLAIN " + plain("alice@example.test", "wrong"))).startsWith("535 5.7.8");
      assertThat(client.send("AUTH CRAM-MD5")).startsWith("504 5.5.4");
      assertThat(client.send("AUTH PLAIN !!notbase64!!")).startsWith("501 5.5.2");
      assertThat(client.send("AUTH PLAIN " + base64("bob\0alice@example.test\0" + ALICE_PASSWORD)))
          .as("acting for another user").startsWith("535 5.7.8");
      assertThat(client.send("AUTH LOGIN")).isEqualTo("334 " + base64("Username:"));
      assertThat(client.send("*")).startsWith("501 5.0.0");
      assertThat(client.send("AUTH LOGIN")).startsWith("334 ");
      assertThat(client.send(base64("alice@example.test"))).isEqualTo("334 " + base64("Password:"));
      assertThat(client.send(base64(ALICE_PASSWORD))).startsWith("235 2.7.0");
      assertThat(client.send("MAIL FROM:<alice@example.test>")).startsWith("250");
    }
    try (SmtpTestClient client = secured("127.0.0.22", new StringBuilder())) {
      assertThat(client.send("AUTH PLAIN")).isEqualTo("334 ");
      assertThat(client.send(plain("ALICE@example.test", ALICE_PASSWORD))).as("logins ignore case").startsWith("235");
    }
  }

  @Test
  void failedLoginsAreLimitedPerClientNetworkAndPerAccount() throws Exception {
    for (int i = 0; i < 3; i++) {
      try (SmtpTestClient client = secured("127.0.0.31", new StringBuilder())) {
        assertThat(client.send("AUTH PLAIN " + plain("nobody" + i, "guess " + i))).startsWith("535");
      }
    }
    try (SmtpTestClient client = secured("127.0.0.31", new StringBuilder())) {
      assertThat(client.send("AUTH PLAIN " + plain("carol@example.test", "carols password!")))
          .as("even the right password, from a client past its limit").startsWith("454 4.7.0")
          .contains("too many failed logins from your network");
    }
    // One account guessed from many addresses: four failures in all, then no more tries anywhere.
    for (int i = 0; i < 4; i++) {
      try (SmtpTestClient client = secured("127.0.0." + (41 + i), new StringBuilder())) {
        assertThat(client.send("AUTH PLAIN " + plain("carol@example.test", "guess " + i))).startsWith("535");
      }
    }
    try (SmtpTestClient client = secured("127.0.0.49", new StringBuilder())) {
      assertThat(client.send("AUTH PLAIN " + plain("carol@example.test", "carols password!")))
          .startsWith("454 4.7.0").contains("for this account");
      assertThat(client.send("AUTH PLAIN " + plain("alice@example.test", ALICE_PASSWORD)))
          .as("other accounts are not affected").startsWith("235");
    }
  }

  @Test
  void aLoggedInUserMayNotSendWithTheNullSenderToOtherDomains() throws Exception {
    try (SmtpTestClient client = loggedIn("127.0.0.1", "alice@example.test", ALICE_PASSWORD)) {
      assertThat(client.send("MAIL FROM:<>")).startsWith("250");
      assertThat(client.send("RCPT TO:<friend@elsewhere.example>")).startsWith("550 5.7.1")
          .contains("the null sender <> may only write to this server's own domains");
      assertThat(client.send("RCPT TO:<bob@example.test>")).as("a receipt to a colleague").startsWith("250");
    }
  }

  @Test
  void aUserMaySendOnlyAsAddressesTheyOwn() throws Exception {
    try (SmtpTestClient client = loggedIn("127.0.0.1", "alice@example.test", ALICE_PASSWORD)) {
      String refused = client.send("MAIL FROM:<bob@example.test>");
      assertThat(refused).startsWith("553 5.7.1").contains("not owned by user alice@example.test", "; see https://mx.example.test/ref/");
      assertThat(client.send("MAIL FROM:<Alice@EXAMPLE.test>")).startsWith("250");
      assertThat(client.send("RSET")).startsWith("250");
      assertThat(client.send("MAIL FROM:<>")).as("bounces and receipts").startsWith("250");
    }
    try (SmtpTestClient client = loggedIn("127.0.0.1", "newsletter", APP_PASSWORD)) {
      assertThat(client.send("MAIL FROM:<anyone@example.net>")).startsWith("250");
      assertThat(client.send("RSET")).startsWith("250");
      assertThat(client.send("MAIL FROM:<news@example.test>")).startsWith("250");
      assertThat(client.send("RSET")).startsWith("250");
      assertThat(client.send("MAIL FROM:<alice@example.test>")).startsWith("553 5.7.1");
    }
  }

  @Test
  void aLoggedInUserRelaysAndMissingDateAndMessageIdAreAdded() throws Exception {
    int before = smarthost.received().size();
    try (SmtpTestClient client = loggedIn("127.0.0.1", "alice@example.test", ALICE_PASSWORD)) {
      assertThat(client.send("MAIL FROM:<alice@example.test>")).startsWith("250");
      assertThat(client.send("RCPT TO:<friend@elsewhere.example>")).startsWith("250");
      assertThat(client.data("From: Alice <alice@example.test>\r\nTo: friend@elsewhere.example\r\n"
          + "Subject: no date, no id\r\n\r\nHello.\r\n")).startsWith("250 2.0.0 Ok: queued as");
      assertThat(client.send("MAIL FROM:<alice@example.test>")).startsWith("250");
      assertThat(client.send("RCPT TO:<friend@elsewhere.example>")).startsWith("250");
      assertThat(client.data("From: alice@example.test\r\nDate: Mon, 30 Nov 2026 10:00:00 +0000\r\n"
          + "Message-ID: <mine@laptop.example.test>\r\nSubject: complete\r\n\r\nHello again.\r\n")).startsWith("250");
    }
    await().atMost(Duration.ofSeconds(20)).until(() -> smarthost.received().size() >= before + 2);
    List<SmtpReceiver.Received> got = smarthost.received().subList(before, before + 2);
    SmtpReceiver.Received fixed = got.stream().filter(r -> r.data().contains("no date, no id")).findFirst().orElseThrow();
    assertThat(fixed.to()).containsExactly("<friend@elsewhere.example>");
    assertThat(fixed.data()).containsPattern("(?m)^Date: [A-Z][a-z]{2}, \\d{1,2} [A-Z][a-z]{2} \\d{4} ")
        .containsPattern("(?m)^Message-ID: <[^>@]+@mx\\.example\\.test>")
        .containsPattern("(?m)^Received: from laptop\\.example\\.test .*\\r?\\n.*with ESMTPSA");
    SmtpReceiver.Received complete = got.stream().filter(r -> r.data().contains("complete")).findFirst().orElseThrow();
    assertThat(complete.data().split("(?m)^Date: ", -1)).hasSize(2);
    assertThat(complete.data()).contains("Message-ID: <mine@laptop.example.test>")
        .doesNotContainPattern("(?m)^Message-ID: <[^>]+@mx\\.example\\.test>");
  }

  @Test
  void withoutALoginTheMxListenerStillRefusesToRelay() throws Exception {
    try (SmtpTestClient client = SmtpTestClient.connect(gateway.smtp(), Senders.GOOD)) {
      client.reply();
      assertThat(client.startTransaction("mail.good.example", "someone@good.example", "friend@elsewhere.example"))
          .startsWith("554 5.7.1").contains("Relay access denied");
    }
  }

  @Test
  void implicitTlsStartsEncryptedAndOffersAuthAtOnce() throws Exception {
    InetSocketAddress implicit = gateway.gateway().implicitTlsAddress().orElseThrow();
    try (SmtpTestClient client = SmtpTestClient.connect(implicit, "127.0.0.1")) {
      client.startTls();
      assertThat(client.reply()).startsWith("220 ");
      assertThat(client.send("EHLO laptop.example.test")).contains("AUTH PLAIN LOGIN").doesNotContain("STARTTLS");
      assertThat(client.send("AUTH PLAIN " + plain("alice@example.test", ALICE_PASSWORD))).startsWith("235");
    }
  }
}
