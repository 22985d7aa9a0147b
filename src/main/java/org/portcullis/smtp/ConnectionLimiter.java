package org.portcullis.smtp;

import java.net.InetAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.portcullis.mail.Addresses;
import org.portcullis.mail.Cidr;

/**
 * Counts open connections in total, per client address and per client network (Postfix's anvil
 * {@code smtpd_client_connection_count_limit}, by address and by network), and keeps part of the
 * total for the LAN: strangers can fill at most {@code totalMax - reservedForLan}, so a flood from
 * many addresses never locks out the LAN. Thread-safe.
 */
final class ConnectionLimiter {

  private final int totalMax;
  private final int reservedForLan;
  private final int perClientMax;
  private final int perNetworkMax;
  private final AtomicInteger total = new AtomicInteger();
  private final ConcurrentHashMap<InetAddress, AtomicInteger> perClient = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<Cidr, AtomicInteger> perNetwork = new ConcurrentHashMap<>();

  ConnectionLimiter(int totalMax, int perClientMax, int perNetworkMax, int reservedForLan) {
    this.totalMax = totalMax;
    this.perClientMax = perClientMax;
    this.perNetworkMax = perNetworkMax;
    this.reservedForLan = reservedForLan;
  }

  /** Takes a slot from the total; false if the server is full (for a stranger: full but for the LAN's room). */
  boolean acquireTotal(boolean lan) {
    int max = lan ? totalMax : totalMax - reservedForLan;
    if (total.incrementAndGet() > max) {
      total.decrementAndGet();
      return false;
    }
    return true;
  }

  void releaseTotal() {
    total.decrementAndGet();
  }

  /** What {@link #acquireClient} found. */
  enum Slot { TAKEN, CLIENT_FULL, NETWORK_FULL }

  /**
   * Takes a slot for one client address and its network; refused if either has its maximum. LAN
   * clients are counted by address only (a LAN is one network by design).
   */
  Slot acquireClient(InetAddress address, boolean lan) {
    InetAddress key = Addresses.unmap(address);
    Cidr network = Cidr.clientNetwork(key);
    if (!lan && !take(perNetwork, network, perNetworkMax)) {
      return Slot.NETWORK_FULL;
    }
    if (!take(perClient, key, perClientMax)) {
      if (!lan) {
        give(perNetwork, network);
      }
      return Slot.CLIENT_FULL;
    }
    return Slot.TAKEN;
  }

  void releaseClient(InetAddress address, boolean lan) {
    InetAddress key = Addresses.unmap(address);
    give(perClient, key);
    if (!lan) {
      give(perNetwork, Cidr.clientNetwork(key));
    }
  }

  private static <K> boolean take(ConcurrentHashMap<K, AtomicInteger> counts, K key, int max) {
    boolean[] ok = {false};
    counts.compute(key, (k, count) -> {
      AtomicInteger c = count == null ? new AtomicInteger() : count;
      if (c.get() < max) {
        c.incrementAndGet();
        ok[0] = true;
      }
      return c.get() == 0 ? null : c;
    });
    return ok[0];
  }

  private static <K> void give(ConcurrentHashMap<K, AtomicInteger> counts, K key) {
    counts.computeIfPresent(key, (k, count) -> count.decrementAndGet() <= 0 ? null : count);
  }
}
