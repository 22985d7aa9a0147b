package org.portcullis.dmarc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.portcullis.testing.Senders;
import org.portcullis.testing.SmtpTestClient;
import org.portcullis.testing.TestDnsServer;
import org.portcullis.testing.TestGateway;

/**
 * The reports others mail to {@code dmarc.report-address} are read and stored (and the message
 * delivered as any other); the same report twice is stored once; a hostile attachment is refused
 * and stores nothing.
 */
class ReportInboxTest {

  @TempDir
  Path data;
  private TestDnsServer dns;
  private TestGateway gateway;

  @AfterEach
  void stop() {
    gateway.close();
    dns.close();
  }

  private static byte[] gzipped(String resource) throws Exception {
    byte[] xml;
    try (InputStream in = ReportInboxTest.class.getResourceAsStream("/dmarc/" + resource)) {
      xml = in.readAllBytes();
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(xml);
    }
    return out.toByteArray();
  }

  private static String message(String subject, String filename, byte[] attachment) {
    String body = Base64.getMimeEncoder(76, "\r\n".getBytes()).encodeToString(attachment);
    return "From: noreply-dmarc-support@good.example\r\nTo: dmarc@example.test\r\nSubject: " + subject + "\r\n"
        + "MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n--b1\r\n"
        + "Content-Type: text/plain\r\n\r\nThis is an aggregate report.\r\n--b1\r\n"
        + "Content-Type: application/gzip; name=\"" + filename + "\"\r\nContent-Transfer-Encoding: base64\r\n"
        + "Content-Disposition: attachment; filename=\"" + filename + "\"\r\n\r\n" + body + "\r\n--b1--\r\n";
  }

  private String send(String message) throws Exception {
    try (SmtpTestClient client = SmtpTestClient.connect(gateway.smtp(), Senders.GOOD)) {
      client.reply();
      String reply = client.startTransaction(Senders.GOOD_NAME, "dmarc-bounces@good.example", "dmarc@example.test");
      return reply.startsWith("250") ? client.data(message) : reply;
    }
  }

  @Test
  void aMailedReportIsStoredOnceAndAHostileOneNotAtAll() throws Exception {
    dns = Senders.describe(TestDnsServer.start());
    gateway = TestGateway.start(data, dns, "dmarc.report-address = \"dmarc@example.test\"");
    byte[] report = gzipped("google-style.xml");
    assertThat(send(message("Report domain: example.test", "google.com!example.test.xml.gz", report)))
        .startsWith("250");
    assertThat(send(message("Report again", "google.com!example.test.xml.gz", report))).startsWith("250");
    List<DmarcReportStore.StoredRow> rows = gateway.gateway().store().dmarcReports().rows("example.test",
        Instant.EPOCH);
    assertThat(rows).hasSize(2).extracting(r -> r.row().source()).containsExactlyInAnyOrder("192.0.2.10", "203.0.113.66");
    assertThat(rows).allSatisfy(r -> assertThat(r.organisation()).isEqualTo("google.com"));
    await().atMost(Duration.ofSeconds(10)).until(() -> gateway.delivered("example.test", "dmarc").size() == 2);

    String bomb = "<?xml version=\"1.0\"?><!DOCTYPE feedback [<!ENTITY a \"aaaaaaaaaa\">]><feedback>"
        + "<policy_published><domain>example.test</domain></policy_published><record><row><source_ip>&a;</source_ip>"
        + "<count>1</count></row></record></feedback>";
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(bomb.getBytes());
    }
    assertThat(send(message("Bomb", "evil.xml.gz", out.toByteArray()))).as("the message itself is accepted")
        .startsWith("250");
    assertThat(gateway.gateway().store().dmarcReports().rows("example.test", Instant.EPOCH)).hasSize(2);
  }
}
