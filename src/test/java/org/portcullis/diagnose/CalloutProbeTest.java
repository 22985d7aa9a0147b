package org.portcullis.diagnose;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.portcullis.dns.DnsRecord;
import org.portcullis.dns.DnsType;
import org.portcullis.dns.StaticDnsResolver;
import org.portcullis.testing.SmtpReceiver;

/**
 * Check 9 of seed 001's list against loopback servers: does the sender domain's MX take
 * {@code MAIL FROM:<>}, the sender and postmaster@ (RFC 5321 4.5.1, 4.5.5), never DATA.
 */
class CalloutProbeTest {

  private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

  private static StaticDnsResolver dns() {
    return new StaticDnsResolver().add("sender.test", DnsType.MX, new DnsRecord.Mx(10, "mx.sender.test"))
        .add("mx.sender.test", DnsType.A, new DnsRecord.Address(LOOPBACK));
  }

  private static Map<String, Finding> run(CalloutProbe probe, StaticDnsResolver dns, boolean connect) {
    Subject subject = new Subject(InetAddress.ofLiteral("127.0.1.1"), Optional.empty(), Optional.of("mail.sender.test"),
        Optional.of("alice@sender.test"), connect);
    Map<String, Finding> byId = new LinkedHashMap<>();
    probe.run(subject, new Lookups(dns), System.nanoTime() + 10_000_000_000L).forEach(f -> byId.put(f.id(), f));
    return byId;
  }

  private static CalloutProbe probe(int port, boolean allowPrivate) {
    return new CalloutProbe(new CalloutProbe.Settings(port, Duration.ofSeconds(2), Duration.ofSeconds(5),
        allowPrivate, "mx.us.example"));
  }

  @Test
  void aServerThatTakesTheNullSenderTheSenderAndPostmasterPassesAndGetsNoData() throws Exception {
    try (SmtpReceiver mx = SmtpReceiver.on(LOOPBACK, 0).start()) {
      Map<String, Finding> f = run(probe(mx.address().getPort(), true), dns(), true);

      assertThat(f.keySet()).containsExactly("callout.null-sender", "callout.sender", "callout.postmaster");
      assertThat(f.values()).allMatch(x -> x.status() == Status.PASS);
      assertThat(mx.commands()).contains("MAIL FROM:<>", "RCPT TO:<alice@sender.test>",
          "RCPT TO:<postmaster@sender.test>").noneMatch(c -> c.equalsIgnoreCase("DATA"));
      assertThat(mx.received()).isEmpty();
    }
  }

  @Test
  void refusingTheNullSenderFailsAndCitesTheRfc() throws Exception {
    try (SmtpReceiver mx = SmtpReceiver.on(LOOPBACK, 0).mail(from -> from.isEmpty() ? "550 5.7.1 No bounces"
        : "250 ok").start()) {
      Map<String, Finding> f = run(probe(mx.address().getPort(), true), dns(), true);

      assertThat(f.keySet()).containsExactly("callout.null-sender");
      assertThat(f.get("callout.null-sender").status()).isEqualTo(Status.FAIL);
      assertThat(f.get("callout.null-sender").advice()).contains("RFC 5321 4.5.5", "550 5.7.1 No bounces");
    }
  }

  @Test
  void aDeferredNullSenderWarns() throws Exception {
    try (SmtpReceiver mx = SmtpReceiver.on(LOOPBACK, 0).mail(from -> "451 4.7.1 Greylisted, try again").start()) {
      Finding f = run(probe(mx.address().getPort(), true), dns(), true).get("callout.null-sender");

      assertThat(f.status()).isEqualTo(Status.WARN);
      assertThat(f.advice()).contains("temporary error", "Greylisted", "exempt callouts");
    }
  }

  @Test
  void aGreylistedCalloutWarnsAndAMissingPostmasterFails() throws Exception {
    try (SmtpReceiver mx = SmtpReceiver.on(LOOPBACK, 0).rcpt(to -> to.startsWith("postmaster@")
        ? "550 5.1.1 User unknown" : "451 4.7.1 Greylisted, try again later").start()) {
      Map<String, Finding> f = run(probe(mx.address().getPort(), true), dns(), true);

      assertThat(f.get("callout.null-sender").status()).isEqualTo(Status.PASS);
      assertThat(f.get("callout.sender").status()).isEqualTo(Status.WARN);
      assertThat(f.get("callout.sender").advice()).contains("Greylisted", "exempt the null sender");
      assertThat(f.get("callout.postmaster").status()).isEqualTo(Status.FAIL);
      assertThat(f.get("callout.postmaster").advice()).contains("RFC 5321 4.5.1");
    }
  }

  @Test
  void noReachableServerIsUnknownNeverAPass() throws Exception {
    int closed;
    try (ServerSocket s = new ServerSocket(0, 1, LOOPBACK)) {
      closed = s.getLocalPort();
    }
    Map<String, Finding> f = run(probe(closed, true), dns(), true);

    assertThat(f.get("callout.null-sender").status()).isEqualTo(Status.UNKNOWN);
  }

  @Test
  void privateAddressesDnsOnlyRequestsAndRepeatsWithinTenMinutesAreNotConnected() throws Exception {
    try (SmtpReceiver mx = SmtpReceiver.on(LOOPBACK, 0).start()) {
      assertThat(run(probe(mx.address().getPort(), false), dns(), true).get("callout.null-sender"))
          .satisfies(x -> {
            assertThat(x.status()).isEqualTo(Status.INFO);
            assertThat(x.advice()).contains("no public address");
          });
      assertThat(run(probe(mx.address().getPort(), true), dns(), false)).isEmpty();
      CalloutProbe once = probe(mx.address().getPort(), true);
      assertThat(run(once, dns(), true).get("callout.null-sender").status()).isEqualTo(Status.PASS);
      assertThat(run(once, dns(), true).get("callout.null-sender").status()).isEqualTo(Status.INFO);
      assertThat(mx.connections()).isEqualTo(1);
    }
  }

  @Test
  void theAdviceCatalogueHasEveryText() {
    for (String id : List.of("callout.null-sender", "callout.sender", "callout.postmaster")) {
      assertThat(Advice.text(id + ".title", Map.of("domain", "d.test"))).isNotBlank();
    }
  }
}
