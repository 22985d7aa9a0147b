package org.portcullis.policy;

import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
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
 */
public record CheckContext(Phase phase, SessionView session, Optional<Recipient> recipient,
    DnsResolver dns, Clock clock) {

  /**
   * Waits for a future (typically a DNS lookup). The wait ends early if the check's thread is
   * interrupted because its timeout passed.
   *
   * @throws CheckInterruptedException if interrupted
   */
  public <T> T await(CompletableFuture<T> future) {
    try {
      return future.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
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
