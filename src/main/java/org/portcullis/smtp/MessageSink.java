package org.portcullis.smtp;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;
import org.portcullis.mail.Envelope;

/**
 * Where accepted messages go. The SMTP session calls {@link #accept} at the end of DATA and sends
 * 250 only if it returns.
 *
 * <p>Contract: thread-safe; returns only once the message is durably stored (fsync) and queued
 * for delivery; throws if it could not be stored, in which case nothing was accepted.
 */
public interface MessageSink {

  void accept(String queueId, Instant receivedAt, String clientAddress, String clientName, String helo,
      Envelope envelope, List<ByteBuffer> content) throws IOException;

  /**
   * Why a message goes to the quarantine.
   *
   * @param check the check whose verdict holds it
   * @param reason what it found
   * @param reference the verdict's reference
   */
  record Hold(String check, String reason, String reference) {}

  /**
   * Keeps a message in the quarantine instead of queueing it; the same contract as {@link #accept}:
   * returns only once it is durable. A sink without a quarantine refuses, so the client retries.
   *
   * @param subject the message's Subject, for listing
   */
  default void quarantine(String queueId, Instant receivedAt, String clientAddress, String clientName, String helo,
      Envelope envelope, List<ByteBuffer> content, String subject, Hold hold) throws IOException {
    throw new IOException("this listener has no quarantine");
  }
}
