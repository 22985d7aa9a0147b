package org.portcullis.policy;

import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.portcullis.dns.DnsResolver;
import org.portcullis.mail.Recipient;

/**
 * What a check is given: the phase, a read-only view of the session, the recipient being checked
 * (at RCPT), DNS and the clock.
 *
 * @param phase the phase being evaluated
 * @param session the session and transaction so far
 * @param recipient the recipient of this RCPT (empty at other phases)
 * @param dns the resolver; lookups return "unknown" statuses rather than failing
 * @param clock the time source
 * @param deadlineNanos when the check's time is up ({@link System#nanoTime()}); waits end there
 * @param problem what the protocol layer found, for a {@link ProtocolCheck} (empty for the chain's checks)
 */
public record CheckContext(Phase phase, SessionView session, Optional<Recipient> recipient,
    DnsResolver dns, Clock clock, long deadlineNanos, Optional<ProtocolProblem> problem) {

  /** A context without a deadline yet; the chain sets one per check. */
  public CheckContext(Phase phase, SessionView session, Optional<Recipient> recipient, DnsResolver dns, Clock clock) {
    this(phase, session, recipient, dns, clock, Long.MAX_VALUE, Optional.empty());
  }

  /** The same context with a deadline ({@link System#nanoTime()} based) for {@link #await}. */
  public CheckContext withDeadline(long deadline) {
    return new CheckContext(phase, session, recipient, dns, clock, deadline, problem);
  }

  /** The same context carrying a problem the protocol layer found. */
  public CheckContext withProblem(ProtocolProblem found) {
    return new CheckContext(phase, session, recipient, dns, clock, deadlineNanos, Optional.of(found));
  }

  /**
   * Waits for a future (typically a DNS lookup), at most until the check's deadline.
   *
   * @throws CheckInterruptedException if the deadline passes or the thread is interrupted
   */
  public <T> T await(CompletableFuture<T> future) {
    T done = future.getNow(null);
    if (done != null) {
      return done;
    }
    try {
      if (deadlineNanos == Long.MAX_VALUE) {
        return future.get();
      }
      return future.get(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
    } catch (InterruptedException | TimeoutException e) {
      throw new CheckInterruptedException();
    } catch (ExecutionException e) {
      throw new IllegalStateException("lookup failed unexpectedly", e.getCause());
    }
  }

  /** Thrown by {@link #await} when a check is abandoned after its timeout. */
  public static final class CheckInterruptedException extends RuntimeException {
    CheckInterruptedException() {
      super("check interrupted after its timeout", null, false, false);
    }
  }
}
