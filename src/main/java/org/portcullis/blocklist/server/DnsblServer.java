package org.portcullis.blocklist.server;

import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.portcullis.blocklist.ListingIndex;
import org.portcullis.blocklist.ZoneSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The DNSBL server: our own listings as an RFC 5782 zone over UDP and TCP on one address
 * (default 127.0.0.1:5300). UDP is served by a few platform threads, through
 * {@code recvmmsg}/{@code sendmmsg} where Linux offers them ({@link BatchedUdpSocket}) and a
 * {@code DatagramChannel} elsewhere; TCP by a virtual thread per connection, many queries per
 * connection, with AXFR for configured secondaries.
 *
 * <p>Lifecycle: {@link #start} binds both sockets (an ephemeral port 0 gets the same port for
 * both) and starts the threads; {@link #close} stops them. Listing changes need no restart: every
 * query reads the current {@link ListingIndex}.
 */
public final class DnsblServer implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger("portcullis.dnsbl-server");

  private final ZoneSettings settings;
  private final ZoneAnswerer answerer;
  private final ZoneTransfer transfer;
  private final Supplier<ListingIndex> index;
  private final LongSupplier serial;
  private final List<Thread> threads = new ArrayList<>();
  private final Semaphore tcpSlots;
  private final java.util.concurrent.ConcurrentHashMap<java.net.InetAddress, java.util.concurrent.atomic.AtomicInteger>
      tcpPerClient = new java.util.concurrent.ConcurrentHashMap<>();
  private final LongAdder tcpQueries = new LongAdder();
  private final LongAdder channelQueries = new LongAdder();
  private BatchedUdpSocket batched;
  private DatagramChannel channel;
  private ServerSocket tcp;
  private volatile boolean closed;

  public DnsblServer(ZoneSettings settings, Supplier<ListingIndex> index, LongSupplier serial) {
    this.settings = settings;
    this.index = index;
    this.serial = serial;
    this.answerer = new ZoneAnswerer(settings, index, serial);
    this.transfer = new ZoneTransfer(settings);
    this.tcpSlots = new Semaphore(settings.tcpConnectionsMax());
  }

  /** Binds UDP and TCP and starts serving. */
  public void start() throws IOException {
    InetSocketAddress wanted = settings.listen();
    IOException last = null;
    for (int attempt = 0; attempt < (wanted.getPort() == 0 ? 20 : 1); attempt++) {
      InetSocketAddress udpAddress = bindUdp(wanted);
      // An ephemeral UDP port may be taken for TCP: then both are tried again on a new port.
      try {
        ServerSocket server = new ServerSocket();
        server.setReuseAddress(true);
        server.bind(udpAddress, 128);
        tcp = server;
        break;
      } catch (IOException e) {
        last = new IOException("cannot bind TCP " + BatchedUdpSocket.text(udpAddress) + ": " + e.getMessage(), e);
        closeUdp();
      }
    }
    if (tcp == null) {
      throw last;
    }
    int udpThreads = settings.udpThreads() > 0 ? settings.udpThreads() : Runtime.getRuntime().availableProcessors();
    for (int i = 0; i < udpThreads; i++) {
      Runnable loop = batched != null ? () -> batched.serve(answerer) : this::serveChannel;
      threads.add(Thread.ofPlatform().name("dnsbl-udp-" + i).daemon(true).start(loop));
    }
    threads.add(Thread.ofVirtual().name("dnsbl-tcp-accept").start(this::acceptTcp));
    log.info("DNSBL server for {} on {} (UDP {}, TCP)", settings.zone(), localAddress(),
        batched != null ? "recvmmsg/sendmmsg, " + udpThreads + " thread(s)" : "DatagramChannel, " + udpThreads + " thread(s)");
  }

  private InetSocketAddress bindUdp(InetSocketAddress wanted) throws IOException {
    if (settings.batched() && BatchedUdpSocket.supported()) {
      try {
        batched = BatchedUdpSocket.bind(wanted);
        return batched.localAddress();
      } catch (IOException e) {
        throw e;
      } catch (RuntimeException | LinkageError e) {
        log.warn("batched UDP unavailable ({}); using a DatagramChannel", e.toString());
        batched = null;
      }
    }
    channel = DatagramChannel.open(wanted.getAddress() instanceof java.net.Inet6Address
        ? java.net.StandardProtocolFamily.INET6 : java.net.StandardProtocolFamily.INET);
    channel.setOption(java.net.StandardSocketOptions.SO_RCVBUF, 4 * 1024 * 1024);
    try {
      channel.bind(wanted);
    } catch (IOException e) {
      channel.close();
      channel = null;
      throw new IOException("cannot bind UDP " + BatchedUdpSocket.text(wanted) + ": " + e.getMessage(), e);
    }
    return (InetSocketAddress) channel.getLocalAddress();
  }

  private void closeUdp() {
    if (batched != null) {
      batched.close();
      batched.release();
      batched = null;
    }
    if (channel != null) {
      try {
        channel.close();
      } catch (IOException e) {
        // closing after a failed bind
      }
      channel = null;
    }
  }

  /** The bound address (UDP and TCP share the port). */
  public InetSocketAddress localAddress() {
    return (InetSocketAddress) tcp.getLocalSocketAddress();
  }

  /** Queries answered (or dropped) so far, UDP and TCP. */
  public long queries() {
    return (batched != null ? batched.queries.sum() : 0) + channelQueries.sum() + tcpQueries.sum();
  }

  /** Whether UDP goes through recvmmsg/sendmmsg. */
  public boolean batchedUdp() {
    return batched != null;
  }

  private void serveChannel() {
    byte[] packet = new byte[4096];
    ByteBuffer buffer = ByteBuffer.wrap(packet);
    while (!closed) {
      try {
        buffer.clear();
        SocketAddress from = channel.receive(buffer);
        channelQueries.increment();
        int reply = answerer.answer(packet, buffer.position(), packet.length, false);
        if (reply != ZoneAnswerer.DROP) {
          channel.send(ByteBuffer.wrap(packet, 0, reply), from);
        }
      } catch (ClosedChannelException e) {
        return;
      } catch (IOException e) {
        if (!closed) {
          log.debug("UDP receive/send failed: {}", e.toString());
        }
      }
    }
  }

  private void acceptTcp() {
    while (!closed) {
      try {
        Socket socket = tcp.accept();
        java.net.InetAddress client = org.portcullis.mail.Addresses.unmap(socket.getInetAddress());
        if (!tcpSlots.tryAcquire()) {
          socket.close();
          continue;
        }
        if (!takeClientSlot(client)) {
          tcpSlots.release();
          socket.close();
          continue;
        }
        Thread.ofVirtual().name("dnsbl-tcp").start(() -> {
          try (socket) {
            serveTcp(socket);
          } catch (IOException e) {
            log.debug("TCP connection from {} ended: {}", socket.getRemoteSocketAddress(), e.toString());
          } finally {
            tcpPerClient.computeIfPresent(client, (k, n) -> n.decrementAndGet() <= 0 ? null : n);
            tcpSlots.release();
          }
        });
      } catch (IOException e) {
        if (!closed) {
          log.warn("TCP accept failed: {}", e.toString());
        }
      }
    }
  }

  /** One address may hold at most {@code tcp-connections-per-client-max} connections, so it cannot take them all. */
  private boolean takeClientSlot(java.net.InetAddress client) {
    boolean[] ok = {false};
    tcpPerClient.compute(client, (k, n) -> {
      java.util.concurrent.atomic.AtomicInteger c = n == null ? new java.util.concurrent.atomic.AtomicInteger() : n;
      if (c.get() < settings.tcpConnectionsPerClientMax()) {
        c.incrementAndGet();
        ok[0] = true;
      }
      return c.get() == 0 ? null : c;
    });
    return ok[0];
  }

  /**
   * Serves queries on one connection. Each query, from its first byte to its last, must arrive
   * within the idle timeout: a total per query, so a client sending a byte at a time is cut off.
   */
  private void serveTcp(Socket socket) throws IOException {
    InputStream in = socket.getInputStream();
    DataOutputStream out = new DataOutputStream(new BufferedOutputStream(socket.getOutputStream()));
    byte[] buffer = new byte[65_535];
    long timeout = settings.tcpIdleTimeout().toNanos();
    while (!closed) {
      long deadline = System.nanoTime() + timeout;
      int length;
      try {
        if (!readFully(socket, in, buffer, 2, deadline)) {
          return;
        }
        length = ((buffer[0] & 0xFF) << 8) | (buffer[1] & 0xFF);
        if (!readFully(socket, in, buffer, length, deadline)) {
          return;
        }
      } catch (SocketTimeoutException | SocketException e) {
        return;
      }
      tcpQueries.increment();
      if (ZoneAnswerer.isTransfer(buffer, length)) {
        try {
          transfer.transfer(java.util.Arrays.copyOf(buffer, length), socket.getInetAddress(), index.get(),
              serial.getAsLong(), out);
        } catch (IOException | RuntimeException e) {
          log.info("zone transfer to {} failed: {}", socket.getInetAddress().getHostAddress(), e.toString());
          return;
        }
        continue;
      }
      int reply = answerer.answer(buffer, length, buffer.length, true);
      if (reply == ZoneAnswerer.DROP) {
        return;
      }
      out.writeShort(reply);
      out.write(buffer, 0, reply);
      out.flush();
    }
  }

  /** Reads {@code n} octets before {@code deadline}; false at end of stream. */
  private static boolean readFully(Socket socket, InputStream in, byte[] into, int n, long deadline)
      throws IOException {
    int done = 0;
    while (done < n) {
      long remaining = deadline - System.nanoTime();
      if (remaining <= 0) {
        throw new SocketTimeoutException("query not complete in time");
      }
      socket.setSoTimeout((int) Math.max(1, Math.min(Integer.MAX_VALUE, (remaining + 999_999) / 1_000_000)));
      int read = in.read(into, done, n - done);
      if (read < 0) {
        return false;
      }
      done += read;
    }
    return true;
  }

  @Override
  public void close() {
    closed = true;
    if (batched != null) {
      batched.close();
    }
    try {
      if (channel != null) {
        channel.close();
      }
      if (tcp != null) {
        tcp.close();
      }
    } catch (IOException e) {
      log.debug("closing the DNSBL server: {}", e.toString());
    }
    for (Thread t : threads) {
      try {
        t.join(2000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    if (batched != null) {
      batched.release();
    }
  }
}
