package org.portcullis.scan;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link Scanner} with the limits every scan needs: messages over {@code maxBytes} are skipped
 * (and say so), at most {@code concurrency} scans run at once and waiting for a turn counts against
 * the same total timeout, and a {@link CircuitBreaker} stops asking a scanner that keeps failing.
 * Never throws: a scan that gave no answer is {@link ScanResult.Failed}, which callers must not
 * take for a pass.
 */
public final class GuardedScanner {

  private static final Logger log = LoggerFactory.getLogger("portcullis.scan");

  /**
   * @param maxBytes the largest message scanned
   * @param concurrency how many scans may run at once
   * @param timeout the longest one scan may take, waiting for a turn included
   */
  public record Limits(long maxBytes, int concurrency, Duration timeout) {}

  private final Scanner scanner;
  private final Limits limits;
  private final Semaphore turns;
  private final CircuitBreaker breaker;
  private final java.util.Map<String, java.util.concurrent.atomic.LongAdder> results = new java.util.HashMap<>();

  /** The outcomes {@link #results} counts. */
  public static final java.util.List<String> OUTCOMES = java.util.List.of("clean", "spam", "infected", "skipped",
      "failed");

  public GuardedScanner(Scanner scanner, Limits limits, CircuitBreaker breaker) {
    this.scanner = scanner;
    this.limits = limits;
    this.turns = new Semaphore(limits.concurrency(), true);
    this.breaker = breaker;
    OUTCOMES.forEach(o -> results.put(o, new java.util.concurrent.atomic.LongAdder()));
  }

  /** Scans so far with this outcome ({@link #OUTCOMES}), for the metrics. */
  public long results(String outcome) {
    return results.get(outcome).sum();
  }

  public String name() {
    return scanner.name();
  }

  public CircuitBreaker breaker() {
    return breaker;
  }

  /**
   * Scans within the scan timeout, and before {@code deadlineNanos} if that comes sooner (the check's
   * own deadline).
   */
  public ScanResult scan(ScanRequest request, long deadlineNanos) {
    ScanResult result = guarded(request, deadlineNanos);
    results.get(switch (result) {
      case ScanResult.Clean c -> "clean";
      case ScanResult.Spam s -> "spam";
      case ScanResult.Infected i -> "infected";
      case ScanResult.Skipped s -> "skipped";
      case ScanResult.Failed f -> "failed";
    }).increment();
    return result;
  }

  private ScanResult guarded(ScanRequest request, long deadlineNanos) {
    long size = request.message().size();
    if (size > limits.maxBytes()) {
      return new ScanResult.Skipped(name(), "size", "the message has " + size + " octets; " + name()
          + " scans at most " + limits.maxBytes());
    }
    long deadline = Math.min(deadlineNanos, System.nanoTime() + limits.timeout().toNanos());
    try {
      if (!turns.tryAcquire(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
        return new ScanResult.Failed(name(), ScanResult.Failure.BUSY, limits.concurrency()
            + " scans were already running until the deadline");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new ScanResult.Failed(name(), ScanResult.Failure.TIMEOUT, "interrupted waiting for a turn");
    }
    try {
      if (!breaker.allow()) {
        return new ScanResult.Failed(name(), ScanResult.Failure.CIRCUIT_OPEN, name()
            + " failed repeatedly; asked again after " + breaker.openUntil());
      }
      try {
        ScanResult result = scanner.scan(request, deadline);
        breaker.succeeded();
        return result;
      } catch (ScanTimeoutException e) {
        return failed(ScanResult.Failure.TIMEOUT, e);
      } catch (ScanReplyException e) {
        return failed(ScanResult.Failure.BAD_REPLY, e);
      } catch (IOException e) {
        return failed(ScanResult.Failure.UNREACHABLE, e);
      } catch (RuntimeException e) {
        log.warn("{}: scan failed unexpectedly", scanner, e);
        return failed(ScanResult.Failure.BAD_REPLY, new IOException(e.toString()));
      }
    } finally {
      turns.release();
    }
  }

  private ScanResult failed(ScanResult.Failure failure, IOException e) {
    String detail = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    if (breaker.failed()) {
      log.warn("{}: {} ({}); not asked again until {}", scanner, failure.label(), detail, breaker.openUntil());
    }
    return new ScanResult.Failed(name(), failure, Symbols.printable(detail, 300));
  }

  @Override
  public String toString() {
    return scanner.toString();
  }
}
