package org.portcullis.smtp;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.portcullis.mail.References;
import org.portcullis.policy.PolicyEngine;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SMTP listener: accepts connections and runs each {@link SmtpSession} on its own virtual
 * thread, within the total connection limit.
 *
 * <p>Lifecycle: {@link #start} binds and begins accepting; {@link #close} stops accepting and
 * drops open sessions (their unfinished transactions are not acknowledged, so nothing is lost).
 * Thread-safe.
 */
public final class SmtpServer implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger("portcullis.smtp");

  private final SmtpSettings settings;
  private final PolicyEngine engine;
  private final MessageAcceptance acceptance;
  private final ConnectionLimiter limiter;
  private final MemoryBudget memory;
  private final References queueIds;
  private final SmtpStats stats = new SmtpStats();
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private ServerSocket serverSocket;
  private Thread acceptor;
  private volatile boolean closed;

  /**
   * @param queueIds where queue ids come from; shared by every listener and the delivery service
   *     of one spool, so that ids never collide
   */
  public SmtpServer(SmtpSettings settings, PolicyEngine engine, MessageSink sink, References queueIds) {
    this(settings, engine, sink, queueIds, MessageSigner.NONE);
  }

  /** @param signer signs what the LAN and logged-in users send (DKIM) */
  public SmtpServer(SmtpSettings settings, PolicyEngine engine, MessageSink sink, References queueIds,
      MessageSigner signer) {
    this.settings = settings;
    this.engine = engine;
    this.acceptance = new MessageAcceptance(settings, sink, stats, signer);
    this.limiter = new ConnectionLimiter(settings.connectionsMax(), settings.connectionsPerClientMax(),
        settings.limits().connectionsPerNetworkMax(), settings.limits().connectionsReservedForLan());
    this.memory = new MemoryBudget(settings.dataMemoryMaxBytes());
    this.queueIds = queueIds;
  }

  /** Binds the listening socket and starts accepting. */
  public void start() throws IOException {
    serverSocket = new ServerSocket();
    serverSocket.setReuseAddress(true);
    serverSocket.bind(settings.listen(), 1024);
    acceptor = Thread.ofPlatform().name("smtp-accept-" + localAddress().getPort()).daemon(true).start(this::acceptLoop);
    log.info("{} listening on {}:{}", settings.submission().isEmpty() ? "SMTP" : implicitTls()
        ? "submission (implicit TLS)" : "submission", localAddress().getAddress().getHostAddress(),
        localAddress().getPort());
  }

  /** The bound address (useful with port 0). */
  public InetSocketAddress localAddress() {
    return (InetSocketAddress) serverSocket.getLocalSocketAddress();
  }

  public SmtpStats stats() {
    return stats;
  }

  /** Whether this is an implicit-TLS submission listener (TLS from the first byte). */
  public boolean implicitTls() {
    return settings.submission().map(SmtpSettings.Submission::implicitTls).orElse(false);
  }

  private void acceptLoop() {
    while (!closed) {
      Socket socket;
      try {
        socket = serverSocket.accept();
      } catch (IOException e) {
        if (!closed) {
          log.error("accept failed on {}", settings.listen(), e);
        }
        continue;
      }
      // The LAN's share: judged by the peer (behind a PROXY listener that is the proxy, which is trusted).
      boolean lan = engine.site().isLan(org.portcullis.mail.Addresses.unmap(socket.getInetAddress()));
      if (!limiter.acquireTotal(lan)) {
        stats.connectionRefused();
        Thread.ofVirtual().start(() -> refuseFull(socket));
        continue;
      }
      stats.sessionStarted();
      open.add(socket);
      SmtpSession session = new SmtpSession(socket, settings, engine, acceptance, limiter, memory, queueIds, stats);
      Thread.ofVirtual().name("smtp-session").start(() -> {
        try {
          session.run();
        } finally {
          open.remove(socket);
        }
      });
    }
  }

  /** The server is full: a plain 421 (it concerns the server, not the client, so no reference). */
  private void refuseFull(Socket socket) {
    try (socket) {
      socket.setSoTimeout(5000);
      OutputStream out = socket.getOutputStream();
      out.write((421 + " 4.7.0 " + settings.hostname() + " Error: too many connections; try again later\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      out.flush();
    } catch (IOException ignored) {
      // the client is gone
    }
  }

  @Override
  public void close() {
    closed = true;
    try {
      if (serverSocket != null) {
        serverSocket.close();
      }
    } catch (IOException ignored) {
      // closing anyway
    }
    for (Socket socket : open) {
      try {
        socket.close();
      } catch (IOException ignored) {
        // closing anyway
      }
    }
    if (acceptor != null) {
      try {
        acceptor.join(5000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
