package org.portcullis.probe;

import com.google.common.io.BaseEncoding;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;
import org.portcullis.mail.EmailAddress;
import org.portcullis.mail.Recipient;
import org.portcullis.policy.LiveExceptions;
import org.portcullis.policy.SessionView;

/**
 * Hands out retry probes and answers the mail sent to them: the first attempt is greylisted, a
 * retry before {@code delay} is deferred again, a later one is accepted; every attempt is recorded,
 * at most {@link #ATTEMPTS_MAX} per probe. Tokens are 128 bits from {@link SecureRandom}, in lower
 * case base 32 (local parts may be case-folded on the way). Thread-safe.
 */
public final class RetryProbes implements LiveExceptions {

  /** The check that answers for probe addresses; every other check (bar relay control) is skipped for them. */
  public static final String CHECK = "retry-probe";

  /** How long a probe address works. */
  public static final Duration LIFETIME = Duration.ofHours(24);
  /** Attempts recorded per probe; more are answered but not kept. */
  public static final int ATTEMPTS_MAX = 50;
  /** Header octets kept of a probe's message. */
  public static final int EXCERPT_MAX = 2048;

  private static final String PREFIX = "probe-";
  private static final Pattern TOKEN = Pattern.compile("[a-z2-7]{26}");
  private static final SecureRandom RANDOM = new SecureRandom();

  private final RetryProbeStore store;
  private final String domain;
  private final Duration delay;
  private final Clock clock;

  /**
   * @param domain {@code diagnose.probe-domain}: the probes' addresses are {@code probe-<token>@domain}
   * @param delay how long after the first attempt a retry is accepted ({@code diagnose.probe-delay-seconds})
   */
  public RetryProbes(RetryProbeStore store, String domain, Duration delay, Clock clock) {
    this.store = store;
    this.domain = domain.toLowerCase(Locale.ROOT);
    this.delay = delay;
    this.clock = clock;
  }

  public Duration delay() {
    return delay;
  }

  /** A new probe, valid for {@link #LIFETIME}. */
  public RetryProbe create() {
    byte[] bits = new byte[16];
    RANDOM.nextBytes(bits);
    String token = BaseEncoding.base32().lowerCase().omitPadding().encode(bits);
    Instant now = clock.instant();
    store.create(token, now, now.plus(LIFETIME));
    return new RetryProbe(token, now, now.plus(LIFETIME), java.util.List.of());
  }

  /** The address of a probe. */
  public String address(String token) {
    return PREFIX + token + "@" + domain;
  }

  /** The token if {@code address} is a probe address (of the probe domain, with a token's shape). */
  public Optional<String> tokenOf(EmailAddress address) {
    if (!address.domain().equalsIgnoreCase(domain)) {
      return Optional.empty();
    }
    String local = address.localPart().toLowerCase(Locale.ROOT);
    if (!local.startsWith(PREFIX) || !TOKEN.matcher(local.substring(PREFIX.length())).matches()) {
      return Optional.empty();
    }
    return Optional.of(local.substring(PREFIX.length()));
  }

  /** Whether {@code text} has a token's shape (for the pages' paths). */
  public static boolean isToken(String text) {
    return text != null && TOKEN.matcher(text).matches();
  }

  /** The probe, unless it is unknown or expired. */
  public Optional<RetryProbe> find(String token) {
    return store.find(token).filter(p -> p.expires().isAfter(clock.instant()));
  }

  /** What RCPT to a probe gets. */
  public sealed interface Answer {
    /** No such probe, or it expired. */
    record Unknown() implements Answer {}

    /** Deferred: the first attempt, or a retry before the delay. */
    record Deferred(Duration retryAfter) implements Answer {}

    /** A retry after the delay. */
    record Accepted() implements Answer {}
  }

  /** An attempt to deliver to the probe {@code token} from {@code client} greeting as {@code helo}: recorded and answered. */
  public Answer rcpt(String token, String client, String helo) {
    Optional<RetryProbe> probe = find(token);
    if (probe.isEmpty()) {
      return new Answer.Unknown();
    }
    Instant now = clock.instant();
    Optional<RetryProbe.Attempt> first = probe.get().attempts().stream()
        .filter(a -> a.outcome() == RetryProbe.Outcome.GREYLISTED).findFirst();
    Answer answer;
    RetryProbe.Outcome outcome;
    if (first.isEmpty()) {
      answer = new Answer.Deferred(delay);
      outcome = RetryProbe.Outcome.GREYLISTED;
    } else if (Duration.between(first.get().at(), now).compareTo(delay) < 0) {
      answer = new Answer.Deferred(delay.minus(Duration.between(first.get().at(), now)));
      outcome = RetryProbe.Outcome.TOO_EARLY;
    } else {
      answer = new Answer.Accepted();
      outcome = RetryProbe.Outcome.ACCEPTED;
    }
    if (probe.get().attempts().size() < ATTEMPTS_MAX) {
      store.attempt(token, new RetryProbe.Attempt(now, client, helo, outcome, ""));
    }
    return answer;
  }

  /** The message of an accepted retry arrived: its header is kept (cut short), the message discarded. */
  public void received(String token, String client, String helo, String header) {
    Optional<RetryProbe> probe = find(token);
    if (probe.isPresent() && probe.get().attempts().size() < ATTEMPTS_MAX) {
      store.attempt(token, new RetryProbe.Attempt(clock.instant(), client, helo, RetryProbe.Outcome.RECEIVED,
          header.length() > EXCERPT_MAX ? header.substring(0, EXCERPT_MAX) + "..." : header));
    }
  }

  /**
   * For a probe recipient every check but the probe's own is skipped (relay control and the deny
   * list never are): the probe is its own greylisting, it is no mailbox, and its mail is discarded.
   */
  @Override
  public Optional<Skip> skipped(SessionView session, Optional<Recipient> recipient) {
    if (recipient.isEmpty() || tokenOf(recipient.get().address()).isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new Skip(check -> !check.equals(CHECK), "a retry probe: only the probe answers", false));
  }

  /** Forgets expired probes; returns how many. */
  public int prune() {
    return store.prune(clock.instant());
  }
}
