package org.portcullis.dmarc;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.portcullis.dns.DnsRecord;
import org.portcullis.dns.DnsStatus;
import org.portcullis.dns.DnsType;
import org.portcullis.dns.StaticDnsResolver;

/**
 * DMARC evaluation tables: alignment relaxed and strict for SPF and DKIM, the subdomain policy,
 * organisational domains under multi-label and private suffixes and unlisted TLDs, seeded pct
 * sampling, and lookups that fail or find several records.
 */
class DmarcEvaluatorTest {

  private final StaticDnsResolver dns = new StaticDnsResolver();
  private final DmarcEvaluator evaluator = new DmarcEvaluator(dns, Duration.ofSeconds(2));

  private void publish(String domain, String record) {
    dns.add("_dmarc." + domain, DnsType.TXT, new DnsRecord.Txt(record));
  }

  private DmarcOutcome evaluate(String from, String spf, String dkim) {
    return evaluator.evaluate(from, spf.isEmpty() ? Optional.empty() : Optional.of(spf),
        dkim.isEmpty() ? List.of() : List.of(dkim.split(" ")), 0.0);
  }

  @ParameterizedTest(name = "From {0}, SPF pass {1}, DKIM pass {2}, record at {3} \"{4}\": {5}")
  @CsvSource(delimiter = '|', value = {
      "example.com|example.com||example.com|v=DMARC1; p=reject|PASS",
      "example.com|bounce.example.com||example.com|v=DMARC1; p=reject|PASS",
      "example.com|bounce.example.com||example.com|v=DMARC1; p=reject; aspf=s|FAIL",
      "example.com||example.com|example.com|v=DMARC1; p=reject; adkim=s|PASS",
      "example.com||mail.example.com|example.com|v=DMARC1; p=reject|PASS",
      "example.com||mail.example.com|example.com|v=DMARC1; p=reject; adkim=s|FAIL",
      "example.com|other.example|other.example|example.com|v=DMARC1; p=reject|FAIL",
      "example.com|||example.com|v=DMARC1; p=none|FAIL",
      "news.example.co.uk|example.co.uk||example.co.uk|v=DMARC1; p=reject|PASS",
      "news.example.co.uk|other.co.uk||example.co.uk|v=DMARC1; p=reject|FAIL",
      "foo.blogspot.com|bar.blogspot.com||foo.blogspot.com|v=DMARC1; p=reject|FAIL",
      "foo.blogspot.com|foo.blogspot.com||foo.blogspot.com|v=DMARC1; p=reject|PASS",
      "www.foo.blogspot.com||foo.blogspot.com|foo.blogspot.com|v=DMARC1; p=reject|PASS",
      "mail.example.test|example.test||example.test|v=DMARC1; p=reject|PASS",
      "mail.example.test|other.test||example.test|v=DMARC1; p=reject|FAIL"})
  void alignment(String from, String spf, String dkim, String recordAt, String record, DmarcResult expected) {
    publish(recordAt, record);
    DmarcOutcome outcome = evaluate(from, spf == null ? "" : spf, dkim == null ? "" : dkim);
    assertThat(outcome.result()).isEqualTo(expected);
    assertThat(outcome.recordDomain()).contains(recordAt);
  }

  @Test
  void aSubdomainGetsTheOrganisationsSubdomainPolicyAndItsOwnRecordWins() {
    publish("example.com", "v=DMARC1; p=reject; sp=quarantine");
    DmarcOutcome sub = evaluate("shop.example.com", "", "");
    assertThat(sub.recordDomain()).contains("example.com");
    assertThat(sub.requested()).isEqualTo(DmarcPolicy.QUARANTINE);
    assertThat(sub.disposition()).isEqualTo(DmarcPolicy.QUARANTINE);
    assertThat(sub.lookups()).hasSize(2);
    assertThat(evaluate("example.com", "", "").disposition()).isEqualTo(DmarcPolicy.REJECT);
    publish("own.example.com", "v=DMARC1; p=none");
    assertThat(evaluate("own.example.com", "", "").requested()).isEqualTo(DmarcPolicy.NONE);
  }

  @Test
  void pctSamplesWithTheInjectedRandomAndTheRestGetTheNextLowerPolicy() {
    publish("example.com", "v=DMARC1; p=reject; pct=30");
    SplittableRandom random = new SplittableRandom(7);
    int rejected = 0;
    int quarantined = 0;
    for (int i = 0; i < 1000; i++) {
      DmarcOutcome o = evaluator.evaluate("example.com", Optional.empty(), List.of(), random.nextDouble());
      if (o.disposition() == DmarcPolicy.REJECT) {
        rejected++;
      } else {
        assertThat(o.disposition()).isEqualTo(DmarcPolicy.QUARANTINE);
        assertThat(o.override()).contains("sampled_out");
        quarantined++;
      }
    }
    // seed 7 gives the same split on every run: about 30 % sampled in
    assertThat(rejected).isBetween(250, 350);
    assertThat(rejected + quarantined).isEqualTo(1000);
    assertThat(evaluator.evaluate("example.com", Optional.empty(), List.of(), 0.29).disposition())
        .isEqualTo(DmarcPolicy.REJECT);
    assertThat(evaluator.evaluate("example.com", Optional.empty(), List.of(), 0.30).disposition())
        .isEqualTo(DmarcPolicy.QUARANTINE);
  }

  @Test
  void noRecordSeveralRecordsAndABrokenOneGiveNoPolicyNeverAPass() {
    assertThat(evaluate("nothing.example", "", "").result()).isEqualTo(DmarcResult.NONE);
    dns.add("_dmarc.two.example", DnsType.TXT, new DnsRecord.Txt("v=DMARC1; p=reject"))
        .add("_dmarc.two.example", DnsType.TXT, new DnsRecord.Txt("v=DMARC1; p=none"));
    DmarcOutcome two = evaluate("two.example", "", "");
    assertThat(two.result()).isEqualTo(DmarcResult.NONE);
    assertThat(two.why()).contains("several DMARC records");
    publish("broken.example", "v=DMARC1; p=bogus");
    DmarcOutcome broken = evaluate("broken.example", "", "");
    assertThat(broken.result()).isEqualTo(DmarcResult.PERMERROR);
    assertThat(broken.disposition()).isEqualTo(DmarcPolicy.NONE);
    dns.add("_dmarc.other.example", DnsType.TXT, new DnsRecord.Txt("v=spf1 -all"));
    assertThat(evaluate("other.example", "", "").result()).isEqualTo(DmarcResult.NONE);
  }

  @Test
  void aLookupThatDoesNotAnswerIsATemporaryError() {
    dns.fail("_dmarc.slow.example", DnsType.TXT, DnsStatus.TIMEOUT);
    assertThat(evaluate("slow.example", "slow.example", "").result()).isEqualTo(DmarcResult.TEMPERROR);
    dns.fail("_dmarc.sub.servfail.example", DnsType.TXT, DnsStatus.NXDOMAIN)
        .fail("_dmarc.servfail.example", DnsType.TXT, DnsStatus.SERVFAIL);
    assertThat(evaluate("sub.servfail.example", "", "").result()).isEqualTo(DmarcResult.TEMPERROR);
  }

  @Test
  void aPassNeverHasADispositionAndNoneIsNeverEnforced() {
    publish("example.com", "v=DMARC1; p=reject");
    DmarcOutcome pass = evaluate("example.com", "", "example.com");
    assertThat(pass.dkimAligned()).isTrue();
    assertThat(pass.disposition()).isEqualTo(DmarcPolicy.NONE);
    publish("monitor.example", "v=DMARC1; p=none; rua=mailto:d@monitor.example");
    DmarcOutcome monitored = evaluate("monitor.example", "", "");
    assertThat(monitored.result()).isEqualTo(DmarcResult.FAIL);
    assertThat(monitored.disposition()).isEqualTo(DmarcPolicy.NONE);
    assertThat(monitored.override()).isEmpty();
  }
}
