package org.portcullis.diagnose;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.portcullis.dns.DnsjavaResolver;
import org.portcullis.testing.TestDnsServer;

/**
 * Check 3 of seed 001's list against the in-process DNS server acting as the zones' authoritative
 * server: TTLs of 86400 s pass, 300 s per type warn (with the caveat), a silent server is unknown,
 * and servers on private addresses are not asked unless allowed.
 */
class TtlProbeTest {

  private TestDnsServer dns;

  @BeforeEach
  void zones() throws Exception {
    dns = TestDnsServer.start();
    dns.record("good.test", "NS", 86_400, "ns1.good.test.").a("ns1.good.test", "127.0.0.1")
        .record("good.test", "MX", 86_400, "10 mx.good.test.").record("mx.good.test", "A", 86_400, "127.0.9.1")
        .record("127.in-addr.arpa", "NS", 86_400, "ns1.good.test.")
        .record("1.9.0.127.in-addr.arpa", "PTR", 86_400, "mx.good.test.");
    dns.record("short.test", "NS", 300, "ns1.good.test.").record("short.test", "MX", 300, "10 mx.short.test.")
        .record("mx.short.test", "A", 300, "127.0.9.2").record("2.9.0.127.in-addr.arpa", "PTR", 300, "mx.short.test.");
    dns.record("quiet.test", "NS", 86_400, "ns.quiet.test.").a("ns.quiet.test", "127.0.0.1").silent("quiet.test", 15);
  }

  @AfterEach
  void stop() {
    dns.close();
  }

  private Map<String, Finding> run(String ip, String domain, boolean allowPrivate) {
    DnsjavaResolver recursive = new DnsjavaResolver(List.of(dns.address()), Duration.ofMillis(500), 1);
    TtlProbe probe = new TtlProbe(dns.address().getPort(), allowPrivate,
        server -> new DnsjavaResolver(List.of(server), Duration.ofMillis(500), 1, 0));
    Map<String, Finding> byId = new LinkedHashMap<>();
    probe.run(new Subject(InetAddress.ofLiteral(ip), Optional.of(domain), Optional.empty(), Optional.empty()),
        new Lookups(recursive), System.nanoTime() + 5_000_000_000L)
        .forEach(f -> byId.put(f.id(), f));
    return byId;
  }

  @Test
  void twelveHoursOrMoreAtTheAuthoritativeServerPasses() {
    Map<String, Finding> f = run("127.0.9.1", "good.test", true);

    assertThat(f.keySet()).containsExactly("ttl.ns", "ttl.mx", "ttl.a", "ttl.ptr");
    assertThat(f.values()).allSatisfy(x -> assertThat(x.status()).as(x.id() + " " + x.facts()).isEqualTo(Status.PASS));
    assertThat(f.get("ttl.ptr").facts().toString()).contains("127.in-addr.arpa", "TTL 86400 s");
  }

  @Test
  void fiveMinutesWarnsPerTypeWithTheCaveat() {
    Map<String, Finding> f = run("127.0.9.2", "short.test", true);

    assertThat(f.values()).allSatisfy(x -> assertThat(x.status()).as(x.id()).isEqualTo(Status.WARN));
    assertThat(f.get("ttl.mx").advice()).contains("TTL of 300 s", "43200", "this is advice, not a rule");
  }

  @Test
  void aSilentServerIsUnknownAndPrivateServersAreNotAskedUnlessAllowed() {
    assertThat(run("127.0.9.1", "quiet.test", true).get("ttl.mx").status()).isEqualTo(Status.UNKNOWN);
    Finding notAsked = run("127.0.9.1", "good.test", false).get("ttl.mx");
    assertThat(notAsked.status()).isEqualTo(Status.UNKNOWN);
    assertThat(notAsked.advice()).contains("no public address");
  }
}
