package org.portcullis.policy;

import java.util.Optional;
import java.util.OptionalDouble;

/**
 * What a message's score becomes ({@code [actions]}, after rspamd's actions): checks whose
 * {@code on-reject} is {@code score} add their points instead of deciding alone, and the total
 * reaching a threshold rejects, quarantines, rewrites the subject or tags; below every threshold the
 * message is accepted as it is. A threshold that is absent is never reached.
 */
public record ScoreActions(OptionalDouble tag, OptionalDouble rewriteSubject, OptionalDouble quarantine,
    OptionalDouble reject) {

  /** tag at 5, reject at 15, as rspamd's defaults are near. */
  public static final ScoreActions DEFAULT = new ScoreActions(OptionalDouble.of(5.0), OptionalDouble.empty(),
      OptionalDouble.empty(), OptionalDouble.of(15.0));

  public ScoreActions {
    double last = Double.NEGATIVE_INFINITY;
    for (OptionalDouble t : new OptionalDouble[] {tag, rewriteSubject, quarantine, reject}) {
      if (t.isPresent()) {
        if (t.getAsDouble() < last) {
          throw new IllegalArgumentException("thresholds go up: tag <= rewrite-subject <= quarantine <= reject");
        }
        last = t.getAsDouble();
      }
    }
  }

  /** The strongest action {@code score} reaches; empty below every threshold (accept). */
  public Optional<RecipientChoice> action(double score) {
    if (reached(reject, score)) {
      return Optional.of(RecipientChoice.REJECT);
    }
    if (reached(quarantine, score)) {
      return Optional.of(RecipientChoice.QUARANTINE);
    }
    if (reached(rewriteSubject, score)) {
      return Optional.of(RecipientChoice.REWRITE_SUBJECT);
    }
    return reached(tag, score) ? Optional.of(RecipientChoice.TAG) : Optional.empty();
  }

  private static boolean reached(OptionalDouble threshold, double score) {
    return threshold.isPresent() && score >= threshold.getAsDouble();
  }
}
