package org.portcullis.dns;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The gateway's only way to ask DNS. Checks see this interface, never dnsjava or
 * {@code InetAddress.getByName}.
 *
 * <p>Contract: implementations are thread-safe; {@link #lookup} never blocks and its future never
 * completes exceptionally: timeouts, server failures and malformed answers are reported as a
 * {@link DnsAnswer} with the matching {@link DnsStatus}, so that callers must decide what
 * "unknown" means (it never means "pass").
 */
public interface DnsResolver {

  /**
   * Looks up {@code name} (with or without the trailing dot, any case) for records of {@code type}.
   */
  CompletableFuture<DnsAnswer> lookup(String name, DnsType type);

  /**
   * Looks up and waits, at most until {@code deadlineNanos} ({@link System#nanoTime()}): for
   * callers on a virtual thread that must finish a whole evaluation in time. A deadline that
   * passes, or an interrupt, is {@link DnsStatus#TIMEOUT}.
   */
  default DnsAnswer lookupBy(String name, DnsType type, long deadlineNanos) {
    try {
      return lookup(name, type).get(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      return DnsAnswer.failure(name, type, DnsStatus.TIMEOUT);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return DnsAnswer.failure(name, type, DnsStatus.TIMEOUT);
    } catch (ExecutionException e) {
      return DnsAnswer.failure(name, type, DnsStatus.ERROR);
    }
  }
}
