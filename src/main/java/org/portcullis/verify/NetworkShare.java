package org.portcullis.verify;

import java.net.InetAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.portcullis.mail.Cidr;

/**
 * How many verifications one client network (IPv4 /24, IPv6 /64) may have waiting at once: a
 * stranger sending RCPT after RCPT to made-up addresses must not take every callout turn
 * ({@code verify.concurrency}) from everyone else. Past its share a verification is not asked and
 * the recipient gets a 450; the network's other verifications go on. Thread-safe, bounded by the
 * networks with verifications in flight.
 */
public final class NetworkShare {

  private final int perNetwork;
  private final ConcurrentHashMap<Cidr, AtomicInteger> inFlight = new ConcurrentHashMap<>();

  /** @param perNetwork verifications in flight per client network, at most */
  public NetworkShare(int perNetwork) {
    if (perNetwork < 1) {
      throw new IllegalArgumentException("perNetwork must be at least 1, not " + perNetwork);
    }
    this.perNetwork = perNetwork;
  }

  /** A quarter of {@code concurrency}, at least one. */
  public static NetworkShare of(int concurrency) {
    return new NetworkShare(Math.max(1, concurrency / 4));
  }

  /**
   * Asks {@code verifier} about {@code address} within {@code client}'s network's share; empty,
   * without asking, when that network has its share in flight.
   */
  public java.util.Optional<Verification> ask(InetAddress client, AddressVerifier verifier,
      org.portcullis.mail.EmailAddress address, long deadlineNanos) {
    if (!tryAcquire(client)) {
      return java.util.Optional.empty();
    }
    try {
      return java.util.Optional.of(verifier.verify(address, deadlineNanos));
    } finally {
      release(client);
    }
  }

  /** A turn for {@code client}'s network, or false when it has its share in flight; release a turn taken. */
  public boolean tryAcquire(InetAddress client) {
    AtomicInteger n = inFlight.computeIfAbsent(Cidr.clientNetwork(client), k -> new AtomicInteger());
    if (n.incrementAndGet() > perNetwork) {
      release(client);
      return false;
    }
    return true;
  }

  public void release(InetAddress client) {
    inFlight.computeIfPresent(Cidr.clientNetwork(client), (k, n) -> n.decrementAndGet() <= 0 ? null : n);
  }
}
