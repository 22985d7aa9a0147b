package org.portcullis.diagnose;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.portcullis.app.Diagnoses;
import org.portcullis.app.Gateway;
import org.portcullis.config.PortcullisConfig;
import org.portcullis.testing.Senders;
import org.portcullis.testing.TestDnsServer;
import org.portcullis.testing.TestGateway;

/**
 * The diagnosis end to end through the gateway's own resolver against the in-process DNS server,
 * with zones that fail each way, and a server that stays silent (unknown, never a pass).
 */
class DiagnosisTest {

  @TempDir
  static Path data;
  static TestDnsServer dns;
  static Diagnosis diagnosis;

  @BeforeAll
  static void zones() throws Exception {
    dns = Senders.describe(TestDnsServer.start());
    dns.txt("good.example", "v=spf1 ip4:127.0.1.1 -all").txt("mail.good.example", "v=spf1 a -all");
    dns.a("2.0.0.127.zen.test", "127.0.0.2");
    // 127.0.5.1: a PTR name with no address; 127.0.5.2: a listed server of a badly kept domain.
    dns.ptr("127.0.5.1", "ghost.example");
    dns.host("127.0.5.2", "mx.bad.example").a("1.5.0.127.zen.test", "127.0.0.2").a("2.5.0.127.zen.test", "127.0.0.2");
    dns.txt("two.example", "v=spf1 -all").txt("two.example", "v=spf1 ip4:127.0.5.2 -all").mx("two.example", 10,
        "mx.bad.example");
    dns.txt("open.example", "v=spf1 +all").mx("open.example", 10, "mail.good.example");
    dns.txt("other.example", "v=spf1 ip4:192.0.2.1 -all").mx("other.example", 10, "mail.good.example");
    StringBuilder many = new StringBuilder("v=spf1");
    for (int i = 0; i < 11; i++) {
      many.append(" include:i").append(i).append(".m.example");
      dns.txt("i" + i + ".m.example", "v=spf1 -all");
    }
    dns.txt("many.example", many + " -all");
    dns.txt("nomx.example", "v=spf1 ip4:127.0.5.2 -all");
    dns.mx("cname.example", 10, "alias.cname.example").cname("alias.cname.example", "mail.good.example");
    dns.mx("null.example", 0, ".");
    dns.silent("silent.example");
    PortcullisConfig config = TestGateway.config(data, dns, "dnsbl.zones = [{name = \"zen.test\"}]");
    diagnosis = Diagnoses.of(config, Gateway.resolverFor(config), Clock.systemUTC());
  }

  @AfterAll
  static void stop() {
    dns.close();
  }

  private static Map<String, Finding> run(String ip, String domain, String helo) {
    Diagnosis.Report report = diagnosis.run(new Subject(InetAddress.ofLiteral(ip), Optional.ofNullable(domain),
        Optional.ofNullable(helo), Optional.empty()));
    Map<String, Finding> byId = new LinkedHashMap<>();
    report.findings().forEach(f -> byId.put(f.id(), f));
    return byId;
  }

  @Test
  void aWellKeptServerPassesEverything() {
    Map<String, Finding> f = run(Senders.GOOD, "good.example", Senders.GOOD_NAME);
    assertThat(f.keySet()).containsExactly("rdns.ptr", "rdns.fcrdns", "rdns.generic", "rdns.fqdn", "helo.matches",
        "spf.record", "spf.mailfrom", "spf.helo", "mx.hosts", "ttl.ns", "ttl.mx", "ttl.a", "ttl.ptr", "mx.same-ip",
        "dnsbl.zen.test");
    // This test bed has no NS records (TtlProbeTest has): the TTLs are unknown, never a pass.
    assertThat(f.values().stream().filter(x -> x.id().startsWith("ttl."))).allSatisfy(x -> {
      assertThat(x.status()).isEqualTo(Status.UNKNOWN);
      assertThat(x.advice()).contains("no name server was found");
    });
    assertThat(f.values().stream().filter(x -> !x.id().startsWith("ttl."))).allSatisfy(x -> {
      assertThat(x.status()).as(x.id() + ": " + x.advice()).isEqualTo(Status.PASS);
      assertThat(x.advice()).isEmpty();
      assertThat(x.title()).doesNotContain("{");
    });
    assertThat(f.get("spf.mailfrom").facts()).extracting(Finding.Fact::value).contains("v=spf1 ip4:127.0.1.1 -all");
  }

  @Test
  void reverseDnsFailsEachWay() {
    Map<String, Finding> none = run(Senders.NO_PTR, null, null);
    assertThat(none.get("rdns.ptr").status()).isEqualTo(Status.FAIL);
    assertThat(none.get("rdns.ptr").advice()).contains("127.0.2.1 has no PTR record");
    assertThat(none).doesNotContainKeys("rdns.fcrdns", "rdns.generic", "spf.record", "mx.hosts");
    Map<String, Finding> ghost = run("127.0.5.1", null, null);
    assertThat(ghost.get("rdns.ptr").status()).isEqualTo(Status.PASS);
    assertThat(ghost.get("rdns.fcrdns").status()).isEqualTo(Status.FAIL);
    assertThat(ghost.get("rdns.fcrdns").advice()).contains("ghost.example does not resolve back to 127.0.5.1");
    Map<String, Finding> dynamic = run(Senders.DYNAMIC, null, "mail.isp.example");
    assertThat(dynamic.get("rdns.generic").status()).isEqualTo(Status.WARN);
    assertThat(dynamic.get("rdns.generic").advice()).contains("127-0-3-1.dyn.isp.example looks generic");
    assertThat(dynamic.get("helo.matches").status()).isEqualTo(Status.WARN);
    assertThat(dynamic.get("helo.matches").advice()).contains("never refuse mail on this alone (RFC 5321 4.1.4)");
  }

  @Test
  void spfFailsEachWay() {
    assertThat(run("127.0.5.2", "nospf.example", null).get("spf.record").status()).isEqualTo(Status.WARN);
    Finding two = run("127.0.5.2", "two.example", null).get("spf.record");
    assertThat(two.status()).isEqualTo(Status.FAIL);
    assertThat(two.advice()).contains("publishes 2 SPF records");
    Map<String, Finding> open = run(Senders.GOOD, "open.example", null);
    assertThat(open.get("spf.record").status()).isEqualTo(Status.FAIL);
    assertThat(open.get("spf.record").advice()).contains("+all", "authorises every address");
    Finding other = run(Senders.GOOD, "other.example", null).get("spf.mailfrom");
    assertThat(other.status()).isEqualTo(Status.FAIL);
    assertThat(other.advice()).contains("gives fail for 127.0.1.1", "ip4:127.0.1.1");
    Finding many = run(Senders.GOOD, "many.example", null).get("spf.mailfrom");
    assertThat(many.status()).isEqualTo(Status.FAIL);
    assertThat(many.advice()).contains("permerror");
  }

  @Test
  void mxFailsEachWayAndOneIpInAndOutWarns() {
    Map<String, Finding> nomx = run("127.0.5.2", "nomx.example", null);
    assertThat(nomx.get("mx.hosts").status()).isEqualTo(Status.FAIL);
    assertThat(nomx.get("mx.hosts").advice()).contains("has no MX record");
    assertThat(nomx).doesNotContainKey("mx.same-ip");
    Finding cname = run(Senders.GOOD, "cname.example", null).get("mx.hosts");
    assertThat(cname.status()).isIn(Status.WARN, Status.FAIL);
    assertThat(cname.advice()).contains("alias.cname.example is a CNAME");
    Finding nul = run(Senders.GOOD, "null.example", null).get("mx.hosts");
    assertThat(nul.status()).isEqualTo(Status.WARN);
    assertThat(nul.advice()).contains("null MX");
    Finding elsewhere = run("127.0.5.2", "other.example", null).get("mx.same-ip");
    assertThat(elsewhere.status()).isEqualTo(Status.WARN);
    assertThat(elsewhere.advice()).contains("127.0.5.2 is not among the addresses", "127.0.1.1");
  }

  @Test
  void aListedAddressFailsWithItsList() {
    Finding listed = run("127.0.5.2", null, null).get("dnsbl.zen.test");
    assertThat(listed.status()).isEqualTo(Status.FAIL);
    assertThat(listed.advice()).contains("127.0.5.2 is listed on zen.test", "ask the list for delisting");
  }

  @Test
  void whatDoesNotAnswerIsUnknownNeverAPass() {
    Map<String, Finding> down = run(Senders.DNS_DOWN, "silent.example", null);
    assertThat(down.get("rdns.ptr").status()).isEqualTo(Status.UNKNOWN);
    assertThat(down.get("mx.hosts").status()).isEqualTo(Status.UNKNOWN);
    assertThat(down.get("spf.record").status()).isEqualTo(Status.UNKNOWN);
    assertThat(down.get("spf.mailfrom").status()).isEqualTo(Status.UNKNOWN);
    assertThat(down.values()).noneMatch(f -> f.status() == Status.PASS && f.id().startsWith("rdns"));
  }

  @Test
  void aProbeThatOutlivesTheDeadlineIsUnknown() {
    Probe stuck = (subject, lookups, deadline) -> {
      try {
        new java.util.concurrent.CountDownLatch(1).await(); // never released: hangs until interrupted
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return java.util.List.of();
    };
    Diagnosis d = new Diagnosis(java.util.List.of(new Diagnosis.Entry("stuck", stuck)), new org.portcullis.dns
        .StaticDnsResolver(), java.time.Duration.ofMillis(200), Clock.systemUTC());
    Diagnosis.Report report = d.run(new Subject(InetAddress.ofLiteral(Senders.GOOD), Optional.empty(),
        Optional.empty(), Optional.empty()));
    assertThat(report.findings()).singleElement().satisfies(f -> {
      assertThat(f.status()).isEqualTo(Status.UNKNOWN);
      assertThat(f.advice()).contains("unknown, not a pass");
    });
    assertThat(report.worst()).isEqualTo(Status.UNKNOWN);
  }
}
