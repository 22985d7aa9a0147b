package org.portcullis.dns;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.xbill.DNS.Message;
import org.xbill.DNS.io.UdpIoClient;

/**
 * dnsjava's UDP transport, with sockets that live as long as the resolver instead of one socket
 * per query. dnsjava's default opens, registers and closes a socket for every query: a dozen
 * system calls, several per incoming SMTP connection. Here each server gets a few connected
 * sockets with a receiver thread each; queries are matched to answers by message id (a colliding
 * id is swapped for a free one and restored in the answer).
 *
 * <p>Trade-off: source ports no longer change per query, which would weaken protection against
 * forged answers from off-path attackers; so {@link DnsjavaResolver} uses these sockets only for a
 * resolver on loopback (which nobody off the host can answer for), and a fresh random port per
 * query for any other. Every answer must come from the connected server address and match a
 * pending id; {@code dns.udp-sockets = 0} turns these sockets off. Thread-safe.
 */
final class ReusableUdpClient implements UdpIoClient {

  private static final long SWEEP_NANOS = 50_000_000L;

  private final int socketsPerServer;
  private final Map<InetSocketAddress, Channel[]> channels = new ConcurrentHashMap<>();
  private final AtomicInteger next = new AtomicInteger();
  private final SecureRandom random = new SecureRandom();

  ReusableUdpClient(int socketsPerServer) {
    if (socketsPerServer < 1) {
      throw new IllegalArgumentException("sockets per server must be at least 1, not " + socketsPerServer);
    }
    this.socketsPerServer = socketsPerServer;
  }

  @Override
  public CompletableFuture<byte[]> sendAndReceiveUdp(InetSocketAddress local, InetSocketAddress remote, Message query,
      byte[] data, int max, Duration timeout) {
    Channel[] pool;
    try {
      pool = channels.computeIfAbsent(remote, this::open);
    } catch (UncheckedOpenException e) {
      return CompletableFuture.failedFuture(e.getCause());
    }
    Channel channel = pool[Math.floorMod(next.getAndIncrement(), pool.length)];
    return channel.send(data, max, System.nanoTime() + timeout.toNanos());
  }

  private Channel[] open(InetSocketAddress remote) {
    Channel[] pool = new Channel[socketsPerServer];
    try {
      for (int i = 0; i < pool.length; i++) {
        pool[i] = new Channel(remote, random);
      }
      return pool;
    } catch (IOException e) {
      for (Channel c : pool) {
        if (c != null) {
          c.socket.close();
        }
      }
      throw new UncheckedOpenException(e);
    }
  }

  private static final class UncheckedOpenException extends RuntimeException {
    UncheckedOpenException(IOException cause) {
      super(cause);
    }
  }

  /** One connected socket, its in-flight queries and its receiver thread. */
  private static final class Channel {
    private record Pending(CompletableFuture<byte[]> future, int originalId, int max, long deadline) {}

    final DatagramSocket socket;
    private final Map<Integer, Pending> pending = new ConcurrentHashMap<>();
    private final SecureRandom random;

    Channel(InetSocketAddress remote, SecureRandom random) throws IOException {
      this.random = random;
      this.socket = new DatagramSocket();
      socket.connect(remote);
      socket.setSoTimeout((int) (SWEEP_NANOS / 1_000_000));
      Thread.ofPlatform().name("dns-udp-" + remote.getPort()).daemon(true).start(this::receive);
    }

    CompletableFuture<byte[]> send(byte[] data, int max, long deadline) {
      CompletableFuture<byte[]> future = new CompletableFuture<>();
      if (data.length < 12) {
        future.completeExceptionally(new IOException("DNS query too short"));
        return future;
      }
      int originalId = ((data[0] & 0xFF) << 8) | (data[1] & 0xFF);
      int id = originalId;
      Pending entry = new Pending(future, originalId, max, deadline);
      for (int attempt = 0; pending.putIfAbsent(id, entry) != null; attempt++) {
        if (attempt > 100) {
          future.completeExceptionally(new IOException("no free DNS message id"));
          return future;
        }
        id = random.nextInt(1 << 16);
      }
      byte[] wire = data;
      if (id != originalId) {
        wire = data.clone();
        wire[0] = (byte) (id >> 8);
        wire[1] = (byte) id;
      }
      try {
        socket.send(new DatagramPacket(wire, wire.length));
      } catch (IOException e) {
        pending.remove(id);
        future.completeExceptionally(e);
      }
      return future;
    }

    private void receive() {
      byte[] buffer = new byte[65535];
      DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
      long lastSweep = System.nanoTime();
      while (!socket.isClosed()) {
        try {
          packet.setData(buffer);
          socket.receive(packet);
          if (packet.getLength() >= 12) {
            int id = ((buffer[0] & 0xFF) << 8) | (buffer[1] & 0xFF);
            Pending entry = pending.remove(id);
            if (entry != null) {
              byte[] answer = java.util.Arrays.copyOf(buffer, Math.min(packet.getLength(), Math.max(entry.max(), 512)));
              answer[0] = (byte) (entry.originalId() >> 8);
              answer[1] = (byte) entry.originalId();
              entry.future().complete(answer);
            }
          }
        } catch (SocketTimeoutException idle) {
          // time to look for expired queries
        } catch (SocketException closed) {
          return;
        } catch (IOException e) {
          // an ICMP error or a bad packet; the query will time out
        }
        long now = System.nanoTime();
        if (now - lastSweep >= SWEEP_NANOS) {
          lastSweep = now;
          pending.entrySet().removeIf(e -> {
            if (now - e.getValue().deadline() >= 0) {
              e.getValue().future().completeExceptionally(new SocketTimeoutException("DNS query timed out"));
              return true;
            }
            return false;
          });
        }
      }
    }
  }
}
