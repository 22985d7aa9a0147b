package org.portcullis.bench;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.portcullis.app.Diagnoses;
import org.portcullis.app.Gateway;
import org.portcullis.config.PortcullisConfig;
import org.portcullis.diagnose.Diagnosis;
import org.portcullis.diagnose.Subject;
import org.portcullis.testing.Senders;
import org.portcullis.testing.TestDnsServer;
import org.portcullis.testing.TestGateway;

/**
 * The time of a whole diagnosis against the local test bed (issue 16): a well-kept server with
 * the resolver's cache off (every answer asked) and on, and the worst case, a DNS server that never
 * answers (bounded by the resolver's timeouts and {@code diagnose.timeout-seconds}). Prints p50 and
 * p95 in milliseconds. Run by {@code bench/diagnose/run.sh}.
 */
public final class DiagnoseBench {

  private DiagnoseBench() {}

  public static void main(String[] args) throws Exception {
    int runs = args.length > 0 ? Integer.parseInt(args[0]) : 300;
    Path data = Files.createTempDirectory("diagnose-bench");
    try (TestDnsServer dns = Senders.describe(TestDnsServer.start())) {
      dns.txt("good.example", "v=spf1 ip4:127.0.1.1 -all").txt("mail.good.example", "v=spf1 a -all")
          .a("2.0.0.127.zen.test", "127.0.0.2");
      Subject good = new Subject(InetAddress.ofLiteral(Senders.GOOD), Optional.of("good.example"),
          Optional.of(Senders.GOOD_NAME), Optional.of("bob@good.example"));
      String zones = "dnsbl.zones = [{name = \"zen.test\"}]";
      report("good server, cache off", diagnosis(data, dns, zones, "dns.cache-entries-max = 0"), good, runs);
      report("good server, cache on", diagnosis(data, dns, zones), good, runs);
      // Every check, the connecting ones too: the name servers asked for TTLs, the server's banner
      // and a callout to its MX (a loopback receiver; a new diagnosis each run, since a target is
      // connected to at most once per 10 minutes).
      dns.record("good.example", "NS", 86_400, "ns1.good.example.").a("ns1.good.example", "127.0.0.1")
          .record("127.in-addr.arpa", "NS", 86_400, "ns1.good.example.");
      try (org.portcullis.testing.SmtpReceiver server = org.portcullis.testing.SmtpReceiver.on(
          InetAddress.ofLiteral(Senders.GOOD), 0).greeting((c, n) -> "220 " + Senders.GOOD_NAME + " ESMTP").start()) {
        String[] connecting = {zones, "diagnose.allow-private-targets = true", "diagnose.smtp-port = "
            + server.address().getPort(), "diagnose.dns-port = " + dns.address().getPort()};
        Subject connected = new Subject(good.ip(), good.domain(), good.helo(), good.sender(), true);
        report("good server, connecting", () -> diagnosis(data, dns, connecting), connected, runs);
      }
      dns.silent("good.example").silent(org.portcullis.dns.ReverseName.of(InetAddress.ofLiteral(Senders.GOOD)));
      report("silent DNS (worst case)", diagnosis(data, dns, zones, "dns.cache-entries-max = 0",
          "dns.timeout-ms = 2000", "dns.attempts = 2"), good, 5);
    }
  }

  private static Diagnosis diagnosis(Path data, TestDnsServer dns, String... settings) {
    PortcullisConfig config = TestGateway.config(data, dns, settings);
    return Diagnoses.of(config, Gateway.resolverFor(config), Clock.systemUTC());
  }

  private static void report(String label, Diagnosis diagnosis, Subject subject, int runs) {
    report(label, () -> diagnosis, subject, runs);
  }

  private static void report(String label, java.util.function.Supplier<Diagnosis> diagnoses, Subject subject,
      int runs) {
    for (int i = 0; i < Math.min(50, runs); i++) {
      diagnoses.get().run(subject); // warm-up: the JIT, and the cache where it is on
    }
    List<Double> millis = new ArrayList<>();
    String worst = "";
    for (int i = 0; i < runs; i++) {
      Diagnosis.Report r = diagnoses.get().run(subject);
      millis.add(r.took().toNanos() / 1e6);
      worst = r.worst().label();
    }
    Collections.sort(millis);
    System.out.printf(Locale.ROOT, "%-26s runs %4d  p50 %8.1f ms  p95 %8.1f ms  max %8.1f ms  (worst status %s)%n",
        label, runs, millis.get(runs / 2), millis.get((int) Math.ceil(runs * 0.95) - 1), millis.getLast(), worst);
  }
}
