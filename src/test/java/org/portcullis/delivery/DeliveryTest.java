package org.portcullis.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.portcullis.mail.EmailAddress;
import org.portcullis.mail.Envelope;
import org.portcullis.mail.MailParameters;
import org.portcullis.mail.MailPath;
import org.portcullis.mail.Recipient;
import org.portcullis.queue.QueuedMessage;
import org.portcullis.queue.Spool;
import org.portcullis.testing.Senders;
import org.portcullis.testing.SmtpReceiver;
import org.portcullis.testing.SmtpTestClient;
import org.portcullis.testing.TestDnsServer;
import org.portcullis.testing.TestGateway;

class DeliveryTest {

  @TempDir
  Path dir;

  private static Envelope envelope(String... rcpts) {
    return new Envelope(new MailPath(Optional.of(EmailAddress.parse("a@example.org")), List.of(), true),
        java.util.Arrays.stream(rcpts).map(r -> Recipient.of(EmailAddress.parse(r))).toList(), MailParameters.NONE);
  }

  @Test
  void retriesGrowAndStopAtTheMaximum() {
    RetrySchedule schedule = new RetrySchedule(Duration.ofMinutes(5), Duration.ofMinutes(60), 2.0, Duration.ofDays(5));
    assertThat(schedule.delayAfter(1)).isEqualTo(Duration.ofMinutes(5));
    assertThat(schedule.delayAfter(2)).isEqualTo(Duration.ofMinutes(10));
    assertThat(schedule.delayAfter(4)).isEqualTo(Duration.ofMinutes(40));
    assertThat(schedule.delayAfter(10)).isEqualTo(Duration.ofMinutes(60));
  }

  @Test
  void maildirNamesCannotEscapeTheRoot() {
    MaildirTransport maildir = new MaildirTransport(dir, "mx.example.test");
    Path box = maildir.mailbox(new EmailAddress("../../etc/passwd", "example.test", true));
    assertThat(box.normalize()).startsWithRaw(dir.toAbsolutePath());
    assertThat(box.getParent().getFileName().toString()).isEqualTo("example.test");
    assertThat(box.getFileName().toString()).isEqualTo("%2E.%2F..%2Fetc%2Fpasswd");
    assertThat(maildir.mailbox(EmailAddress.parse("Bob.Smith+tag@Example.TEST")).toString())
        .endsWith("example.test/bob.smith+tag");
  }

  @Test
  void aRepeatedMaildirDeliveryFindsItsFileAndDoesNotDuplicate() throws Exception {
    try (Spool spool = Spool.open(dir.resolve("spool"), new Spool.Settings(true, 1 << 20))) {
      QueuedMessage message = spool.append("Q1", Instant.parse("2026-11-23T12:00:00Z"), "192.0.2.1", "h", "h",
          envelope("bob@example.test"), List.of(java.nio.ByteBuffer.wrap("Subject: x\r\n\r\nhello\r\n".getBytes())));
      MaildirTransport maildir = new MaildirTransport(dir.resolve("maildir"), "mx.example.test");
      byte[] content = spool.content(message);
      assertThat(maildir.deliver(message, List.of(0), content).get(0)).isInstanceOf(DeliveryOutcome.Delivered.class);
      maildir.sync();
      var again = maildir.deliver(message, List.of(0), content).get(0);
      assertThat(again.detail()).contains("repeated attempt");
      Path newDir = dir.resolve("maildir/example.test/bob/new");
      try (var files = Files.list(newDir)) {
        List<Path> all = files.toList();
        assertThat(all).hasSize(1);
        assertThat(Files.readString(all.getFirst(), StandardCharsets.UTF_8))
            .isEqualTo("Return-Path: <a@example.org>\nDelivered-To: bob@example.test\nSubject: x\n\nhello\n");
        // A torn copy left by a crash is rewritten, not trusted.
        Files.writeString(all.getFirst(), "");
        maildir.deliver(message, List.of(0), content);
        assertThat(Files.readString(all.getFirst())).contains("hello");
      }
    }
  }

  @Test
  void aNextHopThatDefersIsRetriedUntilItAccepts() throws Exception {
    try (SmtpReceiver nextHop = SmtpReceiver.start(n -> n < 3 ? "451 4.3.0 try again later" : "250 2.0.0 accepted");
        TestDnsServer dns = Senders.describe(TestDnsServer.start());
        TestGateway gateway = TestGateway.start(dir, dns, "delivery.transport = \"relay\"",
            "delivery.relay-host = \"127.0.0.1:" + nextHop.address().getPort() + "\"")) {
      try (SmtpTestClient client = SmtpTestClient.connect(gateway.smtp(), Senders.GOOD)) {
        client.reply();
        client.startTransaction(Senders.GOOD_NAME, "alice@good.example", "carol@example.test");
        assertThat(client.data("From: tester@good.example\r\nSubject: via relay\r\n\r\n..leading dot\r\nbody")).startsWith("250");
      }
      await().atMost(Duration.ofSeconds(20)).until(() -> nextHop.received().size() == 1);
      assertThat(nextHop.transactions()).isEqualTo(3);
      SmtpReceiver.Received got = nextHop.received().getFirst();
      assertThat(got.from()).startsWith("<alice@good.example> SIZE=");
      assertThat(got.to()).containsExactly("<carol@example.test>");
      assertThat(got.data()).contains("Subject: via relay").contains("\n.leading dot\n");
      await().atMost(Duration.ofSeconds(5)).until(() -> gateway.gateway().spool().size() == 0);
    }
  }

  @Test
  void aNextHopThatRefusesPermanentlyEndsTheMessage() throws Exception {
    try (SmtpReceiver nextHop = SmtpReceiver.start(n -> "554 5.7.1 no thanks");
        TestDnsServer dns = Senders.describe(TestDnsServer.start());
        TestGateway gateway = TestGateway.start(dir, dns, "delivery.transport = \"relay\"",
            "delivery.relay-host = \"127.0.0.1:" + nextHop.address().getPort() + "\"")) {
      try (SmtpTestClient client = SmtpTestClient.connect(gateway.smtp(), Senders.GOOD)) {
        client.reply();
        client.startTransaction(Senders.GOOD_NAME, "alice@good.example", "carol@example.test");
        assertThat(client.data("From: tester@good.example\r\nSubject: refused\r\n\r\nbody")).startsWith("250");
      }
      // The message is done; what stays is the bounce to alice (her domain's server is not reachable here).
      await().atMost(Duration.ofSeconds(10)).until(() -> gateway.gateway().spool().messages().stream()
          .allMatch(m -> m.envelope().sender().isNull()));
      assertThat(gateway.gateway().spool().messages()).singleElement().satisfies(dsn ->
          assertThat(dsn.envelope().recipients().getFirst().address().toString()).isEqualTo("alice@good.example"));
      assertThat(nextHop.transactions()).isEqualTo(1);
      assertThat(nextHop.received()).isEmpty();
    }
  }

  @Test
  void notifyParametersSurviveInTheSpool() throws Exception {
    Recipient rcpt = new Recipient(EmailAddress.parse("bob@example.test"), Set.of(Recipient.Notify.NEVER),
        Optional.empty(), true);
    try (Spool spool = Spool.open(dir.resolve("spool2"), new Spool.Settings(true, 1 << 20))) {
      spool.append("Q2", Instant.now(), "192.0.2.1", "h", "h",
          new Envelope(MailPath.NULL, List.of(rcpt), MailParameters.NONE), List.of(java.nio.ByteBuffer.wrap(new byte[] {'x'})));
    }
    try (Spool spool = Spool.open(dir.resolve("spool2"), new Spool.Settings(true, 1 << 20))) {
      assertThat(spool.recovered().getFirst().envelope().recipients().getFirst().notifyOn())
          .containsExactly(Recipient.Notify.NEVER);
      assertThat(spool.recovered().getFirst().envelope().sender().isNull()).isTrue();
    }
  }
}
