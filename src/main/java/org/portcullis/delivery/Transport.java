package org.portcullis.delivery;

import java.util.List;
import java.util.Map;
import org.portcullis.queue.QueuedMessage;

/**
 * Moves a spooled message one step on: into local mailboxes, or to the next SMTP hop.
 *
 * <p>Contract: thread-safe; called by several delivery workers at once, for different messages.
 * Returns an outcome for every recipient index it was given; remote and local problems are
 * outcomes ({@link DeliveryOutcome.Deferred} or {@link DeliveryOutcome.Failed}), not exceptions.
 * Delivering the same recipient of the same message twice must be harmless where the transport
 * can make it so (a crash may repeat an attempt).
 */
public interface Transport {

  /** A name for log lines ({@code maildir}, {@code relay=[host]:port}). */
  String name();

  /**
   * @param message the message
   * @param recipients indexes into the envelope's recipients, all pending
   * @param content the stored message bytes (CRLF line endings)
   */
  Map<Integer, DeliveryOutcome> deliver(QueuedMessage message, List<Integer> recipients, byte[] content);
}
