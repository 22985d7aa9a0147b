package org.portcullis.dmarc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** DMARC records as RFC 7489 6.3 and 6.6.3 read them: defaults, fallbacks, and what makes one invalid. */
class DmarcRecordTest {

  @Test
  void aFullRecordIsRead() {
    DmarcRecord r = DmarcRecord.parse("v=DMARC1; p=reject; sp=quarantine; pct=25; adkim=s; aspf=r; "
        + "rua=mailto:agg@example.com!10m, mailto:agg2@example.net; ruf=mailto:f@example.com; fo=1; ri=3600");
    assertThat(r.policy()).isEqualTo(DmarcPolicy.REJECT);
    assertThat(r.subdomainPolicy()).contains(DmarcPolicy.QUARANTINE);
    assertThat(r.percent()).isEqualTo(25);
    assertThat(r.strictDkim()).isTrue();
    assertThat(r.strictSpf()).isFalse();
    assertThat(r.aggregateReports()).containsExactly("mailto:agg@example.com!10m", "mailto:agg2@example.net");
    assertThat(r.failureReports()).containsExactly("mailto:f@example.com");
    assertThat(r.problems()).isEmpty();
  }

  @Test
  void defaultsAreRelaxedAlignmentAndEveryMessage() {
    DmarcRecord r = DmarcRecord.parse("v=DMARC1;p=none");
    assertThat(r.policy()).isEqualTo(DmarcPolicy.NONE);
    assertThat(r.subdomainPolicy()).isEmpty();
    assertThat(r.percent()).isEqualTo(100);
    assertThat(r.strictDkim()).isFalse();
    assertThat(r.strictSpf()).isFalse();
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "v=DMARC1; p=reject; pct=150|pct=150",
      "v=DMARC1; p=reject; pct=abc|pct=abc",
      "v=DMARC1; p=reject; adkim=x|adkim=x",
      "v=DMARC1; p=reject; sp=maybe|sp=maybe",
      "v=DMARC1; p=reject; garbage|garbage",
      "v=DMARC1; p=bogus; rua=mailto:a@example.com|p= is not none",
      "v=DMARC1; rua=mailto:a@example.com|no p= tag"})
  void brokenValuesFallBackToDefaultsAndAreListed(String text, String problem) {
    DmarcRecord r = DmarcRecord.parse(text);
    assertThat(r.problems()).anySatisfy(p -> assertThat(p).contains(problem));
    assertThat(r.percent()).isEqualTo(100);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "v=DMARC1; p=bogus|p= is not none",
      "v=DMARC1; sp=reject|no p= tag",
      "v=DMARC1; p=x; rua=https://example.com/|p= is not none",
      "p=reject; v=DMARC1|does not start with v=DMARC1",
      "v=spf1 -all|does not start with v=DMARC1"})
  void aRecordWithoutAValidPolicyIsInvalid(String text, String why) {
    assertThatThrownBy(() -> DmarcRecord.parse(text)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(why);
  }

  @Test
  void aRecordLongerThan4kIsRefused() {
    String huge = "v=DMARC1; p=reject; rua=mailto:" + "a".repeat(DmarcRecord.TEXT_MAX) + "@example.com";
    assertThatThrownBy(() -> DmarcRecord.parse(huge)).hasMessageContaining("longer than 4096");
  }

  @Test
  void onlyRecordsThatStartWithTheVersionClaimToBeDmarc() {
    assertThat(DmarcRecord.claims("v=DMARC1; p=none")).isTrue();
    assertThat(DmarcRecord.claims("V=dmarc1;p=none")).isTrue();
    assertThat(DmarcRecord.claims("v=DMARC10; p=none")).isFalse();
    assertThat(DmarcRecord.claims("v=spf1 -all")).isFalse();
    assertThat(Optional.of(DmarcPolicy.REJECT.lower())).contains(DmarcPolicy.QUARANTINE);
    assertThat(DmarcPolicy.QUARANTINE.lower()).isEqualTo(DmarcPolicy.NONE);
  }
}
