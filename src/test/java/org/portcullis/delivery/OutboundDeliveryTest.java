package org.portcullis.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import jakarta.mail.Session;
import jakarta.mail.internet.InternetHeaders;
import jakarta.mail.internet.MimeMessage;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import org.eclipse.angus.mail.dsn.DeliveryStatus;
import org.eclipse.angus.mail.dsn.MultipartReport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.portcullis.smtp.TlsContexts;
import org.portcullis.testing.FakeClock;
import org.portcullis.testing.SmtpReceiver;
import org.portcullis.testing.SmtpTestClient;
import org.portcullis.testing.TestDnsServer;
import org.portcullis.testing.TestGateway;

/**
 * Direct delivery to other domains over real sockets: receivers on 127.0.0.x play the domains'
 * mail servers, the in-process DNS server gives their MX and A records, and messages come from
 * the LAN client. Bounces are read back from the sender's Maildir and parsed as RFC 3464 by
 * Angus Mail's DSN classes, not by our own code.
 */
class OutboundDeliveryTest {

  @TempDir
  Path data;
  TestDnsServer dns;
  TestGateway gateway;
  int port;
  final List<AutoCloseable> receivers = new java.util.ArrayList<>();

  @BeforeEach
  void dns() throws Exception {
    dns = TestDnsServer.start();
    // A free port number, used on every 127.0.0.x receiver of the test.
    try (java.net.ServerSocket probe = new java.net.ServerSocket(0, 1, InetAddress.ofLiteral("127.0.0.1"))) {
      port = probe.getLocalPort();
    }
  }

  @AfterEach
  void stop() throws Exception {
    if (gateway != null) {
      gateway.close();
    }
    for (AutoCloseable r : receivers) {
      r.close();
    }
    dns.close();
  }

  private SmtpReceiver.Builder receiver(String address) {
    return SmtpReceiver.on(InetAddress.ofLiteral(address), port);
  }

  private SmtpReceiver started(SmtpReceiver.Builder builder) throws Exception {
    SmtpReceiver r = builder.start();
    receivers.add(r);
    return r;
  }

  private void startGateway(java.time.Clock clock, String... settings) throws Exception {
    String[] all = Stream.concat(Stream.of("delivery.remote-port = " + port), Stream.of(settings)).toArray(String[]::new);
    gateway = TestGateway.start(clock, data, dns, all);
  }

  private void startGateway(String... settings) throws Exception {
    startGateway(java.time.Clock.systemUTC(), settings);
  }

  /** Sends from the LAN (which may relay), as alice@example.test; returns the final reply. */
  private String send(String subject, String... rcpts) throws Exception {
    try (SmtpTestClient client = SmtpTestClient.connect(gateway.smtp(), "127.0.0.100")) {
      client.reply();
      client.send("EHLO lan.example.test");
      assertThat(client.send("MAIL FROM:<alice@example.test>")).startsWith("250");
      for (String rcpt : rcpts) {
        assertThat(client.send("RCPT TO:<" + rcpt + ">")).startsWith("250");
      }
      return client.data("From: alice@example.test\r\nSubject: " + subject + "\r\n\r\nHello.\r\n");
    }
  }

  private List<Path> bounces() throws Exception {
    Path box = data.resolve("maildir").resolve("example.test").resolve("alice").resolve("new");
    if (!Files.isDirectory(box)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(box)) {
      return files.sorted().toList();
    }
  }

  private static DeliveryStatus report(Path file) throws Exception {
    try (InputStream in = Files.newInputStream(file)) {
      MimeMessage message = new MimeMessage(Session.getInstance(new Properties()), in);
      assertThat(message.getContentType()).startsWith("multipart/report");
      MultipartReport report = (MultipartReport) message.getContent();
      return (DeliveryStatus) report.getReport();
    }
  }

  @Test
  void mailGoesToTheMostPreferredMxThatAnswersAndConnectionsAreReused() throws Exception {
    dns.mx("order.test", 10, "mx1.order.test").mx("order.test", 20, "mx2.order.test")
        .a("mx1.order.test", "127.0.0.11").a("mx2.order.test", "127.0.0.12");
    SmtpReceiver backup = started(receiver("127.0.0.12"));
    startGateway();
    // mx1 does not answer at all: the backup MX takes the mail.
    assertThat(send("to the backup", "bob@order.test")).startsWith("250");
    await().atMost(Duration.ofSeconds(20)).until(() -> backup.received().size() == 1);
    assertThat(backup.received().getFirst().to()).containsExactly("<bob@order.test>");
    assertThat(backup.received().getFirst().data()).contains("Subject: to the backup");

    // Once mx1 answers, it gets the mail; a second message reuses the connection.
    SmtpReceiver primary = started(receiver("127.0.0.11"));
    assertThat(send("first", "bob@order.test")).startsWith("250");
    // The first delivery is complete (its connection back in the cache) before the second arrives:
    // otherwise a second worker rightly opens a second connection.
    await().atMost(Duration.ofSeconds(20)).until(() -> gateway.gateway().spool().size() == 0);
    assertThat(send("second", "carol@order.test")).startsWith("250");
    await().atMost(Duration.ofSeconds(20)).until(() -> primary.received().size() == 2);
    assertThat(primary.connections()).isEqualTo(1);
    assertThat(backup.received()).hasSize(1);
  }

  @Test
  void aDomainWithoutMxGetsMailAtItsOwnAddressOverTlsAndPipelined() throws Exception {
    dns.a("plain.test", "127.0.0.13");
    SSLContext tls = TlsContexts.selfSigned(data.resolve("receiver.p12"), "mx.remote.test");
    SmtpReceiver plain = started(receiver("127.0.0.13").starttls(tls).pipelining());
    startGateway();
    assertThat(send("implicit mx", "dave@plain.test", "erin@plain.test")).startsWith("250");
    await().atMost(Duration.ofSeconds(20)).until(() -> plain.received().size() == 1);
    SmtpReceiver.Received got = plain.received().getFirst();
    assertThat(got.tls()).as("opportunistic STARTTLS").isTrue();
    assertThat(got.to()).containsExactly("<dave@plain.test>", "<erin@plain.test>");
    assertThat(plain.commands()).containsSubsequence("STARTTLS", "EHLO mx.example.test", "DATA");
  }

  @Test
  void anMxWithOnlyAnIpv6AddressIsReachedOverIpv6() throws Exception {
    dns.mx("six.test", 10, "mx.six.test").aaaa("mx.six.test", "::1");
    SmtpReceiver six = started(SmtpReceiver.on(InetAddress.ofLiteral("::1"), port));
    startGateway();
    assertThat(send("over ipv6", "v6@six.test")).startsWith("250");
    await().atMost(Duration.ofSeconds(20)).until(() -> six.received().size() == 1);
    assertThat(six.received().getFirst().client().getHostAddress()).isEqualTo("0:0:0:0:0:0:0:1");
  }

  @Test
  void aTemporaryRefusalIsRetriedAndEachRecipientIsTrackedOnItsOwn() throws Exception {
    dns.mx("retry.test", 10, "mx.retry.test").a("mx.retry.test", "127.0.0.14");
    AtomicInteger tries = new AtomicInteger();
    SmtpReceiver mx = started(receiver("127.0.0.14").rcpt(to -> switch (to) {
      case "later@retry.test" -> tries.incrementAndGet() == 1 ? "451 4.7.1 Greylisted, try again" : "250 2.1.5 Ok";
      case "nobody@retry.test" -> "550 5.1.1 <nobody@retry.test>: Recipient address rejected: User unknown";
      default -> "250 2.1.5 Ok";
    }));
    startGateway();
    assertThat(send("three recipients", "now@retry.test", "later@retry.test", "nobody@retry.test")).startsWith("250");
    await().atMost(Duration.ofSeconds(30)).until(() -> mx.received().size() == 2);
    assertThat(mx.received().get(0).to()).containsExactly("<now@retry.test>");
    assertThat(mx.received().get(1).to()).as("only the deferred recipient is tried again")
        .containsExactly("<later@retry.test>");
    await().atMost(Duration.ofSeconds(20)).until(() -> bounces().size() == 1);

    DeliveryStatus status = report(bounces().getFirst());
    assertThat(status.getMessageDSN().getHeader("Reporting-MTA", null)).isEqualTo("dns; mx.example.test");
    assertThat(status.getRecipientDSNCount()).as("only the failed recipient is reported").isEqualTo(1);
    InternetHeaders failed = status.getRecipientDSN(0);
    assertThat(failed.getHeader("Final-Recipient", null)).isEqualTo("rfc822; nobody@retry.test");
    assertThat(failed.getHeader("Action", null)).isEqualTo("failed");
    assertThat(failed.getHeader("Status", null)).isEqualTo("5.1.1");
    assertThat(failed.getHeader("Remote-MTA", null)).isEqualTo("dns; mx.retry.test");
    assertThat(failed.getHeader("Diagnostic-Code", null))
        .isEqualTo("smtp; 550 5.1.1 <nobody@retry.test>: Recipient address rejected: User unknown");
    String text = Files.readString(bounces().getFirst());
    assertThat(text).contains("Subject: Undelivered Mail Returned to Sender", "Content-Type: message/rfc822",
        "Subject: three recipients", "Auto-Submitted: auto-replied").containsPattern("(?m)^Return-Path: <>");
    await().atMost(Duration.ofSeconds(10)).until(() -> gateway.gateway().spool().size() == 0);
  }

  @Test
  void aNullMxBouncesAtOnceWithoutAConnection() throws Exception {
    dns.mx("nomail.test", 0, ".");
    startGateway();
    assertThat(send("to nowhere", "x@nomail.test")).startsWith("250");
    await().atMost(Duration.ofSeconds(20)).until(() -> bounces().size() == 1);
    InternetHeaders r = report(bounces().getFirst()).getRecipientDSN(0);
    assertThat(r.getHeader("Status", null)).isEqualTo("5.1.10");
    assertThat(r.getHeader("Action", null)).isEqualTo("failed");
    assertThat(r.getHeader("Remote-MTA", null)).isNull();
    assertThat(Files.readString(bounces().getFirst())).contains("accepts no mail: its DNS has a null MX (RFC 7505)");
  }

  @Test
  void aRecipientStillDeferredAfterTheGiveUpTimeBouncesWithTheLastReply() throws Exception {
    dns.mx("slow.test", 10, "mx.slow.test").a("mx.slow.test", "127.0.0.15");
    started(receiver("127.0.0.15").rcpt(to -> "452 4.2.2 <" + to + ">: mailbox full"));
    FakeClock clock = new FakeClock(Instant.now());
    startGateway(clock, "delivery.give-up-hours = 120", "delivery.delay-warning-hours = 0");
    assertThat(send("never arrives", "full@slow.test")).startsWith("250");
    await().atMost(Duration.ofSeconds(20)).until(() -> gateway.gateway().spool().messages().stream()
        .anyMatch(m -> m.attempts() >= 1));
    assertThat(bounces()).isEmpty();
    clock.advance(Duration.ofHours(121));
    await().atMost(Duration.ofSeconds(20)).until(() -> bounces().size() == 1);
    InternetHeaders r = report(bounces().getFirst()).getRecipientDSN(0);
    assertThat(r.getHeader("Action", null)).isEqualTo("failed");
    assertThat(r.getHeader("Status", null)).isEqualTo("4.4.7");
    assertThat(r.getHeader("Diagnostic-Code", null)).isEqualTo("smtp; 452 4.2.2 <full@slow.test>: mailbox full");
  }

  @Test
  void aLongDelayIsReportedOnceAndDsnRequestsArePassedOn() throws Exception {
    dns.mx("dsn.test", 10, "mx.dsn.test").a("mx.dsn.test", "127.0.0.16");
    AtomicInteger attempts = new AtomicInteger();
    SmtpReceiver mx = started(receiver("127.0.0.16").dsn().rcpt(to -> attempts.incrementAndGet() <= 2
        ? "450 4.2.0 try later" : "250 2.1.5 Ok"));
    FakeClock clock = new FakeClock(Instant.now());
    startGateway(clock, "delivery.delay-warning-hours = 4");
    try (SmtpTestClient client = SmtpTestClient.connect(gateway.smtp(), "127.0.0.100")) {
      client.reply();
      client.send("EHLO lan.example.test");
      assertThat(client.send("MAIL FROM:<alice@example.test> RET=HDRS ENVID=batch+2B42")).startsWith("250");
      assertThat(client.send("RCPT TO:<frank@dsn.test> NOTIFY=SUCCESS,DELAY,FAILURE ORCPT=rfc822;frank@old.test"))
          .startsWith("250");
      assertThat(client.data("Subject: with dsn\r\n\r\nHello.\r\n")).startsWith("250");
    }
    await().atMost(Duration.ofSeconds(20)).until(() -> attempts.get() >= 1);
    clock.advance(Duration.ofHours(5));
    await().atMost(Duration.ofSeconds(20)).until(() -> bounces().size() == 1);
    DeliveryStatus delay = report(bounces().getFirst());
    assertThat(delay.getMessageDSN().getHeader("Original-Envelope-Id", null)).isEqualTo("batch+42");
    InternetHeaders r = delay.getRecipientDSN(0);
    assertThat(r.getHeader("Action", null)).isEqualTo("delayed");
    assertThat(r.getHeader("Status", null)).isEqualTo("4.2.0");
    assertThat(r.getHeader("Original-Recipient", null)).isEqualTo("rfc822; frank@old.test");
    assertThat(r.getHeader("Will-Retry-Until", null)).isNotNull();
    assertThat(Files.readString(bounces().getFirst())).contains("Content-Type: text/rfc822-headers")
        .doesNotContain("Hello.");

    await().atMost(Duration.ofSeconds(30)).until(() -> mx.received().size() == 1);
    assertThat(mx.received().getFirst().from()).contains("RET=HDRS", "ENVID=batch+2B42");
    assertThat(mx.received().getFirst().to()).singleElement().asString()
        .contains("NOTIFY=DELAY,FAILURE,SUCCESS", "ORCPT=rfc822;frank@old.test");
    // Once the spool is empty the delivery is journaled, and a success report, had one been made,
    // would have been queued before that and delivered to the Maildir.
    await().atMost(Duration.ofSeconds(30)).until(() -> gateway.gateway().spool().size() == 0);
    assertThat(bounces()).as("one delay notice; success is the remote's to report").hasSize(1);
  }

  @Test
  void nothingIsEverBouncedToTheNullSender() throws Exception {
    dns.mx("gone.test", 0, ".");
    startGateway();
    try (SmtpTestClient client = SmtpTestClient.connect(gateway.smtp(), "127.0.0.100")) {
      client.reply();
      client.send("EHLO lan.example.test");
      assertThat(client.send("MAIL FROM:<>")).startsWith("250");
      assertThat(client.send("RCPT TO:<x@gone.test>")).startsWith("250");
      assertThat(client.data("Subject: a bounce\r\n\r\nreport\r\n")).startsWith("250");
    }
    await().atMost(Duration.ofSeconds(20)).until(() -> gateway.gateway().spool().size() == 0);
    assertThat(gateway.gateway().spool().size()).isZero();
  }

  @Test
  void aSourceRefusedAsBlacklistedIsSteeredAroundAndShownSuspended() throws Exception {
    dns.mx("pool.test", 10, "mx.pool.test").a("mx.pool.test", "127.0.0.17");
    java.util.concurrent.atomic.AtomicInteger fromListed = new java.util.concurrent.atomic.AtomicInteger();
    SmtpReceiver mx = started(receiver("127.0.0.17").greeting((client, n) -> client.getHostAddress().equals("127.0.0.5")
        && fromListed.incrementAndGet() > 0
        ? "554 5.7.1 Service unavailable; client [127.0.0.5] listed on a blacklist (see bl.example)"
        : "220 mx.pool.test ESMTP"));
    startGateway("delivery.source-addresses = [\"127.0.0.5\", \"127.0.0.6\"]");
    assertThat(send("first", "a@pool.test")).startsWith("250");
    await().atMost(Duration.ofSeconds(20)).until(() -> mx.received().size() == 1);
    assertThat(mx.received().getFirst().client().getHostAddress()).isEqualTo("127.0.0.6");
    assertThat(fromListed.get()).as("127.0.0.5 tried once").isEqualTo(1);

    assertThat(send("second", "b@pool.test")).startsWith("250");
    assertThat(send("third", "c@pool.test")).startsWith("250");
    await().atMost(Duration.ofSeconds(20)).until(() -> mx.received().size() == 3);
    assertThat(mx.received()).allSatisfy(r -> assertThat(r.client().getHostAddress()).isEqualTo("127.0.0.6"));
    // (The second and third may come on one connection or two: deliveries run in parallel.)
    assertThat(fromListed.get()).as("the suspended address is not tried again").isEqualTo(1);
    assertThat(bounces()).isEmpty();

    Path config = data.resolve("pool.toml");
    Files.writeString(config, TestGateway.toml(data, dns.addressText(),
        "delivery.source-addresses = [\"127.0.0.5\", \"127.0.0.6\"]"));
    java.io.StringWriter status = new java.io.StringWriter();
    assertThat(org.portcullis.cli.Main.execute(new String[] {"pool", "status", "-c", config.toString()},
        new java.io.PrintWriter(status, true), new java.io.PrintWriter(new java.io.StringWriter(), true))).isZero();
    assertThat(status.toString()).contains("127.0.0.5", "suspended", "pool.test", "listed on a blacklist")
        .containsPattern("127\\.0\\.0\\.6\\s+healthy");
  }

  @Test
  void whenEverySourceIsRefusedAsBlacklistedTheMessageWaitsForTheFirstSuspensionToEndThenBouncesNamingEachSource()
      throws Exception {
    dns.mx("strict.test", 10, "mx.strict.test").a("mx.strict.test", "127.0.0.18");
    SmtpReceiver mx = started(receiver("127.0.0.18")
        .rcpt(to -> "550 5.7.1 Client host rejected: listed by zen.spamhaus.org"));
    org.portcullis.testing.FakeClock clock = new org.portcullis.testing.FakeClock(java.time.Instant.now());
    startGateway(clock, "delivery.source-addresses = [\"127.0.0.7\", \"127.0.0.8\"]", "delivery.give-up-hours = 2",
        "delivery.source-suspend-minutes = 60");
    assertThat(send("refused everywhere", "x@strict.test")).startsWith("250");
    await().atMost(Duration.ofSeconds(20)).until(() -> mx.commands().stream().filter(c -> c.startsWith("RCPT")).count() == 2);
    var queued = gateway.gateway().spool().messages();
    await().atMost(Duration.ofSeconds(20)).until(() -> gateway.gateway().spool().messages().stream()
        .anyMatch(m -> m.attempts() >= 1));
    assertThat(bounces()).as("seed 004: not bounced at once").isEmpty();
    assertThat(gateway.gateway().spool().messages()).singleElement().satisfies(m -> {
      assertThat(m.lastError()).contains("every source address is suspended for strict.test", "127.0.0.7",
          "127.0.0.8", "listed by zen.spamhaus.org");
      assertThat(m.lastError()).doesNotContain("5.7.1 5.7.1");
    });
    // Retries while both are suspended try no connection; past the give-up time it bounces.
    int attempts = gateway.gateway().spool().messages().getFirst().attempts();
    clock.advance(Duration.ofMinutes(61));
    // The next attempt tries both again (their suspensions are over), is refused, and is recorded
    // before the clock moves on: advancing during an attempt would change what it sees.
    await().atMost(Duration.ofSeconds(20)).until(() -> gateway.gateway().spool().messages().getFirst().attempts()
        > attempts && mx.commands().stream().filter(c -> c.startsWith("RCPT")).count() >= 4);
    clock.advance(Duration.ofHours(2));
    await().atMost(Duration.ofSeconds(30)).until(() -> bounces().size() == 1);
    String bounce = Files.readString(bounces().getFirst());
    assertThat(bounce).contains("127.0.0.7", "127.0.0.8", "listed by zen.spamhaus.org").doesNotContain("5.7.1 5.7.1");
    InternetHeaders r = report(bounces().getFirst()).getRecipientDSN(0);
    assertThat(r.getHeader("Status", null)).isEqualTo("4.4.7");
    assertThat(r.getHeader("Diagnostic-Code", null))
        .isEqualTo("smtp; 550 5.7.1 Client host rejected: listed by zen.spamhaus.org");
    assertThat(queued).hasSize(1);
  }

  @Test
  void aSourceAddressListedOnOurDnsListsIsNotUsed() throws Exception {
    dns.a("2.0.0.127.zen.test", "127.0.0.2").a("9.0.0.127.zen.test", "127.0.0.2");
    dns.mx("clean.test", 10, "mx.clean.test").a("mx.clean.test", "127.0.0.19");
    SmtpReceiver mx = started(receiver("127.0.0.19"));
    startGateway("dnsbl.zones = [{name = \"zen.test\"}]",
        "delivery.source-addresses = [\"127.0.0.9\", \"127.0.0.10\"]");
    for (int i = 0; i < 3; i++) {
      assertThat(send("message " + i, "m" + i + "@clean.test")).startsWith("250");
    }
    await().atMost(Duration.ofSeconds(20)).until(() -> mx.received().size() == 3);
    assertThat(mx.received()).allSatisfy(r -> assertThat(r.client().getHostAddress()).isEqualTo("127.0.0.10"));
    assertThat(gateway.gateway().store().sourceSuspensions().load()).singleElement().satisfies(s -> {
      assertThat(s.address().getHostAddress()).isEqualTo("127.0.0.9");
      assertThat(s.reason()).contains("listed on zen.test");
      assertThat(s.until()).isEmpty();
    });
  }
}
