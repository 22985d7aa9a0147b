package org.portcullis.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.zip.GZIPInputStream;
import javax.xml.XMLConstants;
import javax.xml.transform.stream.StreamSource;
import javax.xml.validation.SchemaFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.portcullis.delivery.DeliveryService;
import org.portcullis.delivery.DmarcReportSender;
import org.portcullis.delivery.MaildirTransport;
import org.portcullis.delivery.Notifications;
import org.portcullis.delivery.RetrySchedule;
import org.portcullis.dkim.DkimKeys;
import org.portcullis.dkim.DkimOutcome;
import org.portcullis.dkim.DkimVerifier;
import org.portcullis.dmarc.AggregateReportWriter;
import org.portcullis.dmarc.DmarcEvaluator;
import org.portcullis.dmarc.DmarcOutcome;
import org.portcullis.dmarc.DmarcRecord;
import org.portcullis.dmarc.DmarcReportStore;
import org.portcullis.dmarc.DmarcResult;
import org.portcullis.dmarc.DmarcPolicy;
import org.portcullis.dmarc.DmarcTally;
import org.portcullis.dmarc.ReportDestinations;
import org.portcullis.dmarc.ReportInbox;
import org.portcullis.dns.DnsjavaResolver;
import org.portcullis.mail.EmailAddress;
import org.portcullis.mail.RawMessage;
import org.portcullis.mail.References;
import org.portcullis.queue.QueuedMessage;
import org.portcullis.queue.Spool;
import org.portcullis.store.sqlite.SqliteStore;
import org.portcullis.testing.TestDnsServer;

/**
 * The daily aggregate reports, from the tally in a real SQLite file to a DKIM-signed message in
 * the real spool, with the domains' records on the in-process DNS server: who gets one, who does
 * not and why, what waits for DNS, and that the report we send is one our own inbox (and the RFC
 * 7489 schema) accepts.
 */
class DmarcReportSenderTest {

  private static final LocalDate DAY = LocalDate.of(2026, 12, 2);
  private static final Instant DURING = Instant.parse("2026-12-02T15:00:00Z");
  private static final Clock NEXT_MORNING = Clock.fixed(Instant.parse("2026-12-03T06:00:00Z"), ZoneOffset.UTC);

  @TempDir
  Path dir;
  private TestDnsServer dns;
  private SqliteStore store;
  private Spool spool;
  private DeliveryService delivery;
  private DnsjavaResolver resolver;
  private DmarcReportSender sender;

  @BeforeEach
  void start() throws Exception {
    dns = TestDnsServer.start();
    resolver = new DnsjavaResolver(List.of(dns.address()), Duration.ofMillis(300), 1);
    store = SqliteStore.open(dir.resolve("portcullis.db"));
    spool = Spool.open(dir.resolve("spool"), new Spool.Settings(true, 1 << 20));
    References ids = References.timeOrdered(NEXT_MORNING);
    // Never started: what the sender queues stays in the spool to be looked at.
    delivery = new DeliveryService(spool, new MaildirTransport(dir.resolve("maildir"), "mx.example.test"),
        new RetrySchedule(Duration.ofMinutes(1), Duration.ofHours(1), 2, Duration.ofDays(5)), NEXT_MORNING, 1,
        new Notifications(spool, ids, "mx.example.test", NEXT_MORNING, Duration.ZERO));
    DkimKeys.Key key = DkimKeys.generate(dir.resolve("dkim"), "example.test", "s2026", 1024);
    dns.dkimKey("s2026", "example.test", key.publicKey());
    DmarcReportSender.Settings settings = new DmarcReportSender.Settings(
        new AggregateReportWriter.Reporter("mx.example.test", "dmarc@example.test"),
        EmailAddress.parse("dmarc@example.test"), "mx.example.test", "example.test");
    sender = new DmarcReportSender(store.dmarcTally(), new DmarcEvaluator(resolver, Duration.ofSeconds(2)),
        new ReportDestinations(resolver, Duration.ofSeconds(2)), spool, delivery, ids,
        DkimSigning.outgoing(DkimKeys.load(dir.resolve("dkim")), "example.test", NEXT_MORNING), settings, NEXT_MORNING);
  }

  @AfterEach
  void stop() throws Exception {
    delivery.close();
    spool.close();
    store.close();
    dns.close();
  }

  private void counted(String from, String source, boolean pass, long times) throws Exception {
    DmarcRecord record = DmarcRecord.parse("v=DMARC1; p=reject; rua=mailto:x@" + from);
    DmarcOutcome outcome = new DmarcOutcome(pass ? DmarcResult.PASS : DmarcResult.FAIL, from, Optional.of(from),
        Optional.of(record), DmarcPolicy.REJECT, pass ? DmarcPolicy.NONE : DmarcPolicy.REJECT, pass, pass,
        Optional.empty(), List.of(), "");
    DmarcTally.Evidence evidence = new DmarcTally.Evidence(from, "mfrom", pass ? "pass" : "fail",
        pass ? List.of(new DmarcTally.Signature(from, "sel", "pass")) : List.of());
    DmarcTally tally = new DmarcTally(store.dmarcTally());
    for (long i = 0; i < times; i++) {
      tally.count(DURING, InetAddress.ofLiteral(source), outcome, evidence);
    }
    tally.flush();
  }

  private static List<byte[]> attachments(String message) {
    List<byte[]> out = new ArrayList<>();
    int at = 0;
    while ((at = message.indexOf("Content-Transfer-Encoding: base64", at)) >= 0) {
      int start = message.indexOf("\r\n\r\n", at) + 4;
      int end = message.indexOf("\r\n--", start);
      out.add(Base64.getMimeDecoder().decode(message.substring(start, end)));
      at = end;
    }
    return out;
  }

  @Test
  void eachDomainThatAsksGetsOneSignedReportAtTheDestinationsThatMayHaveIt() throws Exception {
    dns.txt("_dmarc.good.example", "v=DMARC1; p=reject; rua=mailto:dmarc@good.example,"
        + "mailto:agg@reports.example,mailto:victim@elsewhere.example,mailto:tiny@good.example!100");
    dns.txt("good.example._report._dmarc.reports.example", "v=DMARC1");
    counted("good.example", "192.0.2.10", true, 40);
    counted("good.example", "2001:db8::25", false, 3);
    counted("gone.example", "192.0.2.11", true, 1); // published a policy then, none now
    counted("slow.example", "192.0.2.12", true, 1); // its DNS does not answer this morning
    dns.silent("_dmarc.slow.example");

    sender.run();

    List<QueuedMessage> queued = spool.messages();
    assertThat(queued).singleElement().satisfies(m -> {
      assertThat(m.envelope().sender().address().toString()).isEqualTo("dmarc@example.test");
      assertThat(m.envelope().recipients()).extracting(r -> r.address().toString())
          .containsExactly("dmarc@good.example", "agg@reports.example");
    });
    byte[] content = spool.content(queued.getFirst());
    String text = new String(content, StandardCharsets.US_ASCII);
    assertThat(text).contains("Subject: Report Domain: good.example Submitter: mx.example.test Report-ID: <2026-12-02.")
        .contains("filename=\"example.test!good.example!1796169600!1796255999!2026-12-02.");

    RawMessage raw = RawMessage.parse(content);
    DkimOutcome dkim = new DkimVerifier(resolver, Duration.ofSeconds(2)).verify(raw.headerFields(),
        raw.body());
    assertThat(dkim.passedFor("example.test")).as(dkim.toString()).isTrue();

    byte[] gzip = attachments(text).getFirst();
    byte[] xml;
    try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(gzip))) {
      xml = in.readAllBytes();
    }
    SchemaFactory.newInstance(XMLConstants.W3C_XML_SCHEMA_NS_URI)
        .newSchema(getClass().getResource("/dmarc/rfc7489-appendix-c.xsd")).newValidator()
        .validate(new StreamSource(new ByteArrayInputStream(xml)));

    // The receiving end: our own inbox reads what we send, as the domain's owner would.
    ReportInbox inbox = new ReportInbox(EmailAddress.parse("dmarc@good.example"), store.dmarcReports(), NEXT_MORNING);
    assertThat(inbox.take(queued.getFirst().envelope(), content)).isEqualTo(1);
    List<DmarcReportStore.StoredRow> rows = store.dmarcReports().rows("good.example", DURING.minus(Duration.ofDays(1)));
    assertThat(rows).extracting(r -> r.row().source() + " " + r.row().count() + " " + r.row().disposition())
        .containsExactlyInAnyOrder("192.0.2.10 40 none", "2001:db8:0:0:0:0:0:25 3 reject");

    assertThat(store.dmarcTally().reported(DAY, "good.example")).isTrue();
    assertThat(store.dmarcTally().reported(DAY, "gone.example")).as("asks for nothing now: done").isTrue();
    assertThat(store.dmarcTally().reported(DAY, "slow.example")).as("unknown: asked again later").isFalse();

    dns.forget("_dmarc.slow.example");
    dns.txt("_dmarc.slow.example", "v=DMARC1; p=none; rua=mailto:d@slow.example");
    sender.run();
    assertThat(spool.messages()).as("good.example is not sent twice; slow.example now is").hasSize(2)
        .last().satisfies(m -> assertThat(m.envelope().recipients().getFirst().address().toString())
            .isEqualTo("d@slow.example"));
  }

  @Test
  void nothingIsSentForADayThatIsNotOver() throws Exception {
    dns.txt("_dmarc.good.example", "v=DMARC1; p=none; rua=mailto:dmarc@good.example");
    DmarcTally tally = new DmarcTally(store.dmarcTally());
    DmarcRecord record = DmarcRecord.parse("v=DMARC1; p=none; rua=mailto:dmarc@good.example");
    tally.count(NEXT_MORNING.instant(), InetAddress.ofLiteral("192.0.2.1"), new DmarcOutcome(DmarcResult.PASS,
        "good.example", Optional.of("good.example"), Optional.of(record), DmarcPolicy.NONE, DmarcPolicy.NONE, true,
        false, Optional.empty(), List.of(), ""), DmarcTally.Evidence.NONE);
    tally.flush();
    sender.run();
    assertThat(spool.messages()).isEmpty();
    assertThat(store.dmarcTally().reported(LocalDate.of(2026, 12, 3), "good.example")).isFalse();
  }
}
