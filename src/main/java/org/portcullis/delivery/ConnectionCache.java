package org.portcullis.delivery;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Deque;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.function.LongSupplier;

/**
 * Idle SMTP connections kept for the next message to the same server from the same source
 * address (Postfix's connection cache): a busy destination costs one TCP and TLS handshake per
 * connection, not per message. A connection idle longer than the reuse time is closed rather than
 * reused; at most {@code perServer} wait per server. Thread-safe.
 */
final class ConnectionCache implements AutoCloseable {

  private record Key(InetSocketAddress server, Optional<InetAddress> source) {}

  private final Map<Key, Deque<SmtpConnection>> idle = new ConcurrentHashMap<>();
  private final long reuseNanos;
  private final int perServer;
  private final LongSupplier nanoClock;

  ConnectionCache(Duration reuseTime, int perServer) {
    this(reuseTime, perServer, System::nanoTime);
  }

  /** @param nanoClock the monotonic time in nanoseconds ({@link System#nanoTime} outside tests) */
  ConnectionCache(Duration reuseTime, int perServer, LongSupplier nanoClock) {
    this.reuseNanos = reuseTime.toNanos();
    this.perServer = perServer;
    this.nanoClock = nanoClock;
  }

  /** An idle connection to {@code server} from {@code source}, most recently used first, if any. */
  Optional<SmtpConnection> take(InetSocketAddress server, Optional<InetAddress> source) {
    Deque<SmtpConnection> waiting = idle.get(new Key(server, source));
    if (waiting == null) {
      return Optional.empty();
    }
    long now = nanoClock.getAsLong();
    SmtpConnection c;
    while ((c = waiting.pollFirst()) != null) {
      if (now - c.idleSince() <= reuseNanos && !c.client().isClosed()) {
        return Optional.of(c);
      }
      c.quit();
    }
    return Optional.empty();
  }

  /** Keeps a connection that is ready for its next MAIL FROM; closes it if enough wait already. */
  void put(SmtpConnection c, Optional<InetAddress> source) {
    if (reuseNanos == 0) {
      c.quit();
      return;
    }
    long now = nanoClock.getAsLong();
    c.markIdle(now);
    Deque<SmtpConnection> waiting = idle.computeIfAbsent(new Key(c.address(), source), k -> new ConcurrentLinkedDeque<>());
    for (Iterator<SmtpConnection> it = waiting.descendingIterator(); it.hasNext();) {
      SmtpConnection old = it.next();
      if (now - old.idleSince() > reuseNanos && waiting.removeFirstOccurrence(old)) {
        old.quit();
      }
    }
    if (waiting.size() >= perServer) {
      c.quit();
      return;
    }
    waiting.offerFirst(c);
  }

  @Override
  public void close() {
    idle.values().forEach(waiting -> {
      SmtpConnection c;
      while ((c = waiting.pollFirst()) != null) {
        c.quit();
      }
    });
  }
}
