package org.portcullis.queue;

/** Where one recipient of a queued message stands. */
public enum RecipientState {
  /** Not delivered yet; will be tried (again). */
  PENDING,
  /** Delivered (or handed to the next hop, which took responsibility). */
  DELIVERED,
  /** Failed permanently, or gave up after the retry limit. */
  FAILED;

  public boolean isFinal() {
    return this != PENDING;
  }
}
