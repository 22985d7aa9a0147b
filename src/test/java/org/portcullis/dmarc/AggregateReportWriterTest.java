package org.portcullis.dmarc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.time.LocalDate;
import java.util.AbstractMap;
import java.util.List;
import java.util.Map;
import javax.xml.XMLConstants;
import javax.xml.transform.stream.StreamSource;
import javax.xml.validation.Schema;
import javax.xml.validation.SchemaFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.xml.sax.SAXParseException;

/**
 * The aggregate reports we send validate against the schema of RFC 7489 appendix C, carry every
 * row with its evidence, and read back through {@link AggregateReports} (our own reader, which
 * real reporters' samples also pass).
 */
class AggregateReportWriterTest {

  private static final LocalDate DAY = LocalDate.of(2026, 12, 2);
  private static final AggregateReportWriter.Reporter US = new AggregateReportWriter.Reporter("mx.example.test",
      "postmaster@example.test");
  private static Schema schema;

  @BeforeAll
  static void loadSchema() throws Exception {
    SchemaFactory factory = SchemaFactory.newInstance(XMLConstants.W3C_XML_SCHEMA_NS_URI);
    schema = factory.newSchema(AggregateReportWriterTest.class.getResource("/dmarc/rfc7489-appendix-c.xsd"));
  }

  private static Map.Entry<DmarcTally.Row, Long> row(String source, String disposition, String dkim, String spf,
      String override, DmarcTally.Evidence evidence, long count) {
    return new AbstractMap.SimpleImmutableEntry<>(new DmarcTally.Row(DAY, "news.good.example", "good.example", source,
        disposition, dkim, spf, override, evidence), count);
  }

  private static byte[] write(DmarcRecord record, List<Map.Entry<DmarcTally.Row, Long>> rows) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    AggregateReportWriter.write(out, US, "2026-12-02.abc", DAY, "good.example", record, rows);
    return out.toByteArray();
  }

  private static void validate(byte[] xml) throws Exception {
    schema.newValidator().validate(new StreamSource(new ByteArrayInputStream(xml)));
  }

  @Test
  void aReportWithEveryKindOfRowValidatesAndReadsBack() throws Exception {
    DmarcRecord record = DmarcRecord.parse("v=DMARC1; p=reject; sp=quarantine; pct=50; adkim=s; "
        + "rua=mailto:dmarc@good.example");
    DmarcTally.Evidence passing = new DmarcTally.Evidence("news.good.example", "mfrom", "pass",
        List.of(new DmarcTally.Signature("good.example", "s2026", "pass"),
            new DmarcTally.Signature("esp.example", "k1", "fail")));
    DmarcTally.Evidence bounce = new DmarcTally.Evidence("mail.forger.example", "helo", "softfail", List.of());
    List<Map.Entry<DmarcTally.Row, Long>> rows = List.of(
        row("192.0.2.10", "none", "pass", "pass", "", passing, 40),
        row("2001:db8::25", "reject", "fail", "fail", "", bounce, 3),
        row("198.51.100.7", "none", "fail", "fail", "trusted_forwarder", DmarcTally.Evidence.NONE, 1),
        row("203.0.113.9", "quarantine", "fail", "fail", "sampled_out", bounce, 2));
    byte[] xml = write(record, rows);

    validate(xml);
    String text = new String(xml, java.nio.charset.StandardCharsets.UTF_8);
    assertThat(text).contains("<source_ip>2001:db8:0:0:0:0:0:25</source_ip>")
        .contains("<reason><type>trusted_forwarder</type></reason>")
        .contains("<adkim>s</adkim><aspf>r</aspf><p>reject</p><sp>quarantine</sp><pct>50</pct>")
        .contains("<dkim><domain>esp.example</domain><selector>k1</selector><result>fail</result></dkim>")
        .contains("<identifiers><envelope_from></envelope_from><header_from>news.good.example</header_from>");
    AggregateReport read = AggregateReports.read(xml);
    assertThat(read.organisation()).isEqualTo("mx.example.test");
    assertThat(read.reportId()).isEqualTo("2026-12-02.abc");
    assertThat(read.domain()).isEqualTo("good.example");
    assertThat(read.begin()).isEqualTo(DAY.atStartOfDay(java.time.ZoneOffset.UTC).toInstant());
    assertThat(read.messages()).isEqualTo(46);
    assertThat(read.rows()).extracting(AggregateReport.Row::disposition)
        .containsExactly("none", "reject", "none", "quarantine");
  }

  @Test
  void theSchemaItselfRefusesWhatARealReportMayNotHave() throws Exception {
    // Proof that validation can fail: a report without rows and one with an unknown disposition.
    DmarcRecord record = DmarcRecord.parse("v=DMARC1; p=none; rua=mailto:d@good.example");
    assertThatThrownBy(() -> validate(write(record, List.of()))).isInstanceOf(SAXParseException.class);
    byte[] bad = write(record, List.of(row("192.0.2.1", "discard", "pass", "pass", "", DmarcTally.Evidence.NONE, 1)));
    assertThatThrownBy(() -> validate(bad)).isInstanceOf(SAXParseException.class).hasMessageContaining("discard");
  }

  @Test
  void markupInAStrangersFromDomainIsEscapedNotInterpreted() throws Exception {
    DmarcRecord record = DmarcRecord.parse("v=DMARC1; p=none; rua=mailto:d@good.example");
    Map.Entry<DmarcTally.Row, Long> hostile = new AbstractMap.SimpleImmutableEntry<>(new DmarcTally.Row(DAY,
        "x</header_from><evil/>", "good.example", "192.0.2.1", "none", "fail", "fail", "", DmarcTally.Evidence.NONE),
        1L);
    byte[] xml = write(record, List.of(hostile));
    validate(xml);
    assertThat(AggregateReports.read(xml).rows().getFirst().headerFrom()).isEqualTo("x</header_from><evil/>");
  }
}
