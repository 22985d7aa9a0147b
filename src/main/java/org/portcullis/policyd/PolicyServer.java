package org.portcullis.policyd;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Postfix policy service (default 127.0.0.1:10030): Postfix's {@code check_policy_service}
 * connects, sends {@code name=value} lines and an empty line, and reads {@code action=...} and an
 * empty line; many requests per connection, pipelined or not. One platform thread per connection
 * (Postfix keeps a few long-lived connections, one per smtpd process; a platform thread blocked in
 * read() is the cheapest way to wait on one).
 *
 * <p>Limits: a line is at most 4096 bytes, a request at most 128 attributes; past them, or on a
 * line without {@code =}, the request is malformed: it is logged, answered {@code action=DUNNO}
 * (Postfix goes on with its own restrictions) and, for an oversize line, the connection is closed
 * because the stream can no longer be trusted. Idle connections close after the timeout.
 */
public final class PolicyServer implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger("portcullis.policyd");
  static final int LINE_MAX = 4096;
  static final int ATTRIBUTES_MAX = 128;

  private final PolicyResponder responder;
  private final ServerSocket server;
  private final Duration idleTimeout;
  private final Semaphore slots;
  private final LongAdder requests = new LongAdder();
  private final Set<Connection> connections = ConcurrentHashMap.newKeySet();
  private volatile boolean closed;

  /** An open connection and when it last sent a line. */
  private static final class Connection {
    final Socket socket;
    volatile long lastActive = System.nanoTime();

    Connection(Socket socket) {
      this.socket = socket;
    }
  }

  private PolicyServer(PolicyResponder responder, ServerSocket server, Duration idleTimeout, int connectionsMax) {
    this.responder = responder;
    this.server = server;
    this.idleTimeout = idleTimeout;
    this.slots = new Semaphore(connectionsMax);
  }

  public static PolicyServer start(PolicyResponder responder, InetSocketAddress listen, Duration idleTimeout,
      int connectionsMax) throws IOException {
    ServerSocket socket = new ServerSocket();
    socket.setReuseAddress(true);
    try {
      socket.bind(listen, 256);
    } catch (IOException e) {
      socket.close();
      throw new IOException("cannot bind the policy service on " + listen.getAddress().getHostAddress() + ":"
          + listen.getPort() + ": " + e.getMessage(), e);
    }
    PolicyServer s = new PolicyServer(responder, socket, idleTimeout, connectionsMax);
    Thread.ofVirtual().name("policyd-accept").start(s::accept);
    Thread.ofPlatform().name("policyd-idle").daemon(true).start(s::closeIdle);
    log.info("policy service on {}:{}", listen.getAddress().getHostAddress(), socket.getLocalPort());
    return s;
  }

  public int port() {
    return server.getLocalPort();
  }

  public long requests() {
    return requests.sum();
  }

  private void accept() {
    while (!closed) {
      try {
        Socket socket = server.accept();
        if (!slots.tryAcquire()) {
          log.warn("policy service: too many connections; closing one from {}", socket.getInetAddress().getHostAddress());
          socket.close();
          continue;
        }
        Thread.ofPlatform().name("policyd").daemon(true).start(() -> {
          try (socket) {
            serve(socket);
          } catch (IOException e) {
            log.debug("policy connection ended: {}", e.toString());
          } finally {
            slots.release();
          }
        });
      } catch (IOException e) {
        if (!closed) {
          log.warn("policy service accept failed: {}", e.toString());
        }
      }
    }
  }

  private void serve(Socket socket) throws IOException {
    // No SO_TIMEOUT: with one, every blocking read costs a poll() as well; idle connections are
    // closed by the reaper instead.
    Connection connection = new Connection(socket);
    connections.add(connection);
    try {
      serve(socket, connection);
    } finally {
      connections.remove(connection);
    }
  }

  private void serve(Socket socket, Connection connection) throws IOException {
    InputStream in = new java.io.BufferedInputStream(socket.getInputStream());
    OutputStream out = new BufferedOutputStream(socket.getOutputStream());
    byte[] line = new byte[LINE_MAX];
    PolicyRequest request = new PolicyRequest();
    String problem = null;
    while (!closed) {
      int length;
      try {
        length = readLine(in, line);
      } catch (SocketException e) {
        return; // closed by the idle reaper, or reset by the client
      }
      connection.lastActive = System.nanoTime();
      if (length == -1) {
        return;
      }
      if (length == -2) {
        log.warn("policy request from {}: a line longer than {} bytes; answering DUNNO and closing",
            socket.getInetAddress().getHostAddress(), LINE_MAX);
        reply(out, "DUNNO");
        // Half-close and discard what the client is still sending, so that our answer is not lost
        // to a reset when the socket closes with unread input.
        socket.shutdownOutput();
        drain(in, socket);
        return;
      }
      if (length > 0) {
        String text = new String(line, 0, length, StandardCharsets.UTF_8);
        int eq = text.indexOf('=');
        if (eq <= 0) {
          problem = "a line without name=value";
        } else if (request.size() >= ATTRIBUTES_MAX) {
          problem = "more than " + ATTRIBUTES_MAX + " attributes";
        } else {
          request.put(text.substring(0, eq), text.substring(eq + 1));
        }
        continue;
      }
      // An empty line ends the request; an empty line before any attribute is ignored.
      if (request.size() == 0 && problem == null) {
        continue;
      }
      requests.increment();
      String action;
      if (problem != null) {
        log.warn("malformed policy request from {}: {}; answering DUNNO", socket.getInetAddress().getHostAddress(), problem);
        action = "DUNNO";
      } else {
        try {
          action = responder.answer(request);
        } catch (PolicyResponder.MalformedRequest e) {
          log.warn("malformed policy request from {}: {}; answering DUNNO", socket.getInetAddress().getHostAddress(),
              e.getMessage());
          action = "DUNNO";
        } catch (RuntimeException e) {
          // Unknown is never yes: a failure defers, as a timed-out check does at the gateway.
          log.warn("policy request failed", e);
          action = "DEFER_IF_PERMIT 4.3.0 Temporary policy failure";
        }
      }
      reply(out, action);
      request = new PolicyRequest();
      problem = null;
    }
  }

  /** Closes connections idle for longer than the timeout, checking a few times per timeout. */
  private void closeIdle() {
    long period = Math.max(50, Math.min(1000, idleTimeout.toMillis() / 4));
    while (!closed) {
      try {
        Thread.sleep(period);
      } catch (InterruptedException e) {
        return;
      }
      long now = System.nanoTime();
      for (Connection c : connections) {
        if (now - c.lastActive > idleTimeout.toNanos()) {
          log.debug("policy connection from {} idle for {} s; closing", c.socket.getInetAddress().getHostAddress(),
              idleTimeout.toSeconds());
          try {
            c.socket.close();
          } catch (IOException e) {
            // closing anyway
          }
        }
      }
    }
  }

  private static void drain(InputStream in, Socket socket) throws IOException {
    socket.setSoTimeout(1000);
    byte[] sink = new byte[8192];
    long total = 0;
    try {
      int n;
      while (total < 1_048_576 && (n = in.read(sink)) != -1) {
        total += n;
      }
    } catch (SocketTimeoutException e) {
      // the client stopped sending; close now
    }
  }

  private static void reply(OutputStream out, String action) throws IOException {
    out.write(("action=" + action + "\n\n").getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  /** Reads one LF-terminated line (CR stripped): its length, -1 at end of stream, -2 if too long. */
  private static int readLine(InputStream in, byte[] buffer) throws IOException {
    int n = 0;
    while (true) {
      int b = in.read();
      if (b == -1) {
        return -1;
      }
      if (b == '\n') {
        return n > 0 && buffer[n - 1] == '\r' ? n - 1 : n;
      }
      if (n == buffer.length) {
        return -2;
      }
      buffer[n++] = (byte) b;
    }
  }

  @Override
  public void close() {
    closed = true;
    try {
      server.close();
    } catch (IOException e) {
      // closing at shutdown
    }
    for (Connection c : connections) {
      try {
        c.socket.close();
      } catch (IOException e) {
        // closing at shutdown
      }
    }
  }
}
