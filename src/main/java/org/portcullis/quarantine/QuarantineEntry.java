package org.portcullis.quarantine;

import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * What the store keeps about one quarantined message (the message itself is a file).
 *
 * @param id 128 random bits in hex: unguessable, since links to it will be handed out
 * @param sender the envelope sender, empty for {@code <>}
 * @param recipients the envelope recipients
 * @param subject the Subject field as received (unfolded, at most 200 characters)
 * @param check the check whose verdict held it
 * @param reason what the check found, in words
 * @param reference the verdict's reference ({@code /ref/<ref>})
 * @param changedBy who released or deleted it (empty while held)
 */
public record QuarantineEntry(String id, Instant receivedAt, String clientAddress, String sender,
    List<String> recipients, String subject, String check, String reason, String reference, long size, State state,
    Instant changedAt, String changedBy) {

  public QuarantineEntry {
    recipients = List.copyOf(recipients);
  }

  /** Where a quarantined message stands. */
  public enum State {
    /** Kept, waiting for a decision. */
    HELD,
    /** Being queued for delivery; a crash here is reported at start rather than repeated. */
    RELEASING,
    /** Queued for delivery (its file is gone). */
    RELEASED,
    /** Deleted without delivery. */
    DELETED;

    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** The same entry in another state. */
  public QuarantineEntry with(State next, Instant at, String by) {
    return new QuarantineEntry(id, receivedAt, clientAddress, sender, recipients, subject, check, reason, reference,
        size, next, at, by);
  }
}
