package org.portcullis.scan;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Stops asking a scanner that keeps failing: after {@code failures} failures in a row it opens, and
 * for {@code openFor} every scan fails at once (no connection, no wait); then one probe is let
 * through: its success closes the breaker, its failure opens it again. Thread-safe.
 */
public final class CircuitBreaker {

  /** Where the breaker stands. */
  public enum State {
    CLOSED, OPEN, HALF_OPEN
  }

  private final int failuresToOpen;
  private final Duration openFor;
  private final Clock clock;
  private State state = State.CLOSED;
  private int failures;
  private Instant openUntil = Instant.MIN;
  private boolean probing;

  public CircuitBreaker(int failuresToOpen, Duration openFor, Clock clock) {
    if (failuresToOpen < 1) {
      throw new IllegalArgumentException("failuresToOpen must be at least 1");
    }
    this.failuresToOpen = failuresToOpen;
    this.openFor = openFor;
    this.clock = clock;
  }

  /** Whether a scan may be tried now; in the half-open state only one at a time (the probe). */
  public synchronized boolean allow() {
    if (state == State.OPEN && !clock.instant().isBefore(openUntil)) {
      state = State.HALF_OPEN;
      probing = false;
    }
    return switch (state) {
      case CLOSED -> true;
      case OPEN -> false;
      case HALF_OPEN -> {
        if (probing) {
          yield false;
        }
        probing = true;
        yield true;
      }
    };
  }

  /** The scanner answered. */
  public synchronized void succeeded() {
    state = State.CLOSED;
    failures = 0;
    probing = false;
  }

  /**
   * The scanner failed.
   *
   * @return true if this failure opened the breaker
   */
  public synchronized boolean failed() {
    failures++;
    if (state == State.HALF_OPEN || failures >= failuresToOpen) {
      boolean opened = state != State.OPEN;
      state = State.OPEN;
      openUntil = clock.instant().plus(openFor);
      probing = false;
      return opened;
    }
    return false;
  }

  public synchronized State state() {
    return state;
  }

  /** When an open breaker lets the next probe through. */
  public synchronized Instant openUntil() {
    return openUntil;
  }
}
