package org.portcullis.app;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;
import java.util.stream.Collectors;
import org.portcullis.delivery.DeliveryService;
import org.portcullis.history.Transaction;
import org.portcullis.history.TransactionLog;
import org.portcullis.mail.Envelope;
import org.portcullis.queue.QueuedMessage;
import org.portcullis.queue.Spool;
import org.portcullis.smtp.MessageSink;

/**
 * Where the listeners put accepted mail: the durable spool (the 250 waits for its fsync), then
 * delivery, then the transaction record for the admin pages (queued, off the session's path).
 * Thread-safe.
 */
final class SpoolingSink implements MessageSink {

  private final Spool spool;
  private final DeliveryService delivery;
  private final TransactionLog transactions;

  SpoolingSink(Spool spool, DeliveryService delivery, TransactionLog transactions) {
    this.spool = spool;
    this.delivery = delivery;
    this.transactions = transactions;
  }

  @Override
  public void accept(String queueId, Instant receivedAt, String clientAddress, String clientName, String helo,
      Envelope envelope, List<ByteBuffer> content) throws IOException {
    long size = content.stream().mapToLong(ByteBuffer::remaining).sum();
    QueuedMessage message = spool.append(queueId, receivedAt, clientAddress, clientName, helo, envelope, content);
    delivery.submit(message);
    transactions.accepted(new Transaction(receivedAt, clientAddress, clientName, helo, envelope.sender().toString(),
        envelope.recipients().stream().map(r -> "<" + r.address() + ">").collect(Collectors.joining(", ")),
        "accepted", queueId, "", Long.toString(size)));
  }
}
