package org.portcullis.verify;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.portcullis.testing.FakeClock;
import org.portcullis.testing.Senders;
import org.portcullis.testing.SmtpReceiver;
import org.portcullis.testing.SmtpTestClient;
import org.portcullis.testing.TestDnsServer;
import org.portcullis.testing.TestGateway;

/**
 * Verification callouts over SMTP, against real servers on loopback: the internal server behind us
 * decides which of our recipients exist (550 for an unknown user, 450 when it does not answer), and
 * a sender domain that greylists our callout gets a 4xx now and a pass on the sender's retry.
 */
class VerificationCalloutsEndToEndTest {

  private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

  @TempDir
  Path data;

  private static String rcpt(TestGateway gateway, String from, String to) throws Exception {
    try (SmtpTestClient smtp = SmtpTestClient.connect(gateway.smtp(), Senders.GOOD)) {
      smtp.reply();
      return smtp.startTransaction(Senders.GOOD_NAME, from, to);
    }
  }

  @Test
  void theInternalServerDecidesWhichRecipientsExist() throws Exception {
    try (SmtpReceiver internal = SmtpReceiver.on(LOOPBACK, 0)
        .rcpt(to -> to.equals("bob@example.test") ? "250 2.1.5 Ok"
            : "550 5.1.1 <" + to + ">: Recipient address rejected: User unknown in virtual mailbox table").start();
        TestDnsServer dns = Senders.describe(TestDnsServer.start());
        TestGateway gateway = TestGateway.start(data, dns, "delivery.transport = \"relay\"",
            "delivery.relay-host = \"127.0.0.1:" + internal.address().getPort() + "\"",
            "verify.recipients = \"callout\"")) {
      assertThat(rcpt(gateway, "someone@good.example", "nobody@example.test"))
          .startsWith("550 5.1.1").contains("<nobody@example.test> does not exist here");
      assertThat(rcpt(gateway, "someone@good.example", "bob@example.test")).startsWith("250");
      assertThat(rcpt(gateway, "someone@good.example", "nobody@example.test")).as("the cached answer")
          .startsWith("550 5.1.1");

      assertThat(internal.commands().stream().filter(c -> c.startsWith("RCPT")).toList())
          .containsExactly("RCPT TO:<nobody@example.test>", "RCPT TO:<bob@example.test>");
      assertThat(internal.commands()).contains("MAIL FROM:<>").noneMatch(c -> c.equalsIgnoreCase("DATA"));
      assertThat(rcpt(gateway, "someone@good.example", "somebody@elsewhere.example")).as("not ours: relay control")
          .startsWith("554 5.7.1");
      java.net.http.HttpResponse<String> metrics = java.net.http.HttpClient.newHttpClient().send(
          java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:"
              + gateway.gateway().webPort().orElseThrow() + "/metrics")).build(),
          java.net.http.HttpResponse.BodyHandlers.ofString());
      assertThat(metrics.body()).contains("portcullis_verify_asked_total{verifier=\"recipients\"} 3.0",
          "portcullis_verify_answers_total{answer=\"missing\",verifier=\"recipients\"} 1.0",
          "portcullis_verify_answers_total{answer=\"exists\",verifier=\"recipients\"} 1.0",
          "portcullis_verify_cache_entries{verifier=\"recipients\"} 2.0");
    }
  }

  @Test
  void anInternalServerThatDoesNotAnswerGives450NeverAPassNorA550() throws Exception {
    List<Socket> held = new ArrayList<>();
    try (ServerSocket silent = new ServerSocket(0, 50, LOOPBACK);
        TestDnsServer dns = Senders.describe(TestDnsServer.start());
        TestGateway gateway = TestGateway.start(data, dns, "delivery.transport = \"relay\"",
            "delivery.relay-host = \"127.0.0.1:" + silent.getLocalPort() + "\"", "verify.recipients = \"callout\"",
            "verify.timeout-seconds = 1")) {
      Thread.ofVirtual().start(() -> {
        try {
          while (true) {
            held.add(silent.accept());
          }
        } catch (java.io.IOException e) {
          // closed at the end of the test
        }
      });
      assertThat(rcpt(gateway, "someone@good.example", "bob@example.test"))
          .startsWith("450 4.4.3").contains("cannot be verified now");
    } finally {
      for (Socket s : held) {
        s.close();
      }
    }
  }

  @Test
  void aSenderDomainThatGreylistsOurCalloutIsDeferredNowAndPassesOnTheRetry() throws Exception {
    AtomicInteger asked = new AtomicInteger();
    FakeClock clock = new FakeClock();
    try (SmtpReceiver senderMx = SmtpReceiver.on(LOOPBACK, 0).rcpt(to -> {
      if (to.startsWith("ghost@")) {
        return "550 5.1.1 No such user here";
      }
      return asked.incrementAndGet() == 1 ? "450 4.7.1 <" + to + ">: Greylisted, try again in 5 minutes"
          : "250 2.1.5 Ok";
    }).start();
        TestDnsServer dns = Senders.describe(TestDnsServer.start());
        TestGateway gateway = TestGateway.start(clock, data, dns, "verify.sender = true",
            "verify.allow-private-targets = true", "delivery.remote-port = " + senderMx.address().getPort())) {
      dns.mx("sender.example", 10, "mx.sender.example").a("mx.sender.example", "127.0.0.1");

      assertThat(rcpt(gateway, "alice@sender.example", "bob@example.test")).as("the callout was greylisted")
          .startsWith("450 4.1.7");
      assertThat(rcpt(gateway, "alice@sender.example", "bob@example.test")).as("unknown is kept a minute")
          .startsWith("450 4.1.7");
      assertThat(asked).hasValue(1);

      clock.advance(Duration.ofSeconds(61));
      assertThat(rcpt(gateway, "alice@sender.example", "bob@example.test")).as("the sender's retry")
          .startsWith("250");
      assertThat(asked).hasValue(2);

      assertThat(rcpt(gateway, "ghost@sender.example", "bob@example.test")).startsWith("550 5.1.7");
      assertThat(rcpt(gateway, "", "bob@example.test")).as("the null sender is not verified")
          .startsWith("250");
      assertThat(senderMx.commands()).contains("MAIL FROM:<>").noneMatch(c -> c.equalsIgnoreCase("DATA"));
    }
  }

  @Test
  void aSenderCalloutLeavesFromTheAddressOurMailToThatDomainLeavesFrom() throws Exception {
    java.util.List<InetAddress> callers = new java.util.concurrent.CopyOnWriteArrayList<>();
    try (SmtpReceiver senderMx = SmtpReceiver.on(LOOPBACK, 0).greeting((client, n) -> {
      callers.add(client);
      return "220 mx.sender.example ESMTP";
    }).start();
        TestDnsServer dns = Senders.describe(TestDnsServer.start());
        TestGateway gateway = TestGateway.start(data, dns, "verify.sender = true", "verify.allow-private-targets = true",
            "delivery.remote-port = " + senderMx.address().getPort(), "delivery.source-addresses = [\"127.0.0.77\"]")) {
      dns.mx("sender.example", 10, "mx.sender.example").a("mx.sender.example", "127.0.0.1");

      assertThat(rcpt(gateway, "alice@sender.example", "bob@example.test")).startsWith("250");
      assertThat(callers).containsExactly(InetAddress.ofLiteral("127.0.0.77"));
    }
  }

  @Test
  void oneNetworkCannotTakeEveryVerificationTurn() throws Exception {
    List<Socket> held = new java.util.concurrent.CopyOnWriteArrayList<>();
    java.util.concurrent.CountDownLatch waiting = new java.util.concurrent.CountDownLatch(1);
    try (ServerSocket silent = new ServerSocket(0, 50, LOOPBACK);
        TestDnsServer dns = Senders.describe(TestDnsServer.start());
        TestGateway gateway = TestGateway.start(data, dns, "delivery.transport = \"relay\"",
            "delivery.relay-host = \"127.0.0.1:" + silent.getLocalPort() + "\"", "verify.recipients = \"callout\"",
            "verify.timeout-seconds = 3", "verify.concurrency = 4")) {
      Thread.ofVirtual().start(() -> {
        try {
          while (true) {
            held.add(silent.accept());
            waiting.countDown();
          }
        } catch (java.io.IOException e) {
          // closed at the end of the test
        }
      });
      java.util.concurrent.CompletableFuture<String> first = new java.util.concurrent.CompletableFuture<>();
      Thread.ofVirtual().start(() -> {
        try {
          first.complete(rcpt(gateway, "someone@good.example", "bob@example.test"));
        } catch (Exception e) {
          first.complete(e.toString());
        }
      });
      assertThat(waiting.await(10, java.util.concurrent.TimeUnit.SECONDS)).as(() -> "first: " + first.getNow("running"))
          .isTrue();

      assertThat(rcpt(gateway, "someone@good.example", "carol@example.test")).as("the network's one turn is taken")
          .startsWith("450 4.4.3").contains("too many verifications from your network");
      assertThat(first.get(10, java.util.concurrent.TimeUnit.SECONDS)).as("the first waits out its deadline")
          .startsWith("450 4.4.3").contains("cannot be verified now");
    } finally {
      for (Socket s : held) {
        s.close();
      }
    }
  }
}
