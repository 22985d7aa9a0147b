package org.portcullis.smtp;

import java.net.InetAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.portcullis.mail.Addresses;

/**
 * Counts open connections in total and per client address (Postfix's anvil
 * {@code smtpd_client_connection_count_limit}). Thread-safe.
 */
final class ConnectionLimiter {

  private final int totalMax;
  private final int perClientMax;
  private final AtomicInteger total = new AtomicInteger();
  private final ConcurrentHashMap<InetAddress, AtomicInteger> perClient = new ConcurrentHashMap<>();

  ConnectionLimiter(int totalMax, int perClientMax) {
    this.totalMax = totalMax;
    this.perClientMax = perClientMax;
  }

  /** Takes a slot from the total; false if the server is full. */
  boolean acquireTotal() {
    if (total.incrementAndGet() > totalMax) {
      total.decrementAndGet();
      return false;
    }
    return true;
  }

  void releaseTotal() {
    total.decrementAndGet();
  }

  /** Takes a slot for one client address; false if that client already has its maximum. */
  boolean acquireClient(InetAddress address) {
    InetAddress key = Addresses.unmap(address);
    boolean[] ok = {false};
    perClient.compute(key, (k, count) -> {
      AtomicInteger c = count == null ? new AtomicInteger() : count;
      if (c.get() < perClientMax) {
        c.incrementAndGet();
        ok[0] = true;
      }
      return c.get() == 0 ? null : c;
    });
    return ok[0];
  }

  void releaseClient(InetAddress address) {
    perClient.computeIfPresent(Addresses.unmap(address), (k, count) -> count.decrementAndGet() <= 0 ? null : count);
  }

}
