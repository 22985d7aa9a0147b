package org.portcullis.delivery;

/** What happened to one recipient in one delivery attempt. */
public sealed interface DeliveryOutcome {

  /** A short description for the log line: where it went, or the remote reply. */
  String detail();

  /** Delivered (or accepted by the next hop). */
  record Delivered(String detail) implements DeliveryOutcome {}

  /** A temporary problem: try again later. */
  record Deferred(String detail) implements DeliveryOutcome {}

  /** A permanent failure: do not try again. */
  record Failed(String detail) implements DeliveryOutcome {}
}
