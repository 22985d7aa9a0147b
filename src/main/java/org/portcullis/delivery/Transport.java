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
 * can make it so (a crash may repeat an attempt, and so may a failed {@link #sync}).
 */
public interface Transport extends AutoCloseable {

  /** A name for log lines ({@code maildir}, {@code relay=[host]:port}). */
  String name();

  /**
   * @param message the message
   * @param recipients indexes into the envelope's recipients, all pending
   * @param content the stored message bytes (CRLF line endings)
   */
  Map<Integer, DeliveryOutcome> deliver(QueuedMessage message, List<Integer> recipients, byte[] content);

  /**
   * Makes every delivery this transport reported as {@link DeliveryOutcome.Delivered} so far
   * durable. Local transports may write without syncing each message and sync in batches here;
   * the spool keeps a message until its deliveries are synced. The default does nothing (a remote
   * server that answered 250 has taken responsibility).
   *
   * @throws IOException if durability cannot be confirmed; the deliveries are then repeated
   */
  default void sync() throws java.io.IOException {}

  /** Closes kept connections; the default has none. */
  @Override
  default void close() {}
}
