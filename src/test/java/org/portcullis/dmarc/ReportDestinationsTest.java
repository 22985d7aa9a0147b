package org.portcullis.dmarc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.portcullis.dns.DnsjavaResolver;
import org.portcullis.testing.TestDnsServer;

/**
 * {@code rua=} destinations (RFC 7489 6.2, 7.1), looked up through the real resolver on the
 * in-process DNS server: sizes, schemes, and the external-destination check that keeps a domain
 * from pointing everyone's reports at a stranger.
 */
class ReportDestinationsTest {

  private TestDnsServer dns;
  private ReportDestinations destinations;

  @BeforeEach
  void start() throws Exception {
    dns = TestDnsServer.start();
    destinations = new ReportDestinations(new DnsjavaResolver(List.of(dns.address()), Duration.ofMillis(300), 1),
        Duration.ofSeconds(2));
  }

  @AfterEach
  void stop() {
    dns.close();
  }

  private static DmarcRecord record(String rua) {
    return DmarcRecord.parse("v=DMARC1; p=none; rua=" + rua);
  }

  @Test
  void sizesSchemesAndQueriesParse() {
    assertThat(ReportDestinations.parse("mailto:dmarc@good.example!10m").orElseThrow().maxBytes()).isEqualTo(10L << 20);
    assertThat(ReportDestinations.parse("MAILTO:d@good.example!500").orElseThrow().maxBytes()).isEqualTo(500);
    assertThat(ReportDestinations.parse("mailto:d@good.example").orElseThrow().maxBytes()).isZero();
    assertThat(ReportDestinations.parse("mailto:d%2Breports@good.example?subject=x").orElseThrow().address()
        .toString()).isEqualTo("d+reports@good.example");
    assertThat(ReportDestinations.parse("https://good.example/reports")).isEmpty();
    assertThatThrownBy(() -> ReportDestinations.parse("mailto:d@good.example!lots"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a size");
    assertThatThrownBy(() -> ReportDestinations.parse("mailto:a@x.example,b@y.example"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ReportDestinations.parse("mailto:not an address"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void theDomainsOwnOrganisationNeedsNoPermission() {
    ReportDestinations.Verdict v = destinations.of("news.good.example", record("mailto:dmarc@good.example"));
    assertThat(v.accepted()).extracting(d -> d.address().toString()).containsExactly("dmarc@good.example");
    assertThat(v.unanswered()).isFalse();
    assertThat(dns.queries()).as("no lookup for the same organisation").isZero();
  }

  @Test
  void anOutsideAddressNeedsItsDomainsConsent() {
    dns.txt("good.example._report._dmarc.reports.example", "v=DMARC1");
    ReportDestinations.Verdict v = destinations.of("good.example",
        record("mailto:agg@reports.example,mailto:victim@elsewhere.example,https://good.example/r"));
    assertThat(v.accepted()).extracting(d -> d.address().toString()).containsExactly("agg@reports.example");
    assertThat(v.refused()).hasSize(2);
    assertThat(v.refused().get(0)).contains("victim@elsewhere.example").contains("does not accept reports");
    assertThat(v.refused().get(1)).contains("not a mailto");
  }

  @Test
  void aConsentLookupThatDoesNotAnswerIsUnknownNotARefusalOrAPass() {
    dns.silent("good.example._report._dmarc.slow.example");
    ReportDestinations.Verdict v = destinations.of("good.example", record("mailto:agg@slow.example"));
    assertThat(v.unanswered()).isTrue();
    assertThat(v.accepted()).isEmpty();
  }

  @Test
  void atMostThreeDestinationsAreUsed() {
    ReportDestinations.Verdict v = destinations.of("good.example", record(
        "mailto:a@good.example,mailto:b@good.example,mailto:c@good.example,mailto:d@good.example"));
    assertThat(v.accepted()).hasSize(ReportDestinations.MAX);
    assertThat(v.refused()).singleElement().asString().contains("d@good.example");
  }
}
