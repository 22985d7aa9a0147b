package org.portcullis.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.portcullis.testing.Senders;
import org.portcullis.testing.SmtpTestClient;
import org.portcullis.testing.TestDnsServer;
import org.portcullis.testing.TestGateway;

/** Garbage, floods and misbehaving clients: each gets a clear reply, changes nothing, and the server stays up. */
class BadInputTest {

  @TempDir
  static Path data;
  static TestDnsServer dns;
  static TestGateway gateway;

  @BeforeAll
  static void start() throws Exception {
    dns = Senders.describe(TestDnsServer.start());
    gateway = TestGateway.start(data, dns, "smtp.message-size-max-bytes = 20000", "smtp.command-timeout-seconds = 2",
        "smtp.data-timeout-seconds = 2");
  }

  @AfterAll
  static void stop() {
    gateway.close();
    dns.close();
  }

  private static SmtpTestClient good() throws IOException {
    SmtpTestClient client = SmtpTestClient.connect(gateway.smtp(), Senders.GOOD);
    assertThat(client.reply()).startsWith("220");
    return client;
  }

  private static void assertServerStillServes() throws IOException {
    try (SmtpTestClient client = good()) {
      assertThat(client.send("NOOP")).startsWith("250");
    }
  }

  @Test
  void aTenKilobyteCommandLineIsRefusedAndTheSessionGoesOn() throws Exception {
    try (SmtpTestClient client = good()) {
      assertThat(client.send("EHLO " + "a".repeat(10_000))).startsWith("500 5.5.2 Error: line too long");
      assertThat(client.send("EHLO " + Senders.GOOD_NAME)).startsWith("250");
      assertThat(client.send("MAIL FROM:<alice@good.example> " + "X".repeat(10_000))).startsWith("500 5.5.2");
    }
  }

  @Test
  void tenThousandRecipientsStopAtTheLimitAndTheClientIsEventuallyDropped() throws Exception {
    try (SmtpTestClient client = good()) {
      assertThat(client.send("EHLO " + Senders.GOOD_NAME)).startsWith("250");
      assertThat(client.send("MAIL FROM:<alice@good.example>")).startsWith("250");
      StringBuilder burst = new StringBuilder();
      for (int i = 0; i < 10_000; i++) {
        burst.append("RCPT TO:<user").append(i).append("@example.test>\r\n");
      }
      Thread writer = Thread.ofVirtual().start(() -> {
        try {
          client.write(burst.toString());
        } catch (IOException expectedWhenDropped) {
          // the server hangs up mid-burst
        }
      });
      int accepted = 0;
      int tooMany = 0;
      String last = null;
      for (String reply = client.reply(); reply != null; reply = client.reply()) {
        last = reply;
        if (reply.startsWith("250")) {
          accepted++;
        } else if (reply.startsWith("452 4.5.3")) {
          tooMany++;
        } else {
          break;
        }
      }
      writer.join(10_000);
      assertThat(accepted).isEqualTo(100);
      assertThat(tooMany).isPositive();
      assertThat(last).startsWith("421 4.7.0");
    }
    assertServerStillServes();
  }

  @Test
  void aDeclaredSizeOverTheLimitIsRefusedAtMail() throws Exception {
    try (SmtpTestClient client = good()) {
      assertThat(client.send("EHLO " + Senders.GOOD_NAME)).contains("SIZE 20000");
      assertThat(client.send("MAIL FROM:<alice@good.example> SIZE=20001")).startsWith("552 5.3.4");
    }
  }

  @Test
  void aMessageLargerThanTheLimitIsRefusedAndNothingIsDelivered() throws Exception {
    try (SmtpTestClient client = good()) {
      assertThat(client.startTransaction(Senders.GOOD_NAME, "alice@good.example", "big@example.test")).startsWith("250");
      String body = ("x".repeat(99) + "\r\n").repeat(300);
      assertThat(client.data("Subject: big\r\n\r\n" + body)).startsWith("552 5.3.4");
      assertThat(client.send("NOOP")).startsWith("250");
    }
    assertThat(gateway.delivered("example.test", "big")).isEmpty();
  }

  @Test
  void aLineOverOneThousandOctetsRefusesTheMessage() throws Exception {
    try (SmtpTestClient client = good()) {
      client.startTransaction(Senders.GOOD_NAME, "alice@good.example", "longline@example.test");
      assertThat(client.data("Subject: x\r\n\r\n" + "y".repeat(1200))).startsWith("554 5.6.0").contains("line 3");
    }
    assertThat(gateway.delivered("example.test", "longline")).isEmpty();
  }

  @Test
  void aNulCharacterRefusesTheMessage() throws Exception {
    try (SmtpTestClient client = good()) {
      client.startTransaction(Senders.GOOD_NAME, "alice@good.example", "nul@example.test");
      assertThat(client.data("Subject: x\r\n\r\nbad\0byte")).startsWith("554 5.6.0");
      assertThat(client.send("MAIL FROM:<a\0b@good.example>")).startsWith("500 5.5.2");
    }
  }

  @Test
  void binaryGarbageEndsInADisconnectAndChangesNothing() throws Exception {
    byte[] garbage = new byte[64 * 1024];
    new Random(42).nextBytes(garbage);
    try (SmtpTestClient client = good()) {
      Thread.ofVirtual().start(() -> {
        try {
          client.write(garbage);
        } catch (IOException dropped) {
          // expected once the server hangs up
        }
      });
      String last = null;
      for (String reply = client.reply(); reply != null; reply = client.reply()) {
        last = reply;
      }
      assertThat(last).matches("(421|500|503|501).*");
    }
    assertServerStillServes();
  }

  @Test
  void anHttpRequestIsToldThisIsSmtpAndDropped() throws Exception {
    try (SmtpTestClient client = good()) {
      assertThat(client.send("GET / HTTP/1.1")).startsWith("421 4.7.0").contains("SMTP server");
      assertThat(client.closedByServer()).isTrue();
    }
  }

  @Test
  void aClientThatVanishesMidDataLeavesNothingBehind() throws Exception {
    int spooledBefore = gateway.gateway().spool().size();
    try (SmtpTestClient client = good()) {
      client.startTransaction(Senders.GOOD_NAME, "alice@good.example", "halfway@example.test");
      assertThat(client.send("DATA")).startsWith("354");
      client.write("Subject: cut off\r\n\r\nfirst half of the message\r\n");
    }
    // The session has seen the end of the connection and ended: whatever it was going to store, it has.
    await().atMost(Duration.ofSeconds(10)).until(() -> gateway.gateway().smtp().stats().activeSessions() == 0);
    assertThat(gateway.gateway().spool().size()).isEqualTo(spooledBefore);
    assertThat(gateway.delivered("example.test", "halfway")).isEmpty();
    assertServerStillServes();
  }

  @Test
  void aSilentClientIsTimedOutWith421() throws Exception {
    try (SmtpTestClient client = good()) {
      assertThat(client.reply()).startsWith("421 4.4.2").contains("timeout");
      assertThat(client.closedByServer()).isTrue();
    }
  }

  @Test
  void aClientThatStallsInDataIsTimedOutAndNothingIsAccepted() throws Exception {
    try (SmtpTestClient client = good()) {
      client.startTransaction(Senders.GOOD_NAME, "alice@good.example", "stall@example.test");
      assertThat(client.send("DATA")).startsWith("354");
      client.write("Subject: slow\r\n");
      assertThat(client.reply()).startsWith("421 4.4.2");
    }
    assertThat(gateway.delivered("example.test", "stall")).isEmpty();
  }

  @Test
  void theSmugglingSequenceLfDotLfDoesNotEndTheMessage() throws Exception {
    try (SmtpTestClient client = good()) {
      client.startTransaction(Senders.GOOD_NAME, "alice@good.example", "smuggle@example.test");
      assertThat(client.send("DATA")).startsWith("354");
      client.write("From: tester@good.example\r\nSubject: innocent\r\n\r\nhello\n.\nMAIL FROM:<evil@good.example>\r\nRCPT TO:<victim@example.test>\r\n"
          + "\r\n.\r\n");
      assertThat(client.reply()).startsWith("250 2.0.0 Ok: queued");
      assertThat(client.send("NOOP")).startsWith("250");
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> gateway.delivered("example.test", "smuggle").size() == 1);
    String stored = Files.readString(gateway.delivered("example.test", "smuggle").getFirst(), StandardCharsets.UTF_8);
    assertThat(stored).contains("hello\n.\nMAIL FROM:<evil@good.example>");
    assertThat(gateway.delivered("example.test", "victim")).isEmpty();
  }

  @Test
  void aClientAtItsLimitCanReconnectRightAfterQuit() throws Exception {
    List<SmtpTestClient> open = new ArrayList<>();
    try {
      for (int i = 0; i < 20; i++) {
        SmtpTestClient client = SmtpTestClient.connect(gateway.smtp(), "127.0.5.5");
        assertThat(client.reply()).startsWith("220");
        open.add(client);
      }
      try (SmtpTestClient refused = SmtpTestClient.connect(gateway.smtp(), "127.0.5.5")) {
        assertThat(refused.reply()).startsWith("421 4.7.0 Too many connections");
      }
      assertThat(open.getFirst().send("QUIT")).startsWith("221");
      try (SmtpTestClient again = SmtpTestClient.connect(gateway.smtp(), "127.0.5.5")) {
        assertThat(again.reply()).startsWith("220");
      }
    } finally {
      for (SmtpTestClient client : open) {
        client.close();
      }
    }
  }

  @Test
  void fiveHundredParallelConnectionsFromOneAddressHitThePerClientLimit() throws Exception {
    int attempts = 500;
    List<Socket> sockets = new ArrayList<>();
    CountDownLatch opened = new CountDownLatch(attempts);
    List<Future<String>> greetings = new ArrayList<>();
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      for (int i = 0; i < attempts; i++) {
        greetings.add(pool.submit(() -> {
          SmtpTestClient client = SmtpTestClient.connect(gateway.smtp(), Senders.GOOD_2);
          synchronized (sockets) {
            sockets.add(client.socket());
          }
          opened.countDown();
          try {
            return client.reply();
          } catch (SocketTimeoutException e) {
            return "timeout";
          }
        }));
      }
      int welcomed = 0;
      int refused = 0;
      for (Future<String> greeting : greetings) {
        String reply = greeting.get();
        if (reply != null && reply.startsWith("220")) {
          welcomed++;
        } else if (reply != null && reply.startsWith("421 4.7.0") && reply.contains("Too many connections")) {
          refused++;
        }
      }
      assertThat(welcomed).isEqualTo(20);
      assertThat(refused).isEqualTo(attempts - 20);
    } finally {
      synchronized (sockets) {
        for (Socket s : sockets) {
          s.close();
        }
      }
    }
    assertServerStillServes();
  }
}
