package org.portcullis.verify;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.portcullis.mail.LogText;

/**
 * One verification callout: connect, read the greeting, EHLO (HELO when refused),
 * {@code MAIL FROM:<>}, one {@code RCPT TO} per address, QUIT; never DATA, so nothing is ever
 * delivered (RFC 5321 4.5.5: the null sender is what bounces use, and every server must take it).
 * The other side's replies are a stranger's text: at most 4 kB a line, 100 lines a reply, 64 kB a
 * connection, control characters replaced, and the whole conversation within one deadline. Used by
 * the verifiers and by the diagnosis's callout check.
 */
public final class Callout {

  private static final int LINE_MAX = 4096;
  private static final int LINES_MAX = 100;
  private static final int CONNECTION_MAX = 64 * 1024;

  /**
   * How callouts are made.
   *
   * @param helo the name we greet with (our host name)
   * @param connectTimeout the longest one connection may take to open
   */
  public record Settings(String helo, Duration connectTimeout) {}

  /** One reply: its code and its lines joined, printable. */
  public record Reply(int code, String text) {
    public boolean positive() {
      return code / 100 == 2;
    }

    public boolean permanent() {
      return code / 100 == 5;
    }

    @Override
    public String toString() {
      return text;
    }
  }

  /** What a callout came to. */
  public sealed interface Outcome {
    /**
     * A server took the conversation as far as MAIL FROM: its reply, and (when that was positive)
     * the reply to each RCPT, in order.
     */
    record Answered(String host, Reply mailFrom, List<Reply> recipients) implements Outcome {}

    /** No server did: every one was unreachable, silent, refused the greeting or broke the protocol. */
    record Failed(String why) implements Outcome {}
  }

  private Callout() {}

  /**
   * Asks the first of {@code hosts} that greets about {@code recipients}; a host that cannot be
   * reached, does not greet with 220 or breaks off before MAIL FROM is answered moves on to the
   * next, as a delivery would.
   */
  public static Outcome ask(List<InetSocketAddress> hosts, Optional<InetAddress> source, List<String> recipients,
      Settings settings, long deadlineNanos) {
    List<String> why = new ArrayList<>();
    for (InetSocketAddress host : hosts) {
      if (System.nanoTime() >= deadlineNanos) {
        why.add("no time left");
        break;
      }
      String name = host.getAddress().getHostAddress() + ":" + host.getPort();
      try (Socket socket = new Socket()) {
        source.ifPresent(s -> bind(socket, s));
        long remaining = remainingMillis(deadlineNanos);
        socket.connect(host, (int) Math.max(1, Math.min(remaining, settings.connectTimeout().toMillis())));
        Conversation c = new Conversation(socket, deadlineNanos);
        Reply greeting = c.reply();
        if (greeting.code() != 220) {
          why.add(name + " greeted " + greeting);
          c.quietly("QUIT");
          continue;
        }
        Reply hello = c.command("EHLO " + settings.helo());
        if (!hello.positive()) {
          hello = c.command("HELO " + settings.helo());
        }
        if (!hello.positive()) {
          why.add(name + " answered HELO " + hello);
          c.quietly("QUIT");
          continue;
        }
        Reply mailFrom = c.command("MAIL FROM:<>");
        List<Reply> answers = new ArrayList<>();
        if (mailFrom.positive()) {
          for (String recipient : recipients) {
            answers.add(c.command("RCPT TO:<" + recipient + ">"));
          }
        }
        c.quietly("QUIT");
        return new Outcome.Answered(name, mailFrom, answers);
      } catch (IOException | RuntimeException e) {
        why.add(name + ": " + message(e));
      }
    }
    return new Outcome.Failed(why.isEmpty() ? "no server to ask" : String.join("; ", why));
  }

  private static void bind(Socket socket, InetAddress source) {
    try {
      socket.bind(new InetSocketAddress(source, 0));
    } catch (IOException e) {
      throw new IllegalStateException("cannot send from " + source.getHostAddress() + ": " + e.getMessage(), e);
    }
  }

  private static long remainingMillis(long deadlineNanos) {
    return Math.max(0, (deadlineNanos - System.nanoTime()) / 1_000_000);
  }

  private static String message(Exception e) {
    if (e instanceof SocketTimeoutException) {
      return "no answer in time";
    }
    return printable(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
  }

  /** A stranger's text, printable ASCII only, at most a line's worth. */
  static String printable(String text) {
    return LogText.forReply(text, LINE_MAX);
  }

  /** Commands and bounded replies on one connection, within the callout's deadline. */
  private static final class Conversation {
    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final long deadlineNanos;
    private int read;

    Conversation(Socket socket, long deadlineNanos) throws IOException {
      this.socket = socket;
      this.in = socket.getInputStream();
      this.out = socket.getOutputStream();
      this.deadlineNanos = deadlineNanos;
    }

    Reply command(String line) throws IOException {
      out.write((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
      out.flush();
      return reply();
    }

    void quietly(String line) {
      try {
        out.write((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
      } catch (IOException e) {
        // the answer is known; a server that hangs up first costs nothing
      }
    }

    Reply reply() throws IOException {
      List<String> lines = new ArrayList<>();
      int code = -1;
      while (lines.size() < LINES_MAX) {
        String line = line();
        if (line.length() < 3 || !Character.isDigit(line.charAt(0)) || !Character.isDigit(line.charAt(1))
            || !Character.isDigit(line.charAt(2)) || line.length() > 3 && line.charAt(3) != ' '
            && line.charAt(3) != '-') {
          throw new IOException("not an SMTP reply: " + printable(line));
        }
        int lineCode = Integer.parseInt(line.substring(0, 3));
        if (code >= 0 && lineCode != code) {
          throw new IOException("a reply whose lines have different codes");
        }
        code = lineCode;
        lines.add(printable(line));
        if (line.length() == 3 || line.charAt(3) == ' ') {
          if (code < 200 || code > 599) {
            throw new IOException("reply code " + code + " is not 2xx to 5xx");
          }
          return new Reply(code, String.join(" / ", lines));
        }
      }
      throw new IOException("a reply of more than " + LINES_MAX + " lines");
    }

    private String line() throws IOException {
      StringBuilder line = new StringBuilder();
      while (true) {
        long remaining = remainingMillis(deadlineNanos);
        if (remaining <= 0) {
          throw new SocketTimeoutException("deadline");
        }
        socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, remaining));
        int b = in.read();
        if (b < 0) {
          throw new IOException("the server closed the connection");
        }
        if (++read > CONNECTION_MAX) {
          throw new IOException("more than " + CONNECTION_MAX + " bytes of replies");
        }
        if (b == '\n') {
          int len = line.length();
          if (len > 0 && line.charAt(len - 1) == '\r') {
            line.setLength(len - 1);
          }
          return line.toString();
        }
        if (line.length() >= LINE_MAX) {
          throw new IOException("a reply line longer than " + LINE_MAX + " bytes");
        }
        line.append((char) b);
      }
    }
  }
}
