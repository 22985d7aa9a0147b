package org.portcullis.policy;

import java.util.Locale;
import java.util.Optional;

/**
 * What a recipient (its mailbox, else its domain, the tenant) chose for the verdicts of a check
 * whose {@code on-reject} is {@code per-recipient}: the customer decides (seed 000).
 */
public enum RecipientChoice {
  /** Refuse, as the check says. */
  REJECT,
  /** Deliver with {@code X-Portcullis-Tag} (and the subject prefix, if {@code tagging.subject-prefix} is set). */
  TAG,
  /** Deliver tagged with the Subject prefixed ({@code tagging.subject-prefix}, {@code [SPAM]} if none is set). */
  REWRITE_SUBJECT,
  /** Accept into the quarantine. */
  QUARANTINE,
  /** Deliver as if the check had found nothing. */
  ACCEPT;

  public String label() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /** The choice named {@code text} ({@code reject}, {@code tag}, {@code quarantine}, {@code accept}). */
  public static Optional<RecipientChoice> parse(String text) {
    for (RecipientChoice c : values()) {
      if (c.label().equals(text)) {
        return Optional.of(c);
      }
    }
    return Optional.empty();
  }
}
