package org.portcullis.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.portcullis.testing.Senders;
import org.portcullis.testing.SmtpTestClient;
import org.portcullis.testing.TestDnsServer;
import org.portcullis.testing.TestGateway;

/**
 * Issue 12, "nothing exhaustible" on the SMTP listener: per-network connection limits, room kept
 * for the LAN, timeouts that are totals rather than idle limits, and recipients past the limit
 * that are deferred, not counted as errors.
 */
class LimitsTest {

  @TempDir
  static Path data;
  static TestDnsServer dns;
  static TestGateway gateway;
  private final List<SmtpTestClient> held = new ArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    dns = Senders.describe(TestDnsServer.start());
    gateway = TestGateway.start(data, dns, "smtp.connections-max = 30", "smtp.connections-per-client-max = 4",
        "smtp.connections-per-network-max = 6", "smtp.connections-reserved-for-lan = 5",
        "smtp.command-timeout-seconds = 2", "smtp.data-timeout-seconds = 2",
        "smtp.data-rate-min-bytes-per-second = 1000", "smtp.transaction-max-seconds = 3");
  }

  @AfterAll
  static void stop() {
    gateway.close();
    dns.close();
  }

  @AfterEach
  void closeHeld() throws Exception {
    for (SmtpTestClient c : held) {
      c.close();
    }
    held.clear();
    await().atMost(Duration.ofSeconds(10)).until(() -> gateway.gateway().smtp().stats().activeSessions() == 0);
  }

  private String hold(String source) throws Exception {
    SmtpTestClient client = SmtpTestClient.connect(gateway.smtp(), source);
    held.add(client);
    return client.reply();
  }

  @Test
  void aClientNetworkGetsItsShareAndNoMore() throws Exception {
    for (int i = 1; i <= 3; i++) {
      assertThat(hold("127.0.7." + i)).startsWith("220");
      assertThat(hold("127.0.7." + i)).startsWith("220");
    }
    assertThat(hold("127.0.7.4")).as("a seventh connection from 127.0.7.0/24")
        .startsWith("421 4.7.0 Too many connections from your network 127.0.7.0/24");
    assertThat(hold("127.0.8.1")).as("another network").startsWith("220");
  }

  @Test
  void aFloodFromManyNetworksLeavesRoomForTheLan() throws Exception {
    for (int i = 1; i <= 25; i++) {
      assertThat(hold("127.0." + (20 + i) + ".1")).startsWith("220");
    }
    assertThat(hold("127.0.60.1")).as("strangers have filled their 25 of 30")
        .startsWith("421 4.7.0 mx.example.test Error: too many connections");
    assertThat(hold(Senders.LAN)).as("the LAN's reserved room").startsWith("220");
  }

  @Test
  void aCommandDrippedAByteAtATimeIsCutOffAtTheCommandTimeout() throws Exception {
    assertDripCutOff(client -> client.write("EHLO "), "x");
  }

  @Test
  void dataSentSlowerThanTheMinimumRateIsCutOff() throws Exception {
    assertDripCutOff(client -> {
      client.startTransaction("mail.good.example", "alice@example.test", "bob@example.test");
      assertThat(client.send("DATA")).startsWith("354");
    }, "a slow line of text\r\n");
  }

  @Test
  void aTransactionKeptAliveWithNoopsEndsAtItsMaximumDuration() throws Exception {
    try (SmtpTestClient client = SmtpTestClient.connect(gateway.smtp(), Senders.LAN)) {
      client.reply();
      assertThat(client.startTransaction("lan.example.test", "alice@example.test", "bob@example.test"))
          .startsWith("250");
      String reply = "";
      for (int i = 0; i < 100 && !reply.startsWith("421"); i++) {
        Thread.sleep(200); // a client that answers promptly, forever: the pace is the client's, not the test's
        reply = client.send("NOOP");
      }
      assertThat(reply).as("the transaction ended by its deadline before the 100 NOOPs (20 s) were done")
          .startsWith("421 4.4.2");
    }
  }

  @Test
  void recipientsPastTheLimitGet452AndThoseBeforeThemTheirMessage() throws Exception {
    try (SmtpTestClient client = SmtpTestClient.connect(gateway.smtp(), Senders.LAN)) {
      client.reply();
      assertThat(client.send("EHLO lan.example.test")).startsWith("250");
      StringBuilder pipelined = new StringBuilder("MAIL FROM:<alice@example.test>\r\n");
      for (int i = 0; i < 150; i++) {
        pipelined.append("RCPT TO:<user").append(i).append("@example.test>\r\n");
      }
      client.write(pipelined.append("DATA\r\n").toString());
      assertThat(client.reply()).startsWith("250");
      for (int i = 0; i < 150; i++) {
        assertThat(client.reply()).as("recipient " + i).startsWith(i < 100 ? "250" : "452 4.5.3");
      }
      assertThat(client.reply()).startsWith("354");
      client.write("Subject: many\r\n\r\nhello\r\n.\r\n");
      assertThat(client.reply()).startsWith("250 2.0.0 Ok: queued");
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> gateway.delivered("example.test", "user99").size() == 1);
    assertThat(gateway.delivered("example.test", "user100")).isEmpty();
  }

  interface Setup {
    void run(SmtpTestClient client) throws Exception;
  }

  /**
   * Sends {@code drip} one character every 300 ms after {@code setup}; the server must answer 421
   * while the client is still dripping (an idle timeout never would: each byte resets it).
   */
  private void assertDripCutOff(Setup setup, String drip) throws Exception {
    try (SmtpTestClient client = SmtpTestClient.connect(gateway.smtp(), Senders.LAN)) {
      client.reply();
      setup.run(client);
      AtomicBoolean answered = new AtomicBoolean();
      AtomicInteger sent = new AtomicInteger();
      int drips = 100;
      Thread dripper = Thread.ofVirtual().start(() -> {
        try {
          while (!answered.get() && sent.get() < drips) {
            client.write(drip.substring(sent.get() % drip.length(), sent.get() % drip.length() + 1));
            sent.incrementAndGet();
            Thread.sleep(300);
          }
        } catch (Exception e) {
          // the server closed the connection
        }
      });
      String reply = client.reply();
      answered.set(true);
      dripper.join();
      assertThat(reply).startsWith("421 4.4.2");
      assertThat(sent.get()).as("the client was still dripping when it was cut off").isLessThan(drips);
    }
  }
}
