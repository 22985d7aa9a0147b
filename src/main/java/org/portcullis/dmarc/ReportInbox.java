package org.portcullis.dmarc;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.james.mime4j.dom.Body;
import org.apache.james.mime4j.dom.Entity;
import org.apache.james.mime4j.dom.Message;
import org.apache.james.mime4j.dom.Multipart;
import org.apache.james.mime4j.dom.SingleBody;
import org.apache.james.mime4j.message.DefaultMessageBuilder;
import org.apache.james.mime4j.stream.MimeConfig;
import org.portcullis.mail.EmailAddress;
import org.portcullis.mail.Envelope;
import org.portcullis.mail.LogText;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The address ({@code dmarc.report-address}) where others send the aggregate reports they make
 * about our domains: each accepted message to it is opened (Apache mime4j), every XML, gzip or zip
 * attachment read by {@link AggregateReports} and stored; a refused attachment is logged with its
 * reason and changes nothing. The message itself is delivered as any other. Thread-safe.
 */
public final class ReportInbox {

  private static final Logger log = LoggerFactory.getLogger("portcullis.dmarc");
  /** Attachments looked at in one message, at most. */
  static final int ATTACHMENTS_MAX = 10;

  private final EmailAddress address;
  private final DmarcReportStore store;
  private final Clock clock;

  public ReportInbox(EmailAddress address, DmarcReportStore store, Clock clock) {
    this.address = address;
    this.store = store;
    this.clock = clock;
  }

  /** Whether a message with this envelope goes to the report address. */
  public boolean wants(Envelope envelope) {
    return envelope.recipients().stream().anyMatch(r -> r.address().toString().equalsIgnoreCase(address.toString()));
  }

  /** Reads and stores the reports a message carries; never throws. Returns how many were stored. */
  public int take(Envelope envelope, byte[] message) {
    List<byte[]> attachments;
    try {
      attachments = attachments(message);
    } catch (IOException | RuntimeException e) {
      log.warn("DMARC report message from {} not read: {}", LogText.value(envelope.sender().toString()),
          LogText.value(String.valueOf(e.getMessage())));
      return 0;
    }
    int stored = 0;
    for (byte[] attachment : attachments) {
      try {
        AggregateReport report = AggregateReports.read(attachment);
        boolean added = store.add(report, clock.instant());
        log.info("DMARC report from {} id={} about {}: {} messages from {} sources{}", LogText.value(report.organisation()),
            LogText.value(report.reportId()), report.domain(), report.messages(), report.rows().size(),
            added ? "" : " (already stored)");
        stored += added ? 1 : 0;
      } catch (RuntimeException e) {
        log.warn("DMARC report from {} refused: {}", LogText.value(envelope.sender().toString()),
            LogText.value(String.valueOf(e.getMessage())));
      }
    }
    if (attachments.isEmpty()) {
      log.warn("DMARC report message from {} carries no XML, gzip or zip attachment",
          LogText.value(envelope.sender().toString()));
    }
    return stored;
  }

  private static List<byte[]> attachments(byte[] message) throws IOException {
    DefaultMessageBuilder builder = new DefaultMessageBuilder();
    builder.setMimeEntityConfig(MimeConfig.custom().setMaxLineLen(-1).setMaxHeaderLen(64 * 1024)
        .setMaxHeaderCount(1000).build());
    Message parsed = builder.parseMessage(new ByteArrayInputStream(message));
    try {
      List<byte[]> out = new ArrayList<>();
      collect(parsed, out, 0);
      return out;
    } finally {
      parsed.dispose();
    }
  }

  private static void collect(Entity entity, List<byte[]> out, int depth) throws IOException {
    Body body = entity.getBody();
    if (body instanceof Multipart multipart) {
      if (depth < 5) {
        for (Entity part : multipart.getBodyParts()) {
          collect(part, out, depth + 1);
        }
      }
      return;
    }
    if (out.size() >= ATTACHMENTS_MAX || !(body instanceof SingleBody single) || !isReport(entity)) {
      return;
    }
    try (InputStream in = single.getInputStream()) {
      byte[] data = in.readNBytes(AggregateReports.ATTACHMENT_MAX + 1);
      out.add(data);
    }
  }

  private static boolean isReport(Entity entity) {
    String type = String.valueOf(entity.getMimeType()).toLowerCase(Locale.ROOT);
    String name = String.valueOf(entity.getFilename()).toLowerCase(Locale.ROOT);
    return type.contains("zip") || type.contains("gzip") || type.endsWith("/xml") || name.endsWith(".zip")
        || name.endsWith(".gz") || name.endsWith(".xml");
  }
}
