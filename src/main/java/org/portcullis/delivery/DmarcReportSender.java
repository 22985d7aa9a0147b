package org.portcullis.delivery;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.zip.GZIPOutputStream;
import org.portcullis.dmarc.AggregateReportWriter;
import org.portcullis.dmarc.DmarcEvaluator;
import org.portcullis.dmarc.DmarcRecord;
import org.portcullis.dmarc.DmarcTally;
import org.portcullis.dmarc.DmarcTallyStore;
import org.portcullis.dmarc.ReportDestinations;
import org.portcullis.mail.EmailAddress;
import org.portcullis.mail.Envelope;
import org.portcullis.mail.LogText;
import org.portcullis.mail.MailParameters;
import org.portcullis.mail.MailPath;
import org.portcullis.mail.Recipient;
import org.portcullis.mail.References;
import org.portcullis.queue.QueuedMessage;
import org.portcullis.queue.Spool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends the daily DMARC aggregate reports (RFC 7489 7.2) to the domains that ask for them: for
 * each UTC day of the last {@value #DAYS_BACK} that is over, and each domain whose policy applied
 * to mail we received that day, the policy is looked up again (reports go where the domain wants
 * them now), its {@code rua=mailto:} destinations checked ({@link ReportDestinations}: size
 * limits, the external-destination check), and one gzip-compressed XML report queued to them
 * through the outbound queue, DKIM-signed like our other mail. A day and domain is marked done
 * after the message is in the spool (fsynced): a crash in between sends a report twice, never
 * not at all. A lookup that does not answer leaves the report for the next run.
 *
 * <p>{@link #run} is called every hour by one thread, after the tally was flushed.
 */
public final class DmarcReportSender implements Runnable {

  /** Days after which an unsent report is given up (a domain whose DNS never answered). */
  public static final int DAYS_BACK = 3;

  /** After midnight UTC, the time the last messages of the day need to reach the tally. */
  static final Duration GRACE = Duration.ofMinutes(5);

  private static final Logger log = LoggerFactory.getLogger("portcullis.dmarc");

  /**
   * What the sender is told.
   *
   * @param reporter {@code org_name} and the contact address in the report
   * @param from the From address and envelope sender of the reports
   * @param hostname our host name, for Message-ID and the Received line
   * @param receiverDomain our domain, first part of the attachment's name (RFC 7489 7.2.1.1)
   */
  public record Settings(AggregateReportWriter.Reporter reporter, EmailAddress from, String hostname,
      String receiverDomain) {}

  private final DmarcTallyStore tally;
  private final DmarcEvaluator policies;
  private final ReportDestinations destinations;
  private final Spool spool;
  private final DeliveryService delivery;
  private final References queueIds;
  private final OutgoingSigner signer;
  private final Settings settings;
  private final Clock clock;

  public DmarcReportSender(DmarcTallyStore tally, DmarcEvaluator policies, ReportDestinations destinations,
      Spool spool, DeliveryService delivery, References queueIds, OutgoingSigner signer, Settings settings,
      Clock clock) {
    this.tally = tally;
    this.policies = policies;
    this.destinations = destinations;
    this.spool = spool;
    this.delivery = delivery;
    this.queueIds = queueIds;
    this.signer = signer;
    this.settings = settings;
    this.clock = clock;
  }

  @Override
  public void run() {
    Instant now = clock.instant();
    LocalDate today = LocalDate.ofInstant(now.minus(GRACE), ZoneOffset.UTC);
    for (int back = DAYS_BACK; back >= 1; back--) {
      LocalDate day = today.minusDays(back);
      try {
        for (String domain : tally.policyDomains(day)) {
          if (!tally.reported(day, domain)) {
            report(day, domain);
          }
        }
      } catch (IOException | RuntimeException e) {
        log.warn("DMARC reports of {} not sent; retried at the next run: {}", day, e.toString());
        return;
      }
    }
  }

  /** Sends, or finds unwanted, the report of one day and domain; returns quietly to be asked again later. */
  private void report(LocalDate day, String domain) throws IOException {
    Optional<DmarcRecord> record;
    try {
      record = policies.published(domain);
    } catch (UncheckedIOException e) {
      log.info("DMARC report {} {} waits: {}", day, LogText.value(domain), e.getCause().getMessage());
      return;
    }
    if (record.isEmpty() || record.get().aggregateReports().isEmpty()) {
      tally.markReported(day, domain, "", "", clock.instant());
      log.debug("DMARC report {} {}: the domain asks for none", day, domain);
      return;
    }
    ReportDestinations.Verdict verdict = destinations.of(domain, record.get());
    if (verdict.unanswered()) {
      log.info("DMARC report {} {} waits: a destination's authorisation lookup did not answer", day,
          LogText.value(domain));
      return;
    }
    for (String refused : verdict.refused()) {
      log.info("DMARC report {} {}: destination refused: {}", day, LogText.value(domain), LogText.value(refused));
    }
    String reportId = day + "." + References.token();
    byte[] gzip = report(reportId, day, domain, record.get());
    List<ReportDestinations.Destination> to = new ArrayList<>();
    for (ReportDestinations.Destination d : verdict.accepted()) {
      if (d.maxBytes() > 0 && gzip.length > d.maxBytes()) {
        log.info("DMARC report {} {}: {} octets, more than {} takes ({}); not sent there", day, LogText.value(domain),
            gzip.length, LogText.value(d.address().toString()), d.maxBytes());
      } else {
        to.add(d);
      }
    }
    if (to.isEmpty()) {
      tally.markReported(day, domain, reportId, "", clock.instant());
      return;
    }
    Instant now = clock.instant();
    String queueId = queueIds.next();
    byte[] message = signer.signedOrAsIs(message(reportId, day, domain, to, gzip, queueId, now),
        "DMARC report queue=" + queueId);
    Envelope envelope = new Envelope(new MailPath(Optional.of(settings.from()), List.of(), true),
        to.stream().map(d -> Recipient.of(d.address())).toList(), MailParameters.NONE);
    QueuedMessage queued = spool.append(queueId, now, "127.0.0.1", "localhost", settings.hostname(), envelope,
        List.of(ByteBuffer.wrap(message)));
    delivery.submit(queued);
    String addresses = String.join(",", to.stream().map(d -> d.address().toString()).toList());
    tally.markReported(day, domain, reportId, addresses, now);
    log.info("DMARC report {} {} id={} queue={} to={} octets={}", day, LogText.value(domain), reportId, queueId,
        LogText.value(addresses), gzip.length);
  }

  private byte[] report(String reportId, LocalDate day, String domain, DmarcRecord record) throws IOException {
    List<Map.Entry<DmarcTally.Row, Long>> rows = tally.rows(day, domain);
    ByteArrayOutputStream out = new ByteArrayOutputStream(4096);
    try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
      AggregateReportWriter.write(gzip, settings.reporter(), reportId, day, domain, record, rows);
    }
    return out.toByteArray();
  }

  /** RFC 7489 7.2.1.1: the subject names domain, submitter and id; the report is a gzip attachment. */
  byte[] message(String reportId, LocalDate day, String domain, List<ReportDestinations.Destination> to, byte[] gzip,
      String queueId, Instant now) {
    // The domain came from a stranger's From field; nothing in it may break a header line.
    domain = domain.replaceAll("[^\\x21-\\x7e]", "_");
    long begin = day.atStartOfDay(ZoneOffset.UTC).toEpochSecond();
    String file = settings.receiverDomain() + "!" + domain + "!" + begin + "!" + (begin + 86_399) + "!" + reportId
        + ".xml.gz";
    String boundary = "=_portcullis_" + References.token();
    StringBuilder out = new StringBuilder(1024 + gzip.length * 4 / 3);
    out.append("From: DMARC reports <").append(settings.from()).append(">\r\n");
    out.append("To: ").append(String.join(", ", to.stream().map(d -> "<" + d.address() + ">").toList()))
        .append("\r\n");
    out.append("Subject: Report Domain: ").append(domain).append(" Submitter: ")
        .append(settings.reporter().organisation()).append(" Report-ID: <").append(reportId).append(">\r\n");
    out.append("Date: ").append(DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.ofInstant(now,
        ZoneOffset.UTC))).append("\r\n");
    out.append("Message-ID: <").append(queueId).append(".dmarc@").append(settings.hostname()).append(">\r\n");
    out.append("Auto-Submitted: auto-generated\r\n");
    out.append("MIME-Version: 1.0\r\n");
    out.append("Content-Type: multipart/mixed; boundary=\"").append(boundary).append("\"\r\n");
    out.append("\r\n");
    out.append("--").append(boundary).append("\r\n");
    out.append("Content-Type: text/plain; charset=us-ascii\r\n\r\n");
    out.append("This is a DMARC aggregate report (RFC 7489) for ").append(domain).append(", covering ").append(day)
        .append(" (UTC).\r\n");
    out.append("It was sent because the DMARC record of ").append(domain).append(" asks for reports.\r\n\r\n");
    out.append("--").append(boundary).append("\r\n");
    out.append("Content-Type: application/gzip; name=\"").append(file).append("\"\r\n");
    out.append("Content-Transfer-Encoding: base64\r\n");
    out.append("Content-Disposition: attachment; filename=\"").append(file).append("\"\r\n\r\n");
    out.append(Base64.getMimeEncoder(76, new byte[] {'\r', '\n'}).encodeToString(gzip)).append("\r\n");
    out.append("--").append(boundary).append("--\r\n");
    return out.toString().getBytes(StandardCharsets.US_ASCII);
  }
}
