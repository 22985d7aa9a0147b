package org.portcullis.app;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import org.portcullis.delivery.DeliveryService;
import org.portcullis.dmarc.ReportInbox;
import org.portcullis.history.Transaction;
import org.portcullis.history.TransactionLog;
import org.portcullis.mail.Envelope;
import org.portcullis.mail.References;
import org.portcullis.quarantine.Quarantine;
import org.portcullis.quarantine.QuarantineEntry;
import org.portcullis.queue.MessageFile;
import org.portcullis.queue.QueuedMessage;
import org.portcullis.queue.Spool;
import org.portcullis.smtp.MessageSink;

/**
 * Where the listeners put accepted mail: the durable spool (the 250 waits for its fsync), then
 * delivery, then the transaction record for the admin pages (queued, off the session's path).
 * Thread-safe.
 */
final class SpoolingSink implements MessageSink {

  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger("portcullis.diagnose");

  private final Spool spool;
  private final DeliveryService delivery;
  private final TransactionLog transactions;
  private final Optional<ReportInbox> reports;
  private final Quarantine quarantine;

  /**
   * @param reports reads the DMARC reports mailed to {@code dmarc.report-address}, when one is set
   * @param quarantine where mail a check holds goes
   */
  private final Optional<org.portcullis.correspondents.Correspondents> correspondents;
  private final List<String> ourDomains;
  private final Optional<org.portcullis.probe.RetryProbes> probes;

  /** @param probes the retry probes, whose mail is recorded and discarded, never delivered */
  SpoolingSink(Spool spool, DeliveryService delivery, TransactionLog transactions, Optional<ReportInbox> reports,
      Quarantine quarantine, Optional<org.portcullis.correspondents.Correspondents> correspondents,
      List<String> ourDomains, Optional<org.portcullis.probe.RetryProbes> probes) {
    this.probes = probes;
    this.correspondents = correspondents;
    this.ourDomains = List.copyOf(ourDomains);
    this.reports = reports;
    this.quarantine = quarantine;
    this.spool = spool;
    this.delivery = delivery;
    this.transactions = transactions;
  }

  @Override
  public void accept(String queueId, Instant receivedAt, String clientAddress, String clientName, String helo,
      Envelope offered, List<ByteBuffer> content) throws IOException {
    long size = content.stream().mapToLong(ByteBuffer::remaining).sum();
    Optional<Envelope> rest = probes.isEmpty() ? Optional.of(offered)
        : withoutProbes(probes.get(), clientAddress, helo, offered, content);
    if (rest.isEmpty()) {
      transactions.accepted(new Transaction(receivedAt, clientAddress, clientName, helo, offered.sender().toString(),
          offered.recipients().stream().map(r -> "<" + r.address() + ">").collect(Collectors.joining(", ")),
          "probe", queueId, "retry-probe", Long.toString(size)));
      return;
    }
    Envelope envelope = rest.get();
    // Copied before the spool consumes the buffers; read after the message is durable, so a report
    // that cannot be read still reaches the mailbox like any message.
    Optional<ReportInbox> inbox = reports.filter(r -> r.wants(envelope));
    byte[] report = inbox.isPresent() ? bytes(content) : null;
    QueuedMessage message = spool.append(queueId, receivedAt, clientAddress, clientName, helo, envelope, content);
    delivery.submit(message);
    inbox.ifPresent(r -> r.take(envelope, report));
    // Recipients outside our domains were relayed: the LAN's or a logged-in user's mail, whose
    // recipients may answer (relay control lets nobody else reach them).
    correspondents.ifPresent(c -> c.sent(envelope.sender(), envelope.recipients(), ourDomains));
    transactions.accepted(new Transaction(receivedAt, clientAddress, clientName, helo, envelope.sender().toString(),
        envelope.recipients().stream().map(r -> "<" + r.address() + ">").collect(Collectors.joining(", ")),
        "accepted", queueId, "", Long.toString(size)));
  }

  /**
   * Records the message for each retry probe among its recipients (its header, cut short) and
   * returns the envelope without them; empty when nothing else is left to deliver.
   */
  private static Optional<Envelope> withoutProbes(org.portcullis.probe.RetryProbes probes, String clientAddress,
      String helo, Envelope envelope, List<ByteBuffer> content) {
    List<org.portcullis.mail.Recipient> others = new java.util.ArrayList<>();
    String header = null;
    for (org.portcullis.mail.Recipient r : envelope.recipients()) {
      Optional<String> token = probes.tokenOf(r.address());
      if (token.isEmpty()) {
        others.add(r);
        continue;
      }
      if (header == null) {
        header = header(content);
      }
      try {
        probes.received(token.get(), clientAddress, helo, header);
      } catch (RuntimeException e) {
        log.warn("retry probe {}: the message could not be recorded: {}", token.get(), e.getMessage());
      }
    }
    if (others.size() == envelope.recipients().size()) {
      return Optional.of(envelope);
    }
    return others.isEmpty() ? Optional.empty()
        : Optional.of(new Envelope(envelope.sender(), others, envelope.parameters()));
  }

  /** The message's header section (up to the first empty line), as text, at most a few kB. */
  private static String header(List<ByteBuffer> content) {
    StringBuilder out = new StringBuilder();
    for (ByteBuffer b : content) {
      ByteBuffer view = b.duplicate();
      while (view.hasRemaining() && out.length() < org.portcullis.probe.RetryProbes.EXCERPT_MAX + 1) {
        out.append((char) (view.get() & 0xff));
      }
    }
    int end = out.indexOf("\r\n\r\n");
    String text = end >= 0 ? out.substring(0, end) : out.toString();
    return org.portcullis.mail.LogText.escape(text.replace("\r\n", "\n"), org.portcullis.probe.RetryProbes.EXCERPT_MAX)
        .replace("\\x0A", "\n");
  }

  @Override
  public void quarantine(String queueId, Instant receivedAt, String clientAddress, String clientName, String helo,
      Envelope envelope, List<ByteBuffer> content, String subject, Hold hold) throws IOException {
    long size = content.stream().mapToLong(ByteBuffer::remaining).sum();
    QuarantineEntry entry = quarantine.hold(queueId, receivedAt, clientAddress, clientName, helo, envelope, content,
        subject, new Quarantine.Reason(hold.check(), hold.reason(), hold.reference()));
    transactions.accepted(new Transaction(receivedAt, clientAddress, clientName, helo, envelope.sender().toString(),
        envelope.recipients().stream().map(r -> "<" + r.address() + ">").collect(Collectors.joining(", ")),
        "quarantined", queueId, "quarantine " + entry.id(), Long.toString(size)));
  }

  /**
   * Queues a released message for delivery as it arrived, with a new queue id and today as its
   * arrival (its time in the quarantine does not count against the queue's lifetime).
   */
  String requeue(MessageFile.Stored message, References queueIds, java.time.Clock clock) throws IOException {
    String queueId = queueIds.next();
    QueuedMessage queued = spool.append(queueId, clock.instant(), message.clientAddress(), message.clientName(),
        message.helo(), message.envelope(), List.of(ByteBuffer.wrap(message.content())));
    delivery.submit(queued);
    return queueId;
  }

  private static byte[] bytes(List<ByteBuffer> content) {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    for (ByteBuffer b : content) {
      ByteBuffer copy = b.duplicate();
      byte[] chunk = new byte[copy.remaining()];
      copy.get(chunk);
      out.writeBytes(chunk);
    }
    return out.toByteArray();
  }
}
