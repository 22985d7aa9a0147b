package org.portcullis.bench;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * The internal mail server behind the gateway for the recipient-verification benchmark: it takes
 * every message (and forgets it) and says 550 to RCPT for {@code nobody@}, so that a run can prove
 * the gateway asked it. Like {@code smtp-sink}, but with that one refusal.
 *
 * <pre>
 * BenchRelay port
 * </pre>
 */
public final class BenchRelay {

  private BenchRelay() {}

  public static void main(String[] args) throws Exception {
    int port = Integer.parseInt(args[0]);
    try (ServerSocket server = new ServerSocket(port, 1024, InetAddress.getLoopbackAddress())) {
      System.out.println("bench relay ready on 127.0.0.1:" + port);
      while (true) {
        Socket client = server.accept();
        Thread.ofVirtual().start(() -> serve(client));
      }
    }
  }

  private static void serve(Socket client) {
    try (client) {
      InputStream in = new BufferedInputStream(client.getInputStream());
      OutputStream out = client.getOutputStream();
      say(out, "220 internal.example.test ESMTP bench relay");
      String line;
      while ((line = line(in)) != null) {
        String upper = line.toUpperCase(Locale.ROOT);
        if (upper.startsWith("EHLO")) {
          say(out, "250-internal.example.test\r\n250-PIPELINING\r\n250 8BITMIME");
        } else if (upper.startsWith("HELO") || upper.startsWith("MAIL") || upper.startsWith("RSET")
            || upper.startsWith("NOOP")) {
          say(out, "250 2.0.0 Ok");
        } else if (upper.startsWith("RCPT")) {
          say(out, upper.contains("<NOBODY@") ? "550 5.1.1 User unknown" : "250 2.1.5 Ok");
        } else if (upper.equals("DATA")) {
          say(out, "354 End data with <CR><LF>.<CR><LF>");
          String text;
          while ((text = line(in)) != null && !text.equals(".")) {
            // the message is forgotten
          }
          say(out, "250 2.0.0 Ok: queued");
        } else if (upper.equals("QUIT")) {
          say(out, "221 2.0.0 Bye");
          return;
        } else {
          say(out, "502 5.5.2 Error: command not recognized");
        }
      }
    } catch (IOException e) {
      // the client went away
    }
  }

  private static void say(OutputStream out, String reply) throws IOException {
    out.write((reply + "\r\n").getBytes(StandardCharsets.US_ASCII));
    out.flush();
  }

  private static String line(InputStream in) throws IOException {
    StringBuilder line = new StringBuilder();
    int b;
    while ((b = in.read()) >= 0 && b != '\n') {
      if (b != '\r') {
        line.append((char) b);
      }
    }
    return b < 0 && line.isEmpty() ? null : line.toString();
  }
}
