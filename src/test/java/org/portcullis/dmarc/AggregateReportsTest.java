package org.portcullis.dmarc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;

/**
 * DMARC aggregate reports as others send them (Google- and Microsoft-style samples written for
 * these tests, plain, gzip and zip), and the hostile ones that must be refused with a reason: an
 * XML bomb, an external entity, a zip that unpacks to 100 MB, two files in one zip.
 */
class AggregateReportsTest {

  private static byte[] resource(String name) throws IOException {
    try (InputStream in = AggregateReportsTest.class.getResourceAsStream("/dmarc/" + name)) {
      return in.readAllBytes();
    }
  }

  private static byte[] gzip(byte[] data) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(data);
    }
    return out.toByteArray();
  }

  private static byte[] zip(byte[]... entries) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ZipOutputStream zip = new ZipOutputStream(out)) {
      for (int i = 0; i < entries.length; i++) {
        zip.putNextEntry(new ZipEntry("report-" + i + ".xml"));
        zip.write(entries[i]);
        zip.closeEntry();
      }
    }
    return out.toByteArray();
  }

  @Test
  void aGoogleStyleReportIsRead() throws Exception {
    AggregateReport report = AggregateReports.read(resource("google-style.xml"));
    assertThat(report.organisation()).isEqualTo("google.com");
    assertThat(report.reportId()).isEqualTo("13891231840312931234");
    assertThat(report.begin()).isEqualTo(Instant.ofEpochSecond(1796256000));
    assertThat(report.domain()).isEqualTo("example.test");
    assertThat(report.policy()).isEqualTo("reject");
    assertThat(report.rows()).containsExactly(
        new AggregateReport.Row("192.0.2.10", 42, "none", "pass", "pass", "example.test"),
        new AggregateReport.Row("203.0.113.66", 3, "reject", "fail", "fail", "example.test"));
    assertThat(report.messages()).isEqualTo(45);
  }

  @Test
  void aMicrosoftStyleReportWithNamespacesIsReadAndItsDomainLowerCased() throws Exception {
    AggregateReport report = AggregateReports.read(resource("microsoft-style.xml"));
    assertThat(report.organisation()).isEqualTo("Enterprise Outlook");
    assertThat(report.domain()).isEqualTo("example.test");
    assertThat(report.rows()).singleElement()
        .isEqualTo(new AggregateReport.Row("2001:db8::25", 7, "none", "pass", "fail", "example.test"));
  }

  @Test
  void gzipAndZipAttachmentsAreUnpacked() throws Exception {
    byte[] xml = resource("google-style.xml");
    assertThat(AggregateReports.read(gzip(xml)).messages()).isEqualTo(45);
    assertThat(AggregateReports.read(zip(xml)).messages()).isEqualTo(45);
  }

  @Test
  void anXmlBombIsRefused() {
    String bomb = "<?xml version=\"1.0\"?><!DOCTYPE feedback [<!ENTITY a \"aaaaaaaaaa\">"
        + "<!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\"><!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;\">"
        + "<!ENTITY d \"&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;\">]><feedback><report_metadata><org_name>&d;</org_name>"
        + "</report_metadata></feedback>";
    assertThatThrownBy(() -> AggregateReports.read(bomb.getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("DTD");
  }

  @Test
  void anExternalEntityIsRefused() {
    String xxe = "<?xml version=\"1.0\"?><!DOCTYPE feedback [<!ENTITY secret SYSTEM \"file:///etc/passwd\">]>"
        + "<feedback><policy_published><domain>&secret;</domain></policy_published></feedback>";
    assertThatThrownBy(() -> AggregateReports.read(xxe.getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("DTD").hasMessageNotContaining("root:");
  }

  @Test
  void aZipThatUnpacksTo100MegabytesIsRefused() throws Exception {
    byte[] hundredMegabytes = new byte[100 * 1024 * 1024];
    byte[] small = zip(hundredMegabytes);
    assertThat(small.length).isLessThan(AggregateReports.ATTACHMENT_MAX);
    assertThatThrownBy(() -> AggregateReports.read(small)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("decompresses to more than " + AggregateReports.XML_MAX);
    assertThatThrownBy(() -> AggregateReports.read(gzip(hundredMegabytes)))
        .hasMessageContaining("decompresses to more than");
  }

  @Test
  void otherBadAttachmentsAreRefusedWithAReason() throws Exception {
    byte[] xml = resource("google-style.xml");
    assertThatThrownBy(() -> AggregateReports.read(zip(xml, xml))).hasMessageContaining("more than one file");
    assertThatThrownBy(() -> AggregateReports.read(new byte[AggregateReports.ATTACHMENT_MAX + 1]))
        .hasMessageContaining("larger than");
    assertThatThrownBy(() -> AggregateReports.read("not xml at all".getBytes(StandardCharsets.UTF_8)))
        .hasMessageContaining("not well-formed");
    assertThatThrownBy(() -> AggregateReports.read("<feedback/>".getBytes(StandardCharsets.UTF_8)))
        .hasMessageContaining("names no domain");
    String badCount = new String(xml, StandardCharsets.UTF_8).replace("<count>42</count>", "<count>lots</count>");
    assertThatThrownBy(() -> AggregateReports.read(badCount.getBytes(StandardCharsets.UTF_8)))
        .hasMessageContaining("count is not a number");
  }
}
