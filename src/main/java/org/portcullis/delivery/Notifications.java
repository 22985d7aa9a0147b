package org.portcullis.delivery;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.portcullis.dsn.DeliveryReport;
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
 * Puts delivery status notifications into the spool, from the null sender to the reported
 * message's sender, durably before the reported recipients' states are journaled (so a crash
 * may repeat a notification, never lose one). Thread-safe.
 */
public final class Notifications {

  private static final Logger log = LoggerFactory.getLogger("portcullis.delivery");

  private final Spool spool;
  private final References queueIds;
  private final String hostname;
  private final Clock clock;
  private final Duration delayWarning;
  private final OutgoingSigner signer;

  /**
   * @param delayWarning how long after arrival a still-undelivered message's sender is told it is
   *     delayed; zero never
   */
  public Notifications(Spool spool, References queueIds, String hostname, Clock clock, Duration delayWarning) {
    this(spool, queueIds, hostname, clock, delayWarning, OutgoingSigner.NONE);
  }

  /** @param signer signs each report (DKIM, with the server's domain key) before it is queued */
  public Notifications(Spool spool, References queueIds, String hostname, Clock clock, Duration delayWarning,
      OutgoingSigner signer) {
    this.signer = signer;
    this.spool = spool;
    this.queueIds = queueIds;
    this.hostname = hostname;
    this.clock = clock;
    this.delayWarning = delayWarning;
  }

  /** Whether a delay notification is due for a message that is still being retried. */
  boolean delayDue(QueuedMessage message) {
    return !delayWarning.isZero()
        && Duration.between(message.receivedAt(), clock.instant()).compareTo(delayWarning) >= 0;
  }

  /**
   * Queues the report on {@code entries}, if anyone is to be told (NOTIFY, never to the null
   * sender); returns the queued notification for delivery.
   */
  Optional<QueuedMessage> queue(QueuedMessage message, byte[] content, List<DeliveryReport.Entry> entries,
      Optional<Instant> retryUntil) throws IOException {
    Instant now = clock.instant();
    Optional<byte[]> report = DeliveryReport.build(hostname, message.queueId(), message.envelope(),
        message.receivedAt(), content, entries, now, retryUntil);
    if (report.isEmpty()) {
      return Optional.empty();
    }
    MailParameters original = message.envelope().parameters();
    Envelope envelope = new Envelope(MailPath.NULL, List.of(Recipient.of(message.envelope().sender().address())),
        new MailParameters(OptionalLong.empty(), original.body(), false, Optional.empty(), Optional.empty()));
    String queueId = queueIds.next();
    QueuedMessage queued = spool.append(queueId, now, "127.0.0.1", "localhost", hostname, envelope,
        List.of(ByteBuffer.wrap(signer.signedOrAsIs(report.get(), "notification queue=" + queueId))));
    log.info("notification queue={} about queue={} action={} to={} recipients={}", queueId, message.queueId(),
        entries.getFirst().action().name().toLowerCase(java.util.Locale.ROOT),
        LogText.value(message.envelope().sender().toString()), entries.size());
    return Optional.of(queued);
  }
}
