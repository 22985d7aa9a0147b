package org.portcullis.scan;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A scanner that misbehaves on purpose, on a real loopback (or Unix) socket: each connection is
 * handed to the current {@link Behaviour} on its own virtual thread. {@link #close} releases every
 * connection still held.
 */
final class FakeScanner implements AutoCloseable {

  /** What the fake does with one connection. */
  interface Behaviour {
    void serve(SocketChannel connection, FakeScanner fake) throws Exception;
  }

  private final ServerSocketChannel server;
  private final AtomicReference<Behaviour> behaviour;
  private final AtomicInteger connections = new AtomicInteger();
  private final List<SocketChannel> open = new CopyOnWriteArrayList<>();
  private final List<byte[]> requests = new CopyOnWriteArrayList<>();
  /** Released by {@link #close}: behaviours that hang wait on it. */
  final CountDownLatch released = new CountDownLatch(1);

  private FakeScanner(ServerSocketChannel server, Behaviour behaviour) {
    this.server = server;
    this.behaviour = new AtomicReference<>(behaviour);
    Thread.ofVirtual().start(this::accept);
  }

  static FakeScanner tcp(Behaviour behaviour) throws IOException {
    ServerSocketChannel server = ServerSocketChannel.open();
    server.bind(new InetSocketAddress("127.0.0.1", 0));
    return new FakeScanner(server, behaviour);
  }

  static FakeScanner unix(Path socket, Behaviour behaviour) throws IOException {
    ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    server.bind(UnixDomainSocketAddress.of(socket));
    return new FakeScanner(server, behaviour);
  }

  ScannerAddress address() throws IOException {
    return new ScannerAddress(server.getLocalAddress());
  }

  void behave(Behaviour next) {
    behaviour.set(next);
  }

  /** Connections accepted so far. */
  int connections() {
    return connections.get();
  }

  /** What each connection sent, for behaviours that {@link #record} it. */
  List<byte[]> requests() {
    return requests;
  }

  void record(byte[] request) {
    requests.add(request);
  }

  private void accept() {
    while (server.isOpen()) {
      try {
        SocketChannel c = server.accept();
        connections.incrementAndGet();
        open.add(c);
        Behaviour b = behaviour.get();
        Thread.ofVirtual().start(() -> {
          try (c) {
            b.serve(c, this);
          } catch (Exception e) {
            // the client went away, or the fake was closed
          }
        });
      } catch (IOException e) {
        return;
      }
    }
  }

  /** Reads until the client shuts its side (spamd's request) or {@code max} octets. */
  static byte[] readAll(SocketChannel c, int max) throws IOException {
    ByteBuffer buffer = ByteBuffer.allocate(max);
    while (buffer.hasRemaining() && c.read(buffer) >= 0) {
      // keep reading
    }
    return java.util.Arrays.copyOf(buffer.array(), buffer.position());
  }

  static void write(SocketChannel c, String text) throws IOException {
    ByteBuffer b = ByteBuffer.wrap(text.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
    while (b.hasRemaining()) {
      c.write(b);
    }
  }

  @Override
  public void close() throws IOException {
    released.countDown();
    server.close();
    for (SocketChannel c : open) {
      c.close();
    }
  }
}
