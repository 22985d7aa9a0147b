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
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

/**
 * A scripted SMTP receiver on loopback, playing the next hop: it answers each transaction's end of
 * data with the reply the test chooses (by transaction number) and keeps what it received.
 */
public final class SmtpReceiver implements AutoCloseable {

  /** One message as received. */
  public record Received(String from, List<String> to, String data) {}

  private final ServerSocket server;
  private final IntFunction<String> endOfDataReply;
  private final AtomicInteger transactions = new AtomicInteger();
  private final List<Received> received = new CopyOnWriteArrayList<>();

  private SmtpReceiver(ServerSocket server, IntFunction<String> endOfDataReply) {
    this.server = server;
    this.endOfDataReply = endOfDataReply;
    Thread.ofVirtual().start(this::accept);
  }

  /** @param endOfDataReply the reply to the n-th transaction's end of data (n from 1) */
  public static SmtpReceiver start(IntFunction<String> endOfDataReply) throws IOException {
    ServerSocket server = new ServerSocket();
    server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    return new SmtpReceiver(server, endOfDataReply);
  }

  public InetSocketAddress address() {
    return new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort());
  }

  /** Messages accepted (answered 2xx). */
  public List<Received> received() {
    return List.copyOf(received);
  }

  public int transactions() {
    return transactions.get();
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

  private void session(Socket socket) {
    try (socket) {
      BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
      OutputStream out = socket.getOutputStream();
      write(out, "220 next-hop.example.test ESMTP");
      String from = null;
      List<String> to = new CopyOnWriteArrayList<>();
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        String upper = line.toUpperCase();
        if (upper.startsWith("EHLO")) {
          write(out, "250-next-hop.example.test\r\n250-8BITMIME\r\n250 SIZE 100000000");
        } else if (upper.startsWith("MAIL FROM:")) {
          from = line.substring(10);
          to.clear();
          write(out, "250 2.1.0 Ok");
        } else if (upper.startsWith("RCPT TO:")) {
          to.add(line.substring(8));
          write(out, "250 2.1.5 Ok");
        } else if (upper.equals("DATA")) {
          write(out, "354 go ahead");
          StringBuilder data = new StringBuilder();
          for (String d = in.readLine(); d != null && !d.equals("."); d = in.readLine()) {
            data.append(d.startsWith("..") ? d.substring(1) : d).append("\n");
          }
          String reply = endOfDataReply.apply(transactions.incrementAndGet());
          if (reply.startsWith("2")) {
            received.add(new Received(from, List.copyOf(to), data.toString()));
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
