package org.portcullis.blocklist.server;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.util.Locale;
import java.util.concurrent.atomic.LongAdder;

/**
 * A UDP socket driven through Linux's {@code recvmmsg}/{@code sendmmsg} with the foreign-function
 * API: one system call receives up to {@link #BATCH} queries and one sends their answers, where
 * a {@code DatagramChannel} needs two calls (and an address object) per query. On a DNS server
 * whose work per query is a binary search, the system calls are where the time goes.
 *
 * <p>Linux on x86-64 or AArch64 only ({@link #supported}); the server falls back to a
 * {@code DatagramChannel} elsewhere. Several threads may call {@link #serve} on one socket; each
 * has its own buffers. A receive timeout of 250 ms lets the threads notice {@link #close}.
 */
final class BatchedUdpSocket implements AutoCloseable {

  static final int BATCH = 64;
  private static final int BUFFER = 4096;
  private static final int NAME = 32;
  private static final int MMSGHDR = 64;
  private static final int IOVEC = 16;
  private static final int AF_INET = 2;
  private static final int AF_INET6 = 10;
  private static final int SOCK_DGRAM = 2;
  private static final int SOL_SOCKET = 1;
  private static final int SO_SNDBUF = 7;
  private static final int SO_RCVBUF = 8;
  private static final int SO_RCVTIMEO = 20;
  private static final int MSG_WAITFORONE = 0x10000;
  private static final int EINTR = 4;
  private static final int EAGAIN = 11;

  private static final Linker LINKER = Linker.nativeLinker();
  private static final StructLayout CAPTURE = Linker.Option.captureStateLayout();
  private static final VarHandle ERRNO = CAPTURE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
  private static final MethodHandle SOCKET = call("socket", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
  private static final MethodHandle SETSOCKOPT = call("setsockopt",
      FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
  private static final MethodHandle BIND = call("bind", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
  private static final MethodHandle GETSOCKNAME = call("getsockname",
      FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));
  private static final MethodHandle RECVMMSG = call("recvmmsg",
      FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, ADDRESS));
  private static final MethodHandle SENDMMSG = call("sendmmsg",
      FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT));
  private static final MethodHandle CLOSE = call("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT));

  private final int fd;
  private final InetSocketAddress local;
  private volatile boolean closed;
  final LongAdder queries = new LongAdder();
  final LongAdder batches = new LongAdder();

  private BatchedUdpSocket(int fd, InetSocketAddress local) {
    this.fd = fd;
    this.local = local;
  }

  /** Whether this platform has the calls and struct layouts this class assumes. */
  static boolean supported() {
    String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
    String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
    return os.equals("linux") && (arch.equals("amd64") || arch.equals("x86_64") || arch.equals("aarch64"))
        && SOCKET != null && RECVMMSG != null && SENDMMSG != null;
  }

  private static MethodHandle call(String name, FunctionDescriptor descriptor) {
    return LINKER.defaultLookup().find(name)
        .map(symbol -> LINKER.downcallHandle(symbol, descriptor, Linker.Option.captureCallState("errno")))
        .orElse(null);
  }

  /** Opens and binds a UDP socket. */
  static BatchedUdpSocket bind(InetSocketAddress address) throws IOException {
    boolean v6 = address.getAddress() instanceof Inet6Address;
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment state = arena.allocate(CAPTURE);
      int fd = (int) SOCKET.invokeExact(state, v6 ? AF_INET6 : AF_INET, SOCK_DGRAM, 0);
      if (fd < 0) {
        throw new IOException("socket() failed, errno " + errno(state));
      }
      try {
        // No SO_REUSEADDR: on UDP it would let a second server bind the same port silently.
        setInt(arena, state, fd, SO_RCVBUF, 4 * 1024 * 1024);
        setInt(arena, state, fd, SO_SNDBUF, 4 * 1024 * 1024);
        MemorySegment timeout = arena.allocate(16);
        timeout.set(JAVA_LONG, 0, 0);
        timeout.set(JAVA_LONG, 8, 250_000);
        if ((int) SETSOCKOPT.invokeExact(state, fd, SOL_SOCKET, SO_RCVTIMEO, timeout, 16) != 0) {
          throw new IOException("setsockopt(SO_RCVTIMEO) failed, errno " + errno(state));
        }
        MemorySegment name = arena.allocate(NAME);
        int length = writeName(name, address);
        if ((int) BIND.invokeExact(state, fd, name, length) != 0) {
          int errno = errno(state);
          throw new IOException("cannot bind UDP " + text(address) + (errno == 98 ? ": address already in use"
              : errno == 13 ? ": permission denied (ports below 1024 need root or CAP_NET_BIND_SERVICE)" : ": errno " + errno));
        }
        MemorySegment bound = arena.allocate(NAME);
        MemorySegment boundLength = arena.allocate(JAVA_INT);
        boundLength.set(JAVA_INT, 0, NAME);
        if ((int) GETSOCKNAME.invokeExact(state, fd, bound, boundLength) != 0) {
          throw new IOException("getsockname() failed, errno " + errno(state));
        }
        int port = Short.toUnsignedInt(Short.reverseBytes(bound.get(JAVA_SHORT, 2)));
        return new BatchedUdpSocket(fd, new InetSocketAddress(address.getAddress(), port));
      } catch (IOException | RuntimeException e) {
        closeFd(fd);
        throw e;
      }
    } catch (IOException | RuntimeException | Error e) {
      throw e;
    } catch (Throwable e) {
      throw new IOException("native UDP socket: " + e, e);
    }
  }

  private static void setInt(Arena arena, MemorySegment state, int fd, int option, int value) throws Throwable {
    MemorySegment v = arena.allocate(JAVA_INT);
    v.set(JAVA_INT, 0, value);
    if ((int) SETSOCKOPT.invokeExact(state, fd, SOL_SOCKET, option, v, 4) != 0) {
      throw new IOException("setsockopt(" + option + ") failed, errno " + errno(state));
    }
  }

  static String text(InetSocketAddress address) {
    String host = address.getAddress().getHostAddress();
    return (host.contains(":") ? "[" + host + "]" : host) + ":" + address.getPort();
  }

  private static int writeName(MemorySegment name, InetSocketAddress address) {
    byte[] bytes = address.getAddress().getAddress();
    short port = Short.reverseBytes((short) address.getPort());
    if (bytes.length == 4) {
      name.set(JAVA_SHORT, 0, (short) AF_INET);
      name.set(JAVA_SHORT, 2, port);
      MemorySegment.copy(bytes, 0, name, JAVA_BYTE, 4, 4);
      return 16;
    }
    name.set(JAVA_SHORT, 0, (short) AF_INET6);
    name.set(JAVA_SHORT, 2, port);
    MemorySegment.copy(bytes, 0, name, JAVA_BYTE, 8, 16);
    return 28;
  }

  private static int errno(MemorySegment state) {
    return (int) ERRNO.get(state, 0L);
  }

  InetSocketAddress localAddress() {
    return local;
  }

  /**
   * Receives, answers and sends until {@link #close}: the calling thread's loop.
   *
   * @param answerer answers each query in place
   */
  void serve(ZoneAnswerer answerer) {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment state = arena.allocate(CAPTURE);
      MemorySegment recv = arena.allocate((long) MMSGHDR * BATCH, 8);
      MemorySegment send = arena.allocate((long) MMSGHDR * BATCH, 8);
      MemorySegment recvIov = arena.allocate((long) IOVEC * BATCH, 8);
      MemorySegment sendIov = arena.allocate((long) IOVEC * BATCH, 8);
      MemorySegment names = arena.allocate((long) NAME * BATCH, 8);
      MemorySegment buffers = arena.allocate((long) BUFFER * BATCH, 8);
      // Slices made once, so that filling in a reply allocates nothing.
      MemorySegment[] nameSlices = new MemorySegment[BATCH];
      MemorySegment[] bufferSlices = new MemorySegment[BATCH];
      MemorySegment[] sendSlices = new MemorySegment[BATCH];
      for (int i = 0; i < BATCH; i++) {
        nameSlices[i] = names.asSlice((long) i * NAME, NAME);
        bufferSlices[i] = buffers.asSlice((long) i * BUFFER, BUFFER);
        sendSlices[i] = send.asSlice((long) i * MMSGHDR);
      }
      for (int i = 0; i < BATCH; i++) {
        recvIov.set(ADDRESS, (long) i * IOVEC, buffers.asSlice((long) i * BUFFER, BUFFER));
        recvIov.set(JAVA_LONG, (long) i * IOVEC + 8, BUFFER);
        long m = (long) i * MMSGHDR;
        recv.set(ADDRESS, m, names.asSlice((long) i * NAME, NAME));
        recv.set(ADDRESS, m + 16, recvIov.asSlice((long) i * IOVEC, IOVEC));
        recv.set(JAVA_LONG, m + 24, 1);
        send.set(ADDRESS, m + 16, sendIov.asSlice((long) i * IOVEC, IOVEC));
        send.set(JAVA_LONG, m + 24, 1);
      }
      byte[] packet = new byte[BUFFER];
      while (!closed) {
        for (int i = 0; i < BATCH; i++) {
          recv.set(JAVA_INT, (long) i * MMSGHDR + 8, NAME);
        }
        int received = (int) RECVMMSG.invokeExact(state, fd, recv, BATCH, MSG_WAITFORONE, MemorySegment.NULL);
        if (received <= 0) {
          int errno = errno(state);
          if (received < 0 && errno != EAGAIN && errno != EINTR && !closed) {
            Thread.sleep(10);
          }
          continue;
        }
        batches.increment();
        queries.add(received);
        int out = 0;
        for (int i = 0; i < received; i++) {
          long m = (long) i * MMSGHDR;
          int length = Math.min(recv.get(JAVA_INT, m + 56), BUFFER);
          long at = (long) i * BUFFER;
          MemorySegment.copy(buffers, JAVA_BYTE, at, packet, 0, length);
          int reply = answerer.answer(packet, length, BUFFER, false);
          if (reply == ZoneAnswerer.DROP) {
            continue;
          }
          MemorySegment.copy(packet, 0, buffers, JAVA_BYTE, at, reply);
          long s = (long) out * MMSGHDR;
          send.set(ADDRESS, s, nameSlices[i]);
          send.set(JAVA_INT, s + 8, recv.get(JAVA_INT, m + 8));
          sendIov.set(ADDRESS, (long) out * IOVEC, bufferSlices[i]);
          sendIov.set(JAVA_LONG, (long) out * IOVEC + 8, reply);
          out++;
        }
        int sent = 0;
        while (sent < out && !closed) {
          int n = (int) SENDMMSG.invokeExact(state, fd, sendSlices[sent], out - sent, 0);
          if (n < 0) {
            if (errno(state) == EINTR) {
              continue;
            }
            break; // a failed send (e.g. an unreachable client) is a lost datagram; the client retries
          }
          sent += n;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Throwable e) {
      if (!closed) {
        throw new IllegalStateException("UDP loop failed: " + e, e);
      }
    }
  }

  /** Asks the loops to stop; they leave within the receive timeout. Then call {@link #release}. */
  @Override
  public void close() {
    closed = true;
  }

  /** Closes the descriptor; call after every {@link #serve} loop has returned. */
  void release() {
    closeFd(fd);
  }

  private static void closeFd(int fd) {
    try (Arena arena = Arena.ofConfined()) {
      int ignored = (int) CLOSE.invokeExact(arena.allocate(CAPTURE), fd);
    } catch (Throwable e) {
      // nothing more to do at close
    }
  }
}
