package org.portcullis.smtp;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.portcullis.mail.EnhancedStatus;
import org.portcullis.mail.SmtpReply;
import org.portcullis.policy.RecordedRefusal;
import org.portcullis.policy.SessionPolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One connection's input and output: the bounded line reader, buffered replies, the client's
 * error count (Postfix's {@code smtpd_hard_error_limit}) and whether the session is closing, and
 * the switch to TLS. Replies wait in the buffer until {@link #flush}. Not thread-safe.
 */
final class SessionWire {

  private static final Logger log = LoggerFactory.getLogger("portcullis.smtp");

  private final Socket socket;
  private final SmtpInput input;
  private final Line line = new Line(1024);
  private final String hostname;
  private final int errorsMax;
  private OutputStream output;
  private Supplier<String> clientText = () -> "unknown";
  private int errors;
  private boolean closing;

  SessionWire(Socket socket, String hostname, int errorsMax) throws IOException {
    this.socket = socket;
    this.hostname = hostname;
    this.errorsMax = errorsMax;
    this.input = new SmtpInput(socket);
    this.output = new BufferedOutputStream(socket.getOutputStream(), 2048);
  }

  /** How log lines name the client, once the session knows it. */
  void describeClientAs(Supplier<String> text) {
    this.clientText = text;
  }

  SmtpInput input() {
    return input;
  }

  /** The line buffer, reused for every command and message line. */
  Line line() {
    return line;
  }

  void reply(SmtpReply reply) throws IOException {
    output.write(reply.wire(true).getBytes(StandardCharsets.US_ASCII));
  }

  /** A reply to a client mistake: counted, and past the limit the session says 421 and closes. */
  void clientError(SmtpReply reply) throws IOException {
    reply(reply);
    countError();
  }

  void countError() throws IOException {
    errors++;
    if (errors >= errorsMax && !closing) {
      log.info("too many errors ({}) from {}; disconnecting", errors, clientText.get());
      reply(SmtpReply.of(421, EnhancedStatus.parse("4.7.0"), hostname + " Error: too many errors"));
      closing = true;
    }
  }

  /**
   * Sends a policy refusal if the decision is one (closing for a disconnect, counting an error
   * otherwise); returns whether it was.
   */
  boolean refused(SessionPolicy.Decision decision) throws IOException {
    if (!(decision instanceof SessionPolicy.Decision.Refused refused)) {
      return false;
    }
    RecordedRefusal refusal = refused.refusal();
    reply(refusal.reply());
    if (refusal.disconnects()) {
      close();
    } else {
      countError();
    }
    return true;
  }

  int errors() {
    return errors;
  }

  /** Ends the command loop after the replies already written. */
  void close() {
    closing = true;
  }

  boolean closing() {
    return closing;
  }

  void flush() throws IOException {
    output.flush();
  }

  /** Flushes if the socket is still open; a client that is gone is not an error here. */
  void flushQuietly() {
    try {
      if (!socket.isClosed()) {
        output.flush();
      }
    } catch (IOException ignored) {
      // the client is gone
    }
  }

  /** Sends a last reply (timeout, internal error) if the client is still there. */
  void tryReply(SmtpReply reply) {
    try {
      if (!socket.isClosed()) {
        reply(reply);
        output.flush();
      }
    } catch (IOException ignored) {
      // the client is gone
    }
  }

  /**
   * Runs the TLS handshake as the server on this connection and carries on over TLS.
   *
   * @return the negotiated protocol and cipher ({@code "TLSv1.3 with cipher TLS_AES_128_GCM_SHA256"}),
   *     or empty (logged) if the handshake failed
   */
  Optional<String> startTls(SSLContext context, String peerHost, Duration handshakeTimeout) throws IOException {
    SSLSocket tls = (SSLSocket) context.getSocketFactory().createSocket(socket, peerHost, socket.getPort(), true);
    tls.setUseClientMode(false);
    tls.setSoTimeout((int) handshakeTimeout.toMillis());
    try {
      tls.startHandshake();
    } catch (IOException e) {
      log.info("TLS handshake failed with {}: {}", clientText.get(), e.getMessage());
      return Optional.empty();
    }
    input.replaceSocket(tls);
    output = new BufferedOutputStream(tls.getOutputStream(), 2048);
    return Optional.of(tls.getSession().getProtocol() + " with cipher " + tls.getSession().getCipherSuite());
  }
}
