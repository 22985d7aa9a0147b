package org.portcullis.bench;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * A stand-in for spamd for the scanner benchmark: it speaks SPAMC/1.5 (SYMBOLS for Portcullis,
 * PROCESS and CHECK for spamc, which spamass-milter runs), answers every message as ham after a
 * fixed delay (spamd's measured time per message here, 70 ms), or never answers ({@code hang}).
 * So both gateways wait the same time for the same scanner and the figure is the gateway's.
 *
 * <pre>
 * BenchSpamd port delayMillis|hang
 * </pre>
 */
public final class BenchSpamd {

  private BenchSpamd() {}

  public static void main(String[] args) throws Exception {
    int port = Integer.parseInt(args[0]);
    boolean hang = args[1].equals("hang");
    long delay = hang ? 0 : Long.parseLong(args[1]);
    try (ServerSocket server = new ServerSocket(port, 1024, InetAddress.getLoopbackAddress())) {
      System.out.println("bench spamd ready on 127.0.0.1:" + port + (hang ? ", never answering" : ", " + delay
          + " ms per message"));
      while (true) {
        Socket client = server.accept();
        Thread.ofVirtual().start(() -> serve(client, delay, hang));
      }
    }
  }

  private static void serve(Socket client, long delay, boolean hang) {
    try (client; InputStream in = client.getInputStream(); OutputStream out = client.getOutputStream()) {
      String requestLine = line(in);
      long length = -1;
      for (String header; !(header = line(in)).isEmpty(); ) {
        if (header.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
          length = Long.parseLong(header.substring("content-length:".length()).strip());
        }
      }
      byte[] message = length >= 0 ? in.readNBytes((int) length) : in.readAllBytes();
      if (hang) {
        Thread.sleep(Long.MAX_VALUE);
      }
      Thread.sleep(delay);
      String verb = requestLine.split(" ")[0];
      String spam = "Spam: False ; 0.4 / 5.0\r\n";
      byte[] body = switch (verb) {
        case "SYMBOLS" -> "NO_RELAYS".getBytes(StandardCharsets.US_ASCII);
        case "PROCESS" -> {
          ByteArrayOutputStream b = new ByteArrayOutputStream();
          b.write(("X-Spam-Checker-Version: SpamAssassin 4.0.1 (bench stand-in)\r\nX-Spam-Level: \r\n"
              + "X-Spam-Status: No, score=0.4 required=5.0 tests=NO_RELAYS autolearn=no\r\n")
              .getBytes(StandardCharsets.US_ASCII));
          b.write(message);
          yield b.toByteArray();
        }
        default -> new byte[0];
      };
      String head = "SPAMD/1.1 0 EX_OK\r\n" + (body.length > 0 || verb.equals("PROCESS") ? "Content-length: "
          + body.length + "\r\n" : "") + spam + "\r\n";
      out.write(head.getBytes(StandardCharsets.US_ASCII));
      out.write(body);
      out.flush();
    } catch (IOException | InterruptedException | RuntimeException e) {
      // the client went away
    }
  }

  private static String line(InputStream in) throws IOException {
    StringBuilder line = new StringBuilder();
    for (int c; (c = in.read()) >= 0 && c != '\n'; ) {
      if (c != '\r') {
        line.append((char) c);
      }
    }
    return line.toString();
  }
}
