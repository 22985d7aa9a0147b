package org.portcullis.delivery;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import org.portcullis.mail.EmailAddress;
import org.portcullis.mail.Envelope;
import org.portcullis.mail.LogText;
import org.portcullis.mail.MailParameters;
import org.portcullis.mail.MailPath;
import org.portcullis.mail.Recipient;
import org.portcullis.mail.References;
import org.portcullis.notices.Notice;
import org.portcullis.notices.Outbox;
import org.portcullis.queue.QueuedMessage;
import org.portcullis.queue.Spool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends what waits in the store's {@link Outbox} (answers to whitelist requests, delisting
 * requests and false-positive reports) through the outbound queue: a plain-text message from
 * {@code postmaster@<our first domain>} with {@code Auto-Submitted: auto-replied} (RFC 3834) and
 * the null envelope sender, so that no answer can bounce back and start a loop.
 *
 * <p>{@link #run} is called every few seconds by one thread. The notice is marked sent after the
 * message is in the spool (fsynced): a crash in between sends it twice, never not at all.
 */
public final class OutboxSender implements Runnable {

  private static final Logger log = LoggerFactory.getLogger("portcullis.delivery");
  private static final int BATCH = 100;

  private final Outbox outbox;
  private final Spool spool;
  private final DeliveryService delivery;
  private final References queueIds;
  private final String hostname;
  private final String from;
  private final Clock clock;
  private final OutgoingSigner signer;

  /**
   * @param from the From address ({@code postmaster@} our first accepted domain)
   * @param signer signs each notice (DKIM) before it is queued
   */
  public OutboxSender(Outbox outbox, Spool spool, DeliveryService delivery, References queueIds, String hostname,
      String from, Clock clock, OutgoingSigner signer) {
    this.signer = signer;
    this.outbox = outbox;
    this.spool = spool;
    this.delivery = delivery;
    this.queueIds = queueIds;
    this.hostname = hostname;
    this.from = from;
    this.clock = clock;
  }

  @Override
  public void run() {
    List<Notice> pending;
    try {
      pending = outbox.pending(BATCH);
    } catch (RuntimeException e) {
      log.warn("cannot read the outbox; notices wait: {}", e.toString());
      return;
    }
    for (Notice notice : pending) {
      try {
        send(notice);
      } catch (IOException | RuntimeException e) {
        log.warn("cannot queue notice {} to {}; it is retried: {}", notice.id(), LogText.value(notice.recipient()),
            e.toString());
        return;
      }
    }
  }

  private void send(Notice notice) throws IOException {
    EmailAddress to;
    try {
      to = EmailAddress.parse(notice.recipient());
    } catch (IllegalArgumentException e) {
      log.warn("notice {} has no valid recipient ({}); dropped", notice.id(), LogText.value(notice.recipient()));
      outbox.sent(notice.id(), "", clock.instant());
      return;
    }
    Instant now = clock.instant();
    String queueId = queueIds.next();
    byte[] message = signer.signedOrAsIs(message(notice, queueId, now), "notice queue=" + queueId);
    Envelope envelope = new Envelope(MailPath.NULL, List.of(Recipient.of(to)), MailParameters.NONE);
    QueuedMessage queued = spool.append(queueId, now, "127.0.0.1", "localhost", hostname, envelope,
        List.of(ByteBuffer.wrap(message)));
    delivery.submit(queued);
    outbox.sent(notice.id(), queueId, now);
    log.info("notice queue={} to={} subject={}", queueId, LogText.value(notice.recipient()),
        LogText.quoted(notice.subject(), 120));
  }

  /** The RFC 5322 message: our headers, the body as UTF-8 text with CRLF line ends. */
  byte[] message(Notice notice, String queueId, Instant now) {
    StringBuilder out = new StringBuilder(512 + notice.body().length());
    out.append("From: Postmaster <").append(from).append(">\r\n");
    out.append("To: <").append(notice.recipient()).append(">\r\n");
    out.append("Subject: ").append(oneLine(notice.subject())).append("\r\n");
    out.append("Date: ").append(DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.ofInstant(now,
        ZoneOffset.UTC))).append("\r\n");
    out.append("Message-ID: <").append(queueId).append(".notice").append(notice.id()).append('@').append(hostname)
        .append(">\r\n");
    out.append("Auto-Submitted: auto-replied\r\n");
    out.append("MIME-Version: 1.0\r\n");
    out.append("Content-Type: text/plain; charset=utf-8\r\n");
    out.append("Content-Transfer-Encoding: 8bit\r\n");
    out.append("\r\n");
    for (String line : notice.body().split("\r?\n", -1)) {
      out.append(line).append("\r\n"); // dot-stuffing is the SMTP client's
    }
    return out.toString().getBytes(StandardCharsets.UTF_8);
  }

  private static String oneLine(String text) {
    String line = text.replaceAll("[\\x00-\\x1f\\x7f]", " ").strip();
    return line.length() > 200 ? line.substring(0, 200) : line;
  }
}
