package org.portcullis.delivery;

import java.time.Duration;

/**
 * When to try again after a temporary failure (RFC 5321 4.5.4.1: wait at least 30 minutes
 * between attempts to a destination in production, give up after 4-5 days).
 *
 * @param initialDelay the wait after the first failed attempt
 * @param maximumDelay the longest wait between attempts
 * @param factor how much each wait grows
 * @param giveUpAfter how long after receipt a message is given up on
 */
public record RetrySchedule(Duration initialDelay, Duration maximumDelay, double factor, Duration giveUpAfter) {

  public RetrySchedule {
    if (initialDelay.isNegative() || initialDelay.isZero()) {
      throw new IllegalArgumentException("initial retry delay must be positive, not " + initialDelay);
    }
    if (maximumDelay.compareTo(initialDelay) < 0) {
      throw new IllegalArgumentException("maximum retry delay " + maximumDelay + " is below the initial " + initialDelay);
    }
    if (!(factor >= 1.0 && factor <= 10.0)) {
      throw new IllegalArgumentException("retry factor must be 1..10, not " + factor);
    }
    if (giveUpAfter.compareTo(initialDelay) < 0) {
      throw new IllegalArgumentException("give-up time " + giveUpAfter + " is below the initial retry delay");
    }
  }

  /** The wait after {@code attempts} failed attempts (1 for the first failure). */
  public Duration delayAfter(int attempts) {
    double seconds = initialDelay.toMillis() / 1000.0 * Math.pow(factor, Math.max(0, attempts - 1));
    long millis = (long) Math.min(seconds * 1000.0, maximumDelay.toMillis());
    return Duration.ofMillis(millis);
  }
}
