package org.portcullis.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.IntFunction;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * A scripted SMTP receiver on loopback, playing the next hop or another domain's MX: it answers
 * each transaction's end of data with the reply the test chooses (by transaction number), can
 * refuse recipients or whole clients, offers PIPELINING, DSN and STARTTLS when asked, and keeps
 * what it received with the client's address.
 */
public final class SmtpReceiver implements AutoCloseable {

  /**
   * One message as received.
   *
   * @param from the MAIL FROM argument as sent (path and parameters)
   * @param to the RCPT TO arguments accepted, as sent
   * @param data the message text, dot-unstuffed, LF line ends
   * @param client the address the connection came from
   * @param tls whether the connection was under TLS
   */
  public record Received(String from, List<String> to, String data, InetAddress client, boolean tls) {}

  private final ServerSocket server;
  private final Builder settings;
  private final AtomicInteger transactions = new AtomicInteger();
  private final AtomicInteger connections = new AtomicInteger();
  private final List<Received> received = new CopyOnWriteArrayList<>();
  private final List<String> commands = new CopyOnWriteArrayList<>();

  private SmtpReceiver(ServerSocket server, Builder settings) {
    this.server = server;
    this.settings = settings;
    Thread.ofVirtual().start(this::accept);
  }

  /** @param endOfDataReply the reply to the n-th transaction's end of data (n from 1) */
  public static SmtpReceiver start(IntFunction<String> endOfDataReply) throws IOException {
    return on(InetAddress.getLoopbackAddress(), 0).endOfData(endOfDataReply).start();
  }

  /** A receiver to configure, listening on {@code address} and {@code port} (0: any free port). */
  public static Builder on(InetAddress address, int port) {
    return new Builder(address, port);
  }

  /** How the receiver behaves. */
  public static final class Builder {
    private final InetAddress address;
    private final int port;
    private IntFunction<String> endOfData = n -> "250 2.0.0 Ok: queued as R" + n;
    private Function<String, String> rcpt = to -> "250 2.1.5 Ok";
    private Function<String, String> mail = from -> "250 2.1.0 Ok";
    private BiFunction<InetAddress, Integer, String> greeting = (client, n) -> "220 mx.remote.test ESMTP";
    private boolean pipelining;
    private boolean dsn;
    private Optional<SSLContext> tls = Optional.empty();
    private Optional<SSLContext> implicitTls = Optional.empty();
    private Optional<String[]> auth = Optional.empty();

    private Builder(InetAddress address, int port) {
      this.address = address;
      this.port = port;
    }

    public Builder endOfData(IntFunction<String> reply) {
      this.endOfData = reply;
      return this;
    }

    /** The reply to each RCPT TO, given its address (without brackets). */
    public Builder rcpt(Function<String, String> reply) {
      this.rcpt = reply;
      return this;
    }

    /** The reply to each MAIL FROM, given its path (without brackets; empty for the null sender). */
    public Builder mail(Function<String, String> reply) {
      this.mail = reply;
      return this;
    }

    /** The greeting, given the client's address and the connection's number (from 1). */
    public Builder greeting(BiFunction<InetAddress, Integer, String> reply) {
      this.greeting = reply;
      return this;
    }

    public Builder pipelining() {
      this.pipelining = true;
      return this;
    }

    public Builder dsn() {
      this.dsn = true;
      return this;
    }

    /** Offers STARTTLS with this server context. */
    public Builder starttls(SSLContext context) {
      this.tls = Optional.of(context);
      return this;
    }

    /** Speaks TLS from the first byte (port 465 style) with this server context. */
    public Builder implicitTls(SSLContext context) {
      this.implicitTls = Optional.of(context);
      return this;
    }

    /** Offers AUTH PLAIN and LOGIN, only over TLS, and refuses MAIL before a login as {@code user}. */
    public Builder auth(String user, String password) {
      this.auth = Optional.of(new String[] {user, password});
      return this;
    }

    public SmtpReceiver start() throws IOException {
      ServerSocket server = new ServerSocket();
      server.setReuseAddress(true);
      server.bind(new InetSocketAddress(address, port));
      return new SmtpReceiver(server, this);
    }
  }

  public InetSocketAddress address() {
    return new InetSocketAddress(server.getInetAddress(), server.getLocalPort());
  }

  /** Messages accepted (answered 2xx). */
  public List<Received> received() {
    return List.copyOf(received);
  }

  public int transactions() {
    return transactions.get();
  }

  public int connections() {
    return connections.get();
  }

  /** Every command line received, in order, over all connections. */
  public List<String> commands() {
    return List.copyOf(commands);
  }

  private void accept() {
    while (!server.isClosed()) {
      try {
        Socket socket = server.accept();
        Thread.ofVirtual().start(() -> session(socket));
      } catch (IOException e) {
        return;
      }
    }
  }

  private void session(Socket plain) {
    Socket socket = plain;
    try {
      InetAddress client = plain.getInetAddress();
      boolean tls = false;
      if (settings.implicitTls.isPresent()) {
        SSLSocket secure = (SSLSocket) settings.implicitTls.get().getSocketFactory()
            .createSocket(socket, client.getHostAddress(), socket.getPort(), true);
        secure.setUseClientMode(false);
        secure.startHandshake();
        socket = secure;
        tls = true;
      }
      boolean loggedIn = false;
      BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
      OutputStream out = socket.getOutputStream();
      String greeting = settings.greeting.apply(client, connections.incrementAndGet());
      write(out, greeting);
      if (!greeting.startsWith("220")) {
        return;
      }
      String from = null;
      List<String> to = new ArrayList<>();
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        commands.add(line);
        String upper = line.toUpperCase();
        if (upper.startsWith("EHLO")) {
          StringBuilder ehlo = new StringBuilder("250-mx.remote.test\r\n250-8BITMIME\r\n");
          if (settings.pipelining) {
            ehlo.append("250-PIPELINING\r\n");
          }
          if (settings.dsn) {
            ehlo.append("250-DSN\r\n");
          }
          if (settings.tls.isPresent() && !tls) {
            ehlo.append("250-STARTTLS\r\n");
          }
          if (settings.auth.isPresent() && tls) {
            ehlo.append("250-AUTH PLAIN LOGIN\r\n");
          }
          write(out, ehlo.append("250 SIZE 100000000").toString());
        } else if (upper.equals("STARTTLS") && settings.tls.isPresent() && !tls) {
          write(out, "220 2.0.0 Ready to start TLS");
          SSLSocket secure = (SSLSocket) settings.tls.get().getSocketFactory()
              .createSocket(socket, client.getHostAddress(), socket.getPort(), true);
          secure.setUseClientMode(false);
          secure.startHandshake();
          socket = secure;
          tls = true;
          in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
          out = socket.getOutputStream();
        } else if (upper.startsWith("AUTH ") && settings.auth.isPresent()) {
          String[] expected = settings.auth.get();
          String given;
          if (upper.startsWith("AUTH PLAIN ")) {
            given = new String(java.util.Base64.getDecoder().decode(line.substring(11).strip()), StandardCharsets.UTF_8);
          } else {
            write(out, "334 VXNlcm5hbWU6");
            String u = new String(java.util.Base64.getDecoder().decode(in.readLine().strip()), StandardCharsets.UTF_8);
            write(out, "334 UGFzc3dvcmQ6");
            String p = new String(java.util.Base64.getDecoder().decode(in.readLine().strip()), StandardCharsets.UTF_8);
            given = "\0" + u + "\0" + p;
          }
          loggedIn = tls && given.equals("\0" + expected[0] + "\0" + expected[1]);
          write(out, loggedIn ? "235 2.7.0 Authentication successful" : "535 5.7.8 Authentication credentials invalid");
        } else if (upper.startsWith("MAIL FROM:") && settings.auth.isPresent() && !loggedIn) {
          write(out, "530 5.7.0 Authentication required");
        } else if (upper.startsWith("MAIL FROM:")) {
          from = line.substring(10);
          to.clear();
          write(out, settings.mail.apply(from.substring(from.indexOf('<') + 1, Math.max(from.indexOf('<') + 1,
              from.indexOf('>')))));
        } else if (upper.startsWith("RCPT TO:")) {
          String arg = line.substring(8);
          String address = arg.substring(arg.indexOf('<') + 1, arg.indexOf('>'));
          String reply = settings.rcpt.apply(address);
          if (reply.startsWith("2")) {
            to.add(arg);
          }
          write(out, reply);
        } else if (upper.equals("DATA")) {
          if (to.isEmpty()) {
            write(out, "554 5.5.1 Error: no valid recipients");
            continue;
          }
          write(out, "354 go ahead");
          StringBuilder data = new StringBuilder();
          for (String d = in.readLine(); d != null && !d.equals("."); d = in.readLine()) {
            data.append(d.startsWith("..") ? d.substring(1) : d).append("\n");
          }
          String reply = settings.endOfData.apply(transactions.incrementAndGet());
          if (reply.startsWith("2")) {
            received.add(new Received(from, List.copyOf(to), data.toString(), client, tls));
          }
          write(out, reply);
        } else if (upper.equals("QUIT")) {
          write(out, "221 2.0.0 Bye");
          return;
        } else {
          write(out, "250 Ok");
        }
      }
    } catch (IOException e) {
      // client went away
    } finally {
      try {
        socket.close();
      } catch (IOException ignored) {
        // closing anyway
      }
    }
  }

  private static void write(OutputStream out, String reply) throws IOException {
    out.write((reply + "\r\n").getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  @Override
  public void close() throws IOException {
    server.close();
  }
}
