package org.portcullis.testing;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A raw-socket SMTP client for protocol tests: sends exactly the bytes given, reads whole replies,
 * and can bind to any 127.x.y.z source address to play a different sender.
 */
public final class SmtpTestClient implements AutoCloseable {

  private final Socket socket;
  private InputStream in;
  private OutputStream out;

  private SmtpTestClient(Socket socket) throws IOException {
    this.socket = socket;
    this.in = new BufferedInputStream(socket.getInputStream());
    this.out = socket.getOutputStream();
  }

  public static SmtpTestClient connect(InetSocketAddress server, String sourceAddress) throws IOException {
    Socket socket = new Socket();
    socket.setSoTimeout(20_000);
    socket.bind(new InetSocketAddress(InetAddress.ofLiteral(sourceAddress), 0));
    socket.connect(server, 5000);
    return new SmtpTestClient(socket);
  }

  public static SmtpTestClient connect(InetSocketAddress server) throws IOException {
    return connect(server, "127.0.0.1");
  }

  /** Reads one whole reply (all lines of a multi-line reply), joined with newlines. */
  public String reply() throws IOException {
    List<String> lines = new ArrayList<>();
    while (true) {
      String line = readLine();
      if (line == null) {
        return lines.isEmpty() ? null : String.join("\n", lines);
      }
      lines.add(line);
      if (line.length() < 4 || line.charAt(3) != '-') {
        return String.join("\n", lines);
      }
    }
  }

  /** Sends a command (CRLF added) and returns the reply. */
  public String send(String command) throws IOException {
    write(command + "\r\n");
    return reply();
  }

  /** Sends raw text without waiting for anything. */
  public void write(String raw) throws IOException {
    write(raw.getBytes(StandardCharsets.UTF_8));
  }

  public void write(byte[] raw) throws IOException {
    out.write(raw);
    out.flush();
  }

  /** Greeting, EHLO, MAIL, RCPT; returns the last reply. */
  public String startTransaction(String helo, String from, String to) throws IOException {
    String reply = send("EHLO " + helo);
    if (!reply.startsWith("250")) {
      return reply;
    }
    reply = send("MAIL FROM:<" + from + ">");
    if (!reply.startsWith("250")) {
      return reply;
    }
    return send("RCPT TO:<" + to + ">");
  }

  /** DATA, the text (dot-stuffing left to the caller), the end-of-data dot; returns the final reply. */
  public String data(String text) throws IOException {
    String go = send("DATA");
    if (!go.startsWith("354")) {
      return go;
    }
    write(text.endsWith("\r\n") ? text + ".\r\n" : text + "\r\n.\r\n");
    return reply();
  }

  /** True once the server has closed the connection (reads until EOF, at most the timeout). */
  public boolean closedByServer() {
    try {
      while (true) {
        int b = in.read();
        if (b < 0) {
          return true;
        }
      }
    } catch (IOException e) {
      return e instanceof java.net.SocketException;
    }
  }

  /** Switches to TLS after a 220 to STARTTLS (trusting any certificate, as MTAs do). */
  public void startTls() throws IOException {
    try {
      javax.net.ssl.SSLContext context = javax.net.ssl.SSLContext.getInstance("TLS");
      context.init(null, new javax.net.ssl.TrustManager[] {new TrustAll()}, null);
      javax.net.ssl.SSLSocket tls = (javax.net.ssl.SSLSocket) context.getSocketFactory()
          .createSocket(socket, "localhost", socket.getPort(), true);
      tls.setUseClientMode(true);
      tls.startHandshake();
      in = new BufferedInputStream(tls.getInputStream());
      out = tls.getOutputStream();
    } catch (java.security.GeneralSecurityException e) {
      throw new IOException(e);
    }
  }

  private String readLine() throws IOException {
    StringBuilder line = new StringBuilder();
    while (true) {
      int b = in.read();
      if (b < 0) {
        return line.isEmpty() ? null : line.toString();
      }
      if (b == '\n') {
        int n = line.length();
        if (n > 0 && line.charAt(n - 1) == '\r') {
          line.setLength(n - 1);
        }
        return line.toString();
      }
      line.append((char) b);
    }
  }

  public Socket socket() {
    return socket;
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }

  private static final class TrustAll implements javax.net.ssl.X509TrustManager {
    @Override
    public void checkClientTrusted(java.security.cert.X509Certificate[] chain, String authType) {}

    @Override
    public void checkServerTrusted(java.security.cert.X509Certificate[] chain, String authType) {}

    @Override
    public java.security.cert.X509Certificate[] getAcceptedIssuers() {
      return new java.security.cert.X509Certificate[0];
    }
  }
}
