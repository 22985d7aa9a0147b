package org.portcullis.delivery;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.portcullis.mail.EnhancedStatus;
import org.portcullis.mail.SmtpReply;

/**
 * A small SMTP client for handing messages to the next hop: replies are read whole (multi-line),
 * commands may be queued and sent together (PIPELINING), STARTTLS switches the connection to TLS,
 * DATA is dot-stuffed and line endings are CRLF. Not thread-safe; one per connection.
 */
final class SmtpClient implements Closeable {

  private static final int MAX_REPLY_LINES = 100;
  private static final int MAX_LINE = 4096;

  private Socket socket;
  private InputStream in;
  private OutputStream out;

  private SmtpClient(Socket socket) throws IOException {
    this.socket = socket;
    this.in = new BufferedInputStream(socket.getInputStream(), 8192);
    this.out = new BufferedOutputStream(socket.getOutputStream(), 16384);
  }

  static SmtpClient connect(InetSocketAddress address, Duration connectTimeout, Duration readTimeout)
      throws IOException {
    return connect(address, Optional.empty(), connectTimeout, readTimeout);
  }

  /** Connects from {@code source} (a local address to bind), or from the system's choice. */
  static SmtpClient connect(InetSocketAddress address, Optional<InetAddress> source, Duration connectTimeout,
      Duration readTimeout) throws IOException {
    Socket socket = new Socket();
    try {
      if (source.isPresent()) {
        socket.bind(new InetSocketAddress(source.get(), 0));
      }
      socket.connect(address, (int) connectTimeout.toMillis());
      socket.setSoTimeout((int) readTimeout.toMillis());
      socket.setTcpNoDelay(true);
      return new SmtpClient(socket);
    } catch (IOException e) {
      socket.close();
      throw e;
    }
  }

  SmtpReply command(String line) throws IOException {
    send(line);
    out.flush();
    return readReply();
  }

  /** Queues a command line without sending it yet (PIPELINING, RFC 2920); {@link #flush} sends. */
  void send(String line) throws IOException {
    out.write((line + "\r\n").getBytes(StandardCharsets.UTF_8));
  }

  void flush() throws IOException {
    out.flush();
  }

  /**
   * Runs the TLS handshake as the client after a 220 to STARTTLS; the caller says EHLO again.
   *
   * @param peerHost the name the server is known by (for SNI)
   */
  void startTls(SSLContext context, String peerHost) throws IOException {
    startTls(context, peerHost, false);
  }

  /** @param checkName whether the certificate must name {@code peerHost} (RFC 6125), beyond a trusted chain */
  void startTls(SSLContext context, String peerHost, boolean checkName) throws IOException {
    SSLSocket tls = (SSLSocket) context.getSocketFactory().createSocket(socket, peerHost, socket.getPort(), true);
    tls.setUseClientMode(true);
    if (checkName) {
      javax.net.ssl.SSLParameters parameters = tls.getSSLParameters();
      parameters.setEndpointIdentificationAlgorithm("HTTPS");
      tls.setSSLParameters(parameters);
    }
    tls.startHandshake();
    socket = tls;
    in = new BufferedInputStream(tls.getInputStream(), 8192);
    out = new BufferedOutputStream(tls.getOutputStream(), 16384);
  }

  /** The TLS protocol and cipher in use, if any. */
  Optional<String> tls() {
    return socket instanceof SSLSocket tls
        ? Optional.of(tls.getSession().getProtocol() + " with cipher " + tls.getSession().getCipherSuite())
        : Optional.empty();
  }

  /** The local address the connection comes from. */
  InetAddress localAddress() {
    return socket.getLocalAddress();
  }

  /**
   * Sends the message after a 354, dot-stuffed, and returns the final reply. The content has CRLF
   * line endings (the server stores it so).
   */
  SmtpReply data(byte[] content) throws IOException {
    boolean lineStart = true;
    for (byte b : content) {
      if (lineStart && b == '.') {
        out.write('.');
      }
      out.write(b);
      lineStart = b == '\n';
    }
    if (!lineStart) {
      out.write('\r');
      out.write('\n');
    }
    out.write(".\r\n".getBytes(StandardCharsets.US_ASCII));
    out.flush();
    return readReply();
  }

  SmtpReply readReply() throws IOException {
    List<String> lines = new ArrayList<>();
    int code = -1;
    while (lines.size() < MAX_REPLY_LINES) {
      String line = readLine();
      if (line.length() < 3) {
        throw new IOException("malformed SMTP reply line: " + line);
      }
      int lineCode;
      try {
        lineCode = Integer.parseInt(line.substring(0, 3));
      } catch (NumberFormatException e) {
        throw new IOException("malformed SMTP reply line: " + line, e);
      }
      if (code >= 0 && lineCode != code) {
        throw new IOException("inconsistent codes in multi-line reply: " + line);
      }
      code = lineCode;
      boolean more = line.length() > 3 && line.charAt(3) == '-';
      lines.add(line.length() > 4 ? line.substring(4) : "");
      if (!more) {
        return toReply(code, lines);
      }
    }
    throw new IOException("SMTP reply with more than " + MAX_REPLY_LINES + " lines");
  }

  private static SmtpReply toReply(int code, List<String> lines) {
    if (code < 200 || code > 599) {
      return new SmtpReply(451, Optional.empty(), List.of("invalid reply code " + code + ": " + String.join(" ", lines)));
    }
    Optional<EnhancedStatus> status = Optional.empty();
    String first = lines.getFirst();
    int space = first.indexOf(' ');
    if (space > 0 && code / 100 != 3) {
      try {
        EnhancedStatus parsed = EnhancedStatus.parse(first.substring(0, space));
        if (parsed.statusClass() == code / 100) {
          status = Optional.of(parsed);
        }
      } catch (IllegalArgumentException notAStatus) {
        // plain text
      }
    }
    // The status is kept apart from the text: each line that repeats it loses it, or every place
    // that shows the reply would say it twice ("554 5.7.1 5.7.1 ...").
    String prefix = status.map(st -> st + " ").orElse(null);
    List<String> clean = lines.stream().map(l -> l.replace('\r', ' ').replace('\n', ' '))
        .map(l -> prefix != null && l.startsWith(prefix) ? l.substring(prefix.length()) : l)
        .map(l -> l.isEmpty() ? " " : l).toList();
    return new SmtpReply(code, status, clean);
  }

  private String readLine() throws IOException {
    StringBuilder line = new StringBuilder(80);
    while (true) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("connection closed by the server");
      }
      if (b == '\n') {
        int len = line.length();
        if (len > 0 && line.charAt(len - 1) == '\r') {
          line.setLength(len - 1);
        }
        return line.toString();
      }
      if (line.length() >= MAX_LINE) {
        throw new IOException("SMTP reply line longer than " + MAX_LINE);
      }
      line.append((char) b);
    }
  }

  boolean isClosed() {
    return socket.isClosed();
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
