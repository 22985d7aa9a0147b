package org.portcullis.queue;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.portcullis.mail.Envelope;

/**
 * A message in the spool: its envelope and origin (immutable), where its bytes are, and the
 * delivery state of each recipient (mutable, guarded by this object's lock).
 */
public final class QueuedMessage {

  private final String queueId;
  private final Instant receivedAt;
  private final String clientAddress;
  private final String clientName;
  private final String helo;
  private final Envelope envelope;
  final Segment segment;
  final long contentOffset;
  final int contentLength;

  private final RecipientState[] states;
  private int unsynced;
  private boolean completed;
  private int attempts;
  private Instant nextAttempt;
  private String lastError = "";
  private boolean delayReported;
  private boolean held;

  QueuedMessage(String queueId, Instant receivedAt, String clientAddress, String clientName, String helo,
      Envelope envelope, Segment segment, long contentOffset, int contentLength) {
    this.queueId = queueId;
    this.receivedAt = receivedAt;
    this.clientAddress = clientAddress;
    this.clientName = clientName;
    this.helo = helo;
    this.envelope = envelope;
    this.segment = segment;
    this.contentOffset = contentOffset;
    this.contentLength = contentLength;
    this.states = new RecipientState[envelope.recipients().size()];
    Arrays.fill(states, RecipientState.PENDING);
    this.nextAttempt = receivedAt;
  }

  public String queueId() {
    return queueId;
  }

  public Instant receivedAt() {
    return receivedAt;
  }

  public String clientAddress() {
    return clientAddress;
  }

  public String clientName() {
    return clientName;
  }

  public String helo() {
    return helo;
  }

  public Envelope envelope() {
    return envelope;
  }

  /** The size of the stored message (with the headers the gateway added), in octets. */
  public int size() {
    return contentLength;
  }

  /** Whether the sender was told the message is delayed (journaled: a restart does not tell again). */
  public synchronized boolean delayReported() {
    return delayReported;
  }

  synchronized void markDelayReported() {
    delayReported = true;
  }

  public synchronized RecipientState state(int recipientIndex) {
    return states[recipientIndex];
  }

  synchronized void setState(int recipientIndex, RecipientState state) {
    states[recipientIndex] = state;
  }

  /**
   * Marks a recipient delivered by a transport whose writes are not yet durable: it is no longer
   * pending, but the message cannot complete until {@link #deliverySynced} is called for it.
   */
  public synchronized void deliveredPendingSync(int recipientIndex) {
    states[recipientIndex] = RecipientState.DELIVERED;
    unsynced++;
  }

  /** A delivery marked with {@link #deliveredPendingSync} could not be made durable: pending again. */
  public synchronized void deliveryLost(int recipientIndex) {
    states[recipientIndex] = RecipientState.PENDING;
    unsynced--;
  }

  /** One delivery marked with {@link #deliveredPendingSync} is now durable. */
  public synchronized void deliverySynced() {
    unsynced--;
  }

  /** True if every recipient is final and every delivery durable, and nobody completed it yet; marks it. */
  synchronized boolean claimCompletion() {
    if (completed || unsynced > 0 || !isComplete()) {
      return false;
    }
    completed = true;
    return true;
  }

  /** Indexes of the recipients still pending. */
  public synchronized List<Integer> pendingRecipients() {
    return java.util.stream.IntStream.range(0, states.length)
        .filter(i -> states[i] == RecipientState.PENDING).boxed().toList();
  }

  public synchronized boolean isComplete() {
    for (RecipientState state : states) {
      if (!state.isFinal()) {
        return false;
      }
    }
    return true;
  }

  public synchronized int attempts() {
    return attempts;
  }

  public synchronized Instant nextAttempt() {
    return nextAttempt;
  }

  public synchronized String lastError() {
    return lastError;
  }

  /** Whether the operator put the message on hold: it is not delivered until released. */
  public synchronized boolean held() {
    return held;
  }

  synchronized void setHeld(boolean held) {
    this.held = held;
  }

  synchronized void deferred(int attemptsSoFar, Instant next, String error) {
    this.attempts = attemptsSoFar;
    this.nextAttempt = next;
    this.lastError = error;
  }

  @Override
  public String toString() {
    return "QueuedMessage[" + queueId + "]";
  }
}
