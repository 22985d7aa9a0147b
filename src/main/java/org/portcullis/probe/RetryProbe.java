package org.portcullis.probe;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * One probe and what reached it.
 *
 * @param token the probe's secret (the address's local part is {@code probe-<token>})
 * @param attempts in order of arrival, at most {@link RetryProbes#ATTEMPTS_MAX}
 */
public record RetryProbe(String token, Instant created, Instant expires, List<Attempt> attempts) {

  /** A greylisted delivery not retried within this long was given up. */
  public static final Duration GIVEN_UP = Duration.ofHours(2);

  public RetryProbe {
    attempts = List.copyOf(attempts);
  }

  /** What happened to one attempt. */
  public enum Outcome {
    /** The first attempt: deferred with 451, as a greylisting receiver does. */
    GREYLISTED,
    /** A retry before the delay: deferred again. */
    TOO_EARLY,
    /** A retry after the delay: accepted at RCPT. */
    ACCEPTED,
    /** The retried message itself: taken and discarded, its header excerpt kept. */
    RECEIVED;

    public String label() {
      return name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ');
    }
  }

  /**
   * @param client the sending server's address
   * @param helo the name it greeted with
   * @param excerpt the message's header, cut short ({@link Outcome#RECEIVED} only; empty otherwise)
   */
  public record Attempt(Instant at, String client, String helo, Outcome outcome, String excerpt) {}

  /** The probe's result so far. */
  public enum Status {
    /** Nothing to judge yet: no mail, or the retry is not due. */
    WAITING,
    PASS,
    WARN,
    FAIL;

    public String label() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /** The result and what it means, in plain words. */
  public record Verdict(Status status, String summary) {}

  /** What the attempts so far say about the sender's retries, judged at {@code now}. */
  public Verdict verdict(Instant now) {
    Optional<Attempt> first = attempts.stream().filter(a -> a.outcome() == Outcome.GREYLISTED).findFirst();
    if (first.isEmpty()) {
      return new Verdict(Status.WAITING, "No mail has reached the probe address yet: send one message to it from "
          + "your mail server, as any mail (not from a script), and come back after a while.");
    }
    Optional<Attempt> accepted = attempts.stream().filter(a -> a.outcome() == Outcome.ACCEPTED).findFirst();
    long early = attempts.stream().filter(a -> a.outcome() == Outcome.TOO_EARLY).count();
    String earlyNote = early == 0 ? "" : " (" + early + " retr" + (early == 1 ? "y" : "ies") + " came before the "
        + "delay and were deferred again)";
    if (accepted.isPresent()) {
      String after = words(Duration.between(first.get().at(), accepted.get().at()));
      if (accepted.get().client().equals(first.get().client())) {
        return new Verdict(Status.PASS, "Your server retried from the same address, " + first.get().client() + ", after "
            + after + earlyNote + ": greylisting receivers let such a retry through.");
      }
      return new Verdict(Status.WARN, "The first attempt came from " + first.get().client() + " and the retry, after "
          + after + ", from " + accepted.get().client() + earlyNote + ". Greylisting receivers key on the sending "
          + "address (or its network), so a retry from another address of a rotating pool starts over and may "
          + "never pass: send each message's retries from the address that tried first, or keep the pool within "
          + "one /24 (seed 004).");
    }
    Duration waited = Duration.between(first.get().at(), now);
    if (waited.compareTo(GIVEN_UP) > 0) {
      return new Verdict(Status.FAIL, "Greylisted at " + first.get().at() + " from " + first.get().client()
          + ", and not retried within " + words(GIVEN_UP) + earlyNote + ". RFC 5321 4.5.4.1 requires a server to "
          + "retry a temporary failure (4xx), at intervals of at least 30 minutes and for days: mail from a server "
          + "that does not is lost at every greylisting receiver.");
    }
    return new Verdict(Status.WAITING, "Greylisted at " + first.get().at() + " from " + first.get().client()
        + earlyNote + "; waiting for the retry (a pass needs one within " + words(GIVEN_UP) + ").");
  }

  static String words(Duration d) {
    long s = d.toSeconds();
    return s < 120 ? s + " s" : s < 7200 ? s / 60 + " minutes" : s / 3600 + " hours";
  }
}
