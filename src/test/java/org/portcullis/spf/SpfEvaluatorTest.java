package org.portcullis.spf;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.portcullis.dns.DnsRecord;
import org.portcullis.dns.DnsStatus;
import org.portcullis.dns.DnsType;
import org.portcullis.dns.StaticDnsResolver;

/** One evaluator, shared by many sessions at once: jSPF's parser is built once for all of them. */
class SpfEvaluatorTest {

  private final StaticDnsResolver dns = new StaticDnsResolver();
  private final SpfEvaluator spf = new SpfEvaluator(dns, Duration.ofSeconds(5));
  private final InetAddress client = InetAddress.ofLiteral("192.0.2.1");

  SpfEvaluatorTest() {
    dns.add("pass.example", DnsType.TXT, new DnsRecord.Txt("v=spf1 ip4:192.0.2.0/24 -all"));
    dns.add("fail.example", DnsType.TXT, new DnsRecord.Txt("v=spf1 ip4:198.51.100.1 -all"));
    dns.add("soft.example", DnsType.TXT, new DnsRecord.Txt("v=spf1 ~all"));
    dns.fail("down.example", DnsType.TXT, DnsStatus.TIMEOUT);
  }

  @Test
  void eachResultComesWithTheLookupsThatLedToIt() {
    SpfOutcome pass = spf.mailFrom(client, "a@pass.example", "mail.pass.example");
    assertThat(pass.result()).isEqualTo(SpfResult.PASS);
    assertThat(pass.lookups()).singleElement().satisfies(l -> assertThat(l).contains("v=spf1 ip4:192.0.2.0/24 -all"));
    assertThat(spf.mailFrom(client, "a@fail.example", "x").result()).isEqualTo(SpfResult.FAIL);
    assertThat(spf.mailFrom(client, "a@soft.example", "x").result()).isEqualTo(SpfResult.SOFTFAIL);
    assertThat(spf.mailFrom(client, "a@none.example", "x").result()).isEqualTo(SpfResult.NONE);
    assertThat(spf.mailFrom(client, "a@down.example", "x").result()).as("unknown is never a pass")
        .isEqualTo(SpfResult.TEMPERROR);
    assertThat(spf.mailFrom(client, "", "pass.example").domain()).as("postmaster@HELO for <>").isEqualTo("pass.example");
  }

  @Test
  void sessionsEvaluatingAtOnceEachGetTheirOwnDomainsResult() throws Exception {
    List<String> domains = List.of("pass.example", "fail.example", "soft.example", "none.example", "down.example");
    List<SpfResult> expected = List.of(SpfResult.PASS, SpfResult.FAIL, SpfResult.SOFTFAIL, SpfResult.NONE,
        SpfResult.TEMPERROR);
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<Integer>> wrong = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        int offset = t;
        wrong.add(pool.submit(() -> {
          int mismatches = 0;
          for (int i = 0; i < 500; i++) {
            int d = (i + offset) % domains.size();
            if (spf.mailFrom(client, "u@" + domains.get(d), "h").result() != expected.get(d)) {
              mismatches++;
            }
          }
          return mismatches;
        }));
      }
      for (Future<Integer> f : wrong) {
        assertThat(f.get()).isZero();
      }
    } finally {
      pool.shutdownNow();
    }
  }

  private SpfResult result(String domain) {
    return spf.mailFrom(client, "a@" + domain, "mail." + domain).result();
  }

  @Test
  void includeLoopsRedirectChainsAndLongMacrosAreErrorsNeverPasses() {
    dns.add("loop-a.example", DnsType.TXT, new DnsRecord.Txt("v=spf1 include:loop-b.example -all"))
        .add("loop-b.example", DnsType.TXT, new DnsRecord.Txt("v=spf1 include:loop-a.example -all"));
    assertThat(result("loop-a.example")).as("an include loop").isEqualTo(SpfResult.PERMERROR);
    for (int i = 0; i < 12; i++) {
      dns.add("r" + i + ".example", DnsType.TXT, new DnsRecord.Txt("v=spf1 redirect=r" + (i + 1) + ".example"));
    }
    dns.add("r12.example", DnsType.TXT, new DnsRecord.Txt("v=spf1 +all"));
    assertThat(result("r0.example")).as("twelve redirects").isEqualTo(SpfResult.PERMERROR);
    dns.add("macro.example", DnsType.TXT,
        new DnsRecord.Txt("v=spf1 exists:%{l}.%{l}.%{l}.%{l}.%{l}.%{l}.%{l}.%{l}.macro.example -all"));
    SpfOutcome longMacro = spf.mailFrom(client, "a".repeat(60) + "@macro.example", "mail.macro.example");
    assertThat(longMacro.result()).as("a macro past 253 octets").isNotEqualTo(SpfResult.PASS);
    assertThat(longMacro.lookups()).allSatisfy(l -> assertThat(l.substring(0, l.indexOf(':'))).hasSizeLessThan(260));
    dns.add("inc-down.example", DnsType.TXT, new DnsRecord.Txt("v=spf1 include:down.example -all"));
    assertThat(result("inc-down.example")).as("an include that does not answer").isEqualTo(SpfResult.TEMPERROR);
    dns.add("redirect-down.example", DnsType.TXT, new DnsRecord.Txt("v=spf1 redirect=down.example"));
    assertThat(result("redirect-down.example")).as("a redirect that does not answer").isEqualTo(SpfResult.TEMPERROR);
    dns.add("broken.example", DnsType.TXT, new DnsRecord.Txt("v=spf1 ip4:300.1.1.1 include: -all"));
    assertThat(result("broken.example")).as("a broken term").isEqualTo(SpfResult.PERMERROR);
  }
}
