package org.portcullis.correspondents;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.portcullis.store.sqlite.SqliteStore;
import org.portcullis.testing.Senders;
import org.portcullis.testing.SmtpReceiver;
import org.portcullis.testing.SmtpTestClient;
import org.portcullis.testing.TestDnsServer;
import org.portcullis.testing.TestGateway;

/**
 * Seed 001's "servers auto-whitelist whom they write to", over SMTP with greylisting on: alice (on
 * the LAN) writes to friend@dest.example; friend's reply to alice is not greylisted, a stranger at
 * dest.example is, and friend writing to someone else is too. The store forgets pairs past their
 * lifetime and beyond its cap.
 */
class CorrespondentsEndToEndTest {

  @TempDir
  Path data;

  private static String rcpt(TestGateway gateway, String source, String helo, String from, String to)
      throws Exception {
    try (SmtpTestClient smtp = SmtpTestClient.connect(gateway.smtp(), source)) {
      smtp.reply();
      return smtp.startTransaction(helo, from, to);
    }
  }

  @Test
  void aReplyFromSomeoneOurUserWroteToIsNotGreylisted() throws Exception {
    try (TestDnsServer dns = Senders.describe(TestDnsServer.start());
        TestGateway gateway = TestGateway.start(data, dns, "greylist.enabled = true")) {
      dns.mx("dest.example", 10, "mx.dest.example").a("mx.dest.example", "127.0.7.1");
      try (SmtpTestClient lan = SmtpTestClient.connect(gateway.smtp(), Senders.LAN)) {
        lan.reply();
        assertThat(lan.startTransaction("pc.example.test", "Alice@example.test", "Friend@Dest.Example"))
            .startsWith("250");
        assertThat(lan.data("From: alice@example.test\r\nSubject: lunch?\r\n\r\nnoon\r\n")).startsWith("250");
      }
      try (SmtpTestClient reply = SmtpTestClient.connect(gateway.smtp(), Senders.GOOD)) {
        reply.reply();
        assertThat(reply.startTransaction(Senders.GOOD_NAME, "friend@dest.example", "alice@example.test"))
            .as("the reply").startsWith("250");
        assertThat(reply.data("From: friend@dest.example\r\nX-Portcullis-Exception: <alice@example.test>: forged\r\n"
            + "Subject: Re: lunch?\r\n\r\nyes\r\n")).startsWith("250");
      }
      org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10))
          .until(() -> gateway.delivered("example.test", "alice").size() == 1);
      assertThat(java.nio.file.Files.readString(gateway.delivered("example.test", "alice").getFirst()))
          .as("what was skipped, and why, is in the message").contains("X-Portcullis-Exception: <alice@example.test>: "
              + "greylist and dnsbl skipped, a reply: alice@example.test wrote to friend@dest.example")
          .as("a stranger's field of our name is removed").doesNotContain("forged");
      String refused = rcpt(gateway, Senders.NO_PTR, "mail.noptr.example", "friend@dest.example",
          "alice@example.test");
      assertThat(refused).as("a reply from a server without PTR: client-ptr is not skipped").startsWith("550 5.7.25");
      gateway.gateway().store().refusals().flush();
      assertThat(gateway.gateway().store().refusals().find(org.portcullis.testing.Refs.of(refused)).orElseThrow()
          .explanation().facts()).as("the refusal's explanation says what was skipped")
          .anySatisfy(f -> assertThat(f.label() + ": " + f.value()).isEqualTo("exception applied: greylist and dnsbl "
              + "skipped, a reply: alice@example.test wrote to friend@dest.example in the last 60 days"));
      assertThat(rcpt(gateway, Senders.GOOD, Senders.GOOD_NAME, "stranger@dest.example", "alice@example.test"))
          .as("a stranger at the same domain").startsWith("451 4.7.1 Greylisted");
      assertThat(rcpt(gateway, Senders.GOOD, Senders.GOOD_NAME, "friend@dest.example", "bob@example.test"))
          .as("to someone who did not write to it").startsWith("451 4.7.1 Greylisted");
    }
  }

  @Test
  void withTrustDeliveryHostsTheServerWeDeliveredToIsNotGreylisted() throws Exception {
    try (SmtpReceiver destination = SmtpReceiver.on(java.net.InetAddress.ofLiteral("127.0.7.1"), 0).start();
        TestDnsServer dns = Senders.describe(TestDnsServer.start());
        TestGateway gateway = TestGateway.start(data, dns, "greylist.enabled = true",
            "correspondents.trust-delivery-hosts = true", "delivery.remote-port = " + destination.address().getPort())) {
      dns.mx("dest.example", 10, "mx.dest.example").host("127.0.7.1", "mx.dest.example");
      assertThat(rcpt(gateway, "127.0.7.1", "mx.dest.example", "someone@dest.example", "alice@example.test"))
          .as("before we delivered to it").startsWith("451 4.7.1 Greylisted");
      try (SmtpTestClient lan = SmtpTestClient.connect(gateway.smtp(), Senders.LAN)) {
        lan.reply();
        assertThat(lan.startTransaction("pc.example.test", "alice@example.test", "friend@dest.example"))
            .startsWith("250");
        assertThat(lan.data("From: alice@example.test\r\nSubject: hello\r\n\r\nhi\r\n")).startsWith("250");
      }
      org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> destination.received().size() == 1);

      assertThat(rcpt(gateway, "127.0.7.1", "mx.dest.example", "newsletter@dest.example", "bob@example.test"))
          .as("its mail server, to anyone").startsWith("250");
      assertThat(rcpt(gateway, Senders.GOOD, Senders.GOOD_NAME, "someone@good.example", "bob@example.test"))
          .as("another server").startsWith("451 4.7.1 Greylisted");
    }
  }

  @Test
  void deliveryHostsAreNotTrustedByDefault() throws Exception {
    try (SmtpReceiver destination = SmtpReceiver.on(java.net.InetAddress.ofLiteral("127.0.7.1"), 0).start();
        TestDnsServer dns = Senders.describe(TestDnsServer.start());
        TestGateway gateway = TestGateway.start(data, dns, "greylist.enabled = true",
            "delivery.remote-port = " + destination.address().getPort())) {
      dns.mx("dest.example", 10, "mx.dest.example").host("127.0.7.1", "mx.dest.example");
      try (SmtpTestClient lan = SmtpTestClient.connect(gateway.smtp(), Senders.LAN)) {
        lan.reply();
        lan.startTransaction("pc.example.test", "alice@example.test", "friend@dest.example");
        assertThat(lan.data("From: alice@example.test\r\nSubject: hello\r\n\r\nhi\r\n")).startsWith("250");
      }
      org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> destination.received().size() == 1);
      assertThat(rcpt(gateway, "127.0.7.1", "mx.dest.example", "newsletter@dest.example", "bob@example.test"))
          .startsWith("451 4.7.1 Greylisted");
    }
  }

  @Test
  void pairsArePrunedByAgeAndBeyondTheCap() throws Exception {
    try (SqliteStore store = SqliteStore.open(data.resolve("portcullis.db"))) {
      Instant now = Instant.parse("2026-12-04T00:00:00Z");
      Correspondents c = new Correspondents(store.correspondents(), Duration.ofDays(60), 2,
          Clock.fixed(now, ZoneOffset.UTC));
      store.correspondents().wrote("alice@example.test", "old@dest.example", now.minus(Duration.ofDays(61)));
      store.correspondents().wrote("alice@example.test", "a@dest.example", now.minus(Duration.ofDays(3)));
      store.correspondents().wrote("alice@example.test", "b@dest.example", now.minus(Duration.ofDays(2)));
      store.correspondents().wrote("alice@example.test", "c@dest.example", now.minus(Duration.ofDays(1)));
      store.correspondents().deliveredTo("192.0.2.1", now.minus(Duration.ofDays(61)));
      store.correspondents().deliveredTo("192.0.2.2", now.minus(Duration.ofDays(1)));
      assertThat(c.prune()).as("two pairs and one server").isEqualTo(3);
      assertThat(store.correspondents().deliveredToSince("192.0.2.1", Instant.EPOCH)).isFalse();
      assertThat(store.correspondents().deliveredToSince("192.0.2.2", Instant.EPOCH)).isTrue();
      assertThat(store.correspondents().count()).isEqualTo(2);
      assertThat(store.correspondents().wroteTo("alice@example.test", "c@dest.example", Instant.EPOCH)).isTrue();
      assertThat(store.correspondents().wroteTo("alice@example.test", "a@dest.example", Instant.EPOCH))
          .as("the oldest beyond the cap").isFalse();
      assertThat(store.correspondents().wroteTo("alice@example.test", "b@dest.example", now))
          .as("written before the window").isFalse();
    }
  }
}
