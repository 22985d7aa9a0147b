package org.portcullis.verify;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.portcullis.delivery.NextHops;
import org.portcullis.dns.DnsRecord;
import org.portcullis.dns.DnsStatus;
import org.portcullis.dns.DnsType;
import org.portcullis.dns.StaticDnsResolver;
import org.portcullis.mail.EmailAddress;
import org.portcullis.testing.SmtpReceiver;

class CalloutVerifierTest {

  private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
  private static final EmailAddress BOB = EmailAddress.parse("bob@example.test");

  private static CalloutVerifier to(InetSocketAddress host, int concurrency) {
    return new CalloutVerifier(CalloutVerifier.relayHost(host), "gw.example.test", Duration.ofSeconds(2), concurrency);
  }

  private static long inSeconds(int s) {
    return System.nanoTime() + TimeUnit.SECONDS.toNanos(s);
  }

  @Test
  void anAcceptedRcptExistsAndNothingIsEverSent() throws IOException {
    try (SmtpReceiver server = SmtpReceiver.on(LOOPBACK, 0).start()) {
      Verification v = to(server.address(), 5).verify(BOB, inSeconds(10));

      assertThat(v).isInstanceOf(Verification.Exists.class);
      // The QUIT is read after we hang up: wait for the receiver to see it.
      org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10))
          .until(() -> server.commands().contains("QUIT"));
      assertThat(server.commands()).containsSubsequence("EHLO gw.example.test", "MAIL FROM:<>",
          "RCPT TO:<bob@example.test>", "QUIT");
      assertThat(server.commands()).noneMatch(c -> c.toUpperCase().startsWith("DATA"));
      assertThat(server.received()).isEmpty();
    }
  }

  @Test
  void a5xxToRcptIsMissingWithTheServersWords() throws IOException {
    try (SmtpReceiver server = SmtpReceiver.on(LOOPBACK, 0)
        .rcpt(to -> "550 5.1.1 <" + to + ">: Recipient address rejected: User unknown").start()) {
      Verification v = to(server.address(), 5).verify(BOB, inSeconds(10));

      assertThat(v).isInstanceOfSatisfying(Verification.Missing.class, m -> {
        assertThat(m.wholeDomain()).isFalse();
        assertThat(m.detail()).contains("550 5.1.1", "User unknown");
      });
    }
  }

  @Test
  void a4xxToRcptIsUnknownNeverMissing() throws IOException {
    try (SmtpReceiver server = SmtpReceiver.on(LOOPBACK, 0).rcpt(to -> "451 4.3.0 Try again later").start()) {
      assertThat(to(server.address(), 5).verify(BOB, inSeconds(10)))
          .isInstanceOfSatisfying(Verification.Unknown.class, u -> assertThat(u.detail()).contains("451"));
    }
  }

  @Test
  void theNullSenderRefusedIsMissingForTheWholeDomainAndDeferredIsUnknown() throws IOException {
    try (SmtpReceiver refusing = SmtpReceiver.on(LOOPBACK, 0).mail(from -> "550 5.7.1 No bounces here").start();
        SmtpReceiver deferring = SmtpReceiver.on(LOOPBACK, 0).mail(from -> "421 4.7.0 Busy").start()) {
      assertThat(to(refusing.address(), 5).verify(BOB, inSeconds(10)))
          .isInstanceOfSatisfying(Verification.Missing.class, m -> {
            assertThat(m.wholeDomain()).isTrue();
            assertThat(m.detail()).contains("null sender", "No bounces here");
          });
      assertThat(refusing.commands()).noneMatch(c -> c.startsWith("RCPT"));
      assertThat(to(deferring.address(), 5).verify(BOB, inSeconds(10)))
          .isInstanceOfSatisfying(Verification.Unknown.class, u -> assertThat(u.wholeDomain()).isTrue());
    }
  }

  @Test
  void aSilentServerIsUnknownByTheDeadline() throws IOException {
    try (Misbehaving silent = new Misbehaving(out -> { })) {
      Verification v = to(silent.address(), 5).verify(BOB, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(300));

      assertThat(v).isInstanceOfSatisfying(Verification.Unknown.class,
          u -> assertThat(u.detail()).contains("no answer in time"));
    }
  }

  @Test
  void anEndlessLineAndBinaryGarbageAreUnknown() throws IOException {
    try (Misbehaving endless = new Misbehaving(out -> write(out, "220 " + "x".repeat(10_000)));
        Misbehaving garbage = new Misbehaving(out -> write(out, "\u0000\u00ff\u0001binary\r\n"))) {
      assertThat(to(endless.address(), 5).verify(BOB, inSeconds(10)))
          .isInstanceOfSatisfying(Verification.Unknown.class, u -> assertThat(u.detail()).contains("longer than"));
      assertThat(to(garbage.address(), 5).verify(BOB, inSeconds(10)))
          .isInstanceOfSatisfying(Verification.Unknown.class, u -> {
            assertThat(u.detail()).contains("not an SMTP reply");
            assertThat(u.detail()).doesNotContain("\u0000");
          });
    }
  }

  @Test
  void aHostThatRefusesTheGreetingOrTheConnectionIsPassedForTheNext() throws IOException {
    int closed;
    try (ServerSocket s = new ServerSocket(0, 1, LOOPBACK)) {
      closed = s.getLocalPort();
    }
    try (SmtpReceiver busy = SmtpReceiver.on(LOOPBACK, 0).greeting((c, n) -> "554 5.3.2 Not now").start();
        SmtpReceiver good = SmtpReceiver.on(LOOPBACK, 0).start()) {
      CalloutVerifier verifier = new CalloutVerifier(address -> new CalloutVerifier.Targets.Hosts(List.of(
          new InetSocketAddress(LOOPBACK, closed), busy.address(), good.address()), Optional.empty()),
          "gw.example.test", Duration.ofSeconds(2), 5);

      assertThat(verifier.verify(BOB, inSeconds(10))).isInstanceOf(Verification.Exists.class);
      assertThat(good.commands()).contains("RCPT TO:<bob@example.test>");
    }
  }

  @Test
  void whenEveryTurnIsTakenACalloutThatCannotStartInTimeIsUnknown() throws Exception {
    CountDownLatch greeted = new CountDownLatch(1);
    try (Misbehaving silent = new Misbehaving(out -> greeted.countDown())) {
      CalloutVerifier verifier = to(silent.address(), 1);
      CompletableFuture<Verification> first = CompletableFuture.supplyAsync(() -> verifier.verify(BOB, inSeconds(2)));
      assertThat(greeted.await(10, TimeUnit.SECONDS)).isTrue();

      Verification second = verifier.verify(EmailAddress.parse("carol@example.test"),
          System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(200));

      assertThat(second).isInstanceOfSatisfying(Verification.Unknown.class,
          u -> assertThat(u.detail()).contains("too many"));
      assertThat(first.get(10, TimeUnit.SECONDS)).isInstanceOf(Verification.Unknown.class);
    }
  }

  @Test
  void senderCalloutsGoWhereDeliveryWouldAndNeverToPrivateAddressesUnlessAllowed() throws IOException {
    try (SmtpReceiver mx = SmtpReceiver.on(LOOPBACK, 0).start()) {
      StaticDnsResolver dns = new StaticDnsResolver()
          .add("example.test", DnsType.MX, new DnsRecord.Mx(10, "mx.example.test"))
          .add("mx.example.test", DnsType.A, new DnsRecord.Address(LOOPBACK))
          .add("nomail.test", DnsType.MX, new DnsRecord.Mx(0, ""))
          .fail("broken.test", DnsType.MX, DnsStatus.SERVFAIL)
          .fail("gone.test", DnsType.MX, DnsStatus.NXDOMAIN);
      NextHops hops = new NextHops(dns);
      CalloutVerifier strict = new CalloutVerifier(CalloutVerifier.mx(hops, mx.address().getPort(),
          d -> List.of(Optional.empty()), false), "gw.example.test", Duration.ofSeconds(2), 5);
      CalloutVerifier tests = new CalloutVerifier(CalloutVerifier.mx(hops, mx.address().getPort(),
          d -> List.of(Optional.empty()), true), "gw.example.test", Duration.ofSeconds(2), 5);

      assertThat(strict.verify(BOB, inSeconds(10))).isInstanceOfSatisfying(Verification.Unknown.class,
          u -> assertThat(u.detail()).contains("no public address", "127.0.0.1"));
      assertThat(mx.connections()).isZero();
      assertThat(tests.verify(BOB, inSeconds(10))).isInstanceOf(Verification.Exists.class);
      assertThat(tests.verify(EmailAddress.parse("a@nomail.test"), inSeconds(10)))
          .isInstanceOfSatisfying(Verification.Missing.class, m -> assertThat(m.wholeDomain()).isTrue());
      assertThat(tests.verify(EmailAddress.parse("a@gone.test"), inSeconds(10)))
          .isInstanceOf(Verification.Missing.class);
      assertThat(tests.verify(EmailAddress.parse("a@broken.test"), inSeconds(10)))
          .isInstanceOf(Verification.Unknown.class);
    }
  }

  private static void write(OutputStream out, String text) {
    try {
      out.write(text.getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
    } catch (IOException e) {
      // the client hung up: what the test wanted
    }
  }

  /** A server that writes what it is told at connect, then holds the connection until closed. */
  private static final class Misbehaving implements AutoCloseable {
    private final ServerSocket server;
    private final List<Socket> held = new java.util.concurrent.CopyOnWriteArrayList<>();

    Misbehaving(Consumer<OutputStream> atConnect) throws IOException {
      server = new ServerSocket(0, 50, LOOPBACK);
      Thread.ofVirtual().start(() -> {
        while (!server.isClosed()) {
          try {
            Socket s = server.accept();
            held.add(s);
            atConnect.accept(s.getOutputStream());
          } catch (IOException e) {
            return;
          }
        }
      });
    }

    InetSocketAddress address() {
      return new InetSocketAddress(LOOPBACK, server.getLocalPort());
    }

    @Override
    public void close() throws IOException {
      server.close();
      for (Socket s : held) {
        s.close();
      }
    }
  }
}
