package org.portcullis.diagnose;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.portcullis.dns.DnsRecord;
import org.portcullis.dns.DnsType;
import org.portcullis.dns.ReverseDns;

/**
 * {@code smtp.banner}, {@code smtp.ehlo} and {@code smtp.name}: one conversation with the server's
 * SMTP port: does it greet (220) in time, accept our EHLO (we greet with our own name, never send
 * MAIL or DATA, and QUIT), and does the name in its banner match its PTR name, its domain's MX
 * names or the HELO it gave us? A mismatch warns and says we never refuse on it alone (RFC 5321
 * 4.1.4); no listener on an address that only sends is information.
 *
 * <p>What the server says is a stranger's text: at most 4 kB a line and 64 kB a connection are
 * read, control characters are replaced before it is shown, and the whole conversation ends at the
 * banner timeout. Only public addresses are connected to (unless the settings allow private ones,
 * for tests), each at most once per {@link #INTERVAL}.
 */
public final class SmtpProbe implements Probe {

  /** How long after one connecting diagnosis of an address the next may connect to it. */
  public static final Duration INTERVAL = Duration.ofMinutes(10);
  private static final int LINE_MAX = 4096;
  private static final int CONNECTION_MAX = 65_536;

  /**
   * @param port the SMTP port to try (25; another in tests)
   * @param connectTimeout the longest a connection may take to open
   * @param bannerTimeout the longest the whole conversation may take
   * @param allowPrivate connect to private, loopback and reserved addresses too (tests only)
   * @param ourName the name we greet with
   */
  public record Settings(int port, Duration connectTimeout, Duration bannerTimeout, boolean allowPrivate,
      String ourName) {}

  private final Settings settings;
  private final Cache<java.net.InetAddress, Boolean> recent = Caffeine.newBuilder().expireAfterWrite(INTERVAL)
      .maximumSize(100_000).build();

  public SmtpProbe(Settings settings) {
    this.settings = settings;
  }

  @Override
  public List<Finding> run(Subject subject, Lookups lookups, long deadlineNanos) {
    if (!subject.connect()) {
      return List.of();
    }
    Values v = new Values(subject).put("port", String.valueOf(settings.port()));
    if (!settings.allowPrivate() && !org.portcullis.mail.PublicAddresses.isPublic(subject.ip())) {
      return List.of(v.put("why", "it is not a public address").finding("smtp.banner", Status.INFO));
    }
    if (recent.asMap().putIfAbsent(subject.ip(), Boolean.TRUE) != null) {
      return List.of(v.put("why", "it was tested less than " + INTERVAL.toMinutes() + " minutes ago")
          .finding("smtp.banner", Status.INFO));
    }
    long end = Math.min(deadlineNanos, System.nanoTime() + settings.bannerTimeout().toNanos());
    List<Finding> out = new ArrayList<>();
    try (Socket socket = new Socket()) {
      try {
        socket.connect(new InetSocketAddress(subject.ip(), settings.port()), (int) Math.max(1,
            Math.min(settings.connectTimeout().toMillis(), (end - System.nanoTime()) / 1_000_000)));
      } catch (ConnectException e) {
        return List.of(v.put("why", "nothing listens on port " + settings.port() + " (fine for a server that only "
            + "sends)").fact("connect", "refused").finding("smtp.banner", Status.INFO));
      } catch (SocketTimeoutException e) {
        return List.of(v.put("problem", "The connection to port " + settings.port() + " was not answered within "
            + settings.connectTimeout().toSeconds() + " s (a firewall that drops it?). Replies and bounces for "
            + "your domain cannot reach a server that receivers cannot connect to.").fact("connect", "no answer")
            .finding("smtp.banner", Status.WARN));
      }
      Conversation c = new Conversation(socket, end);
      Reply banner = c.reply();
      v.fact("banner", banner.text());
      if (!banner.complete()) {
        out.add(v.put("problem", banner.problem()).finding("smtp.banner", banner.broken() ? Status.FAIL
            : Status.WARN));
        return out;
      }
      if (banner.code() != 220) {
        out.add(v.put("problem", "The server answers " + banner.code() + " instead of 220 when a client connects"
            + (banner.code() == 554 ? ": it refuses every connection (RFC 5321 3.1), so replies to your domain "
                + "cannot be delivered." : "."))
            .finding("smtp.banner", Status.WARN));
        return out;
      }
      out.add(v.finding("smtp.banner", Status.PASS));
      out.add(name(subject, lookups, deadlineNanos, banner));
      c.send("EHLO " + settings.ourName());
      Reply ehlo = c.reply();
      Values e = new Values(subject).fact("EHLO reply", ehlo.text());
      if (!ehlo.complete()) {
        out.add(e.put("problem", "After EHLO: " + ehlo.problem()).finding("smtp.ehlo", Status.WARN));
      } else if (ehlo.code() != 250) {
        out.add(e.put("problem", "The server answers " + ehlo.code() + " to EHLO; RFC 5321 4.1.1.1 asks every "
            + "server to accept it (an old or misconfigured server, or a filter in front of it).")
            .finding("smtp.ehlo", Status.WARN));
      } else {
        out.add(e.finding("smtp.ehlo", Status.PASS));
      }
      c.send("QUIT");
    } catch (IOException e) {
      if (out.isEmpty()) {
        out.add(v.put("problem", "The connection failed: " + printable(String.valueOf(e.getMessage())))
            .finding("smtp.banner", Status.WARN));
      }
    }
    return out;
  }

  /** The banner's host name against what DNS says the server is. */
  private static Finding name(Subject subject, Lookups lookups, long deadlineNanos, Reply banner) {
    String text = banner.text().length() > 4 ? banner.text().substring(4).strip() : "";
    String said = text.isEmpty() ? "" : text.split("\\s+")[0].toLowerCase(Locale.ROOT);
    List<String> expected = new ArrayList<>();
    ReverseDns r = lookups.reverse(subject.ip(), deadlineNanos);
    if (r != null) {
      expected.addAll(r.names());
    }
    subject.domain().ifPresent(d -> lookups.answer(d, DnsType.MX, deadlineNanos).recordsOf(DnsRecord.Mx.class)
        .forEach(mx -> expected.add(mx.exchange())));
    subject.helo().ifPresent(h -> expected.add(h.toLowerCase(Locale.ROOT)));
    Values v = new Values(subject).put("said", said.isEmpty() ? "(no name)" : said)
        .put("expected", expected.isEmpty() ? "(nothing: no PTR, MX or HELO)" : String.join(", ", expected))
        .fact("name in banner", said.isEmpty() ? "(none)" : said)
        .fact("PTR, MX and HELO names", String.join(", ", expected));
    return v.finding("smtp.name", expected.contains(said) ? Status.PASS : Status.WARN);
  }

  /**
   * One reply: its code (-1 if none), its lines joined and made printable, and what was wrong.
   *
   * @param broken not SMTP at all, or past the limits (rather than slow or closed)
   */
  private record Reply(int code, String text, boolean complete, String problem, boolean broken) {
    Reply(int code, String text, boolean complete, String problem) {
      this(code, text, complete, problem, false);
    }
  }

  /** Reads replies within the limits and the deadline. */
  private static final class Conversation {
    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final long end;
    private int read;

    Conversation(Socket socket, long end) throws IOException {
      this.socket = socket;
      this.in = socket.getInputStream();
      this.out = socket.getOutputStream();
      this.end = end;
    }

    void send(String line) throws IOException {
      out.write((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
      out.flush();
    }

    Reply reply() throws IOException {
      StringBuilder text = new StringBuilder();
      int code = -1;
      for (int lines = 0; lines < 100; lines++) {
        String line;
        try {
          line = line();
        } catch (SocketTimeoutException e) {
          return new Reply(code, text.toString(), false, text.isEmpty() ? "The server did not greet within the "
              + "time receivers wait (it is silent, or too slow): receivers give up on such servers."
              : "The reply did not end in time.");
        } catch (LimitException e) {
          return new Reply(code, text.toString(), false, e.getMessage(), true);
        }
        if (line == null) {
          return new Reply(code, text.toString(), false, "The server closed the connection "
              + (text.isEmpty() ? "at once, without a greeting." : "in the middle of a reply."));
        }
        if (line.length() < 3 || !line.substring(0, 3).chars().allMatch(Character::isDigit)
            || line.length() > 3 && line.charAt(3) != ' ' && line.charAt(3) != '-') {
          text.append(printable(line));
          return new Reply(code, text.toString(), false, "The server does not speak SMTP on this port: it sent \""
              + printable(line.length() > 80 ? line.substring(0, 80) + "..." : line) + "\".", true);
        }
        code = Integer.parseInt(line.substring(0, 3));
        if (!text.isEmpty()) {
          text.append(" / ");
        }
        text.append(printable(line));
        if (line.length() == 3 || line.charAt(3) == ' ') {
          return new Reply(code, text.length() > 500 ? text.substring(0, 500) + "..." : text.toString(), true, "");
        }
      }
      return new Reply(code, text.substring(0, Math.min(500, text.length())), false, "The reply has more than 100 "
          + "lines.", true);
    }

    /** One line without its CRLF, or null at the end of the stream. */
    private String line() throws IOException {
      StringBuilder line = new StringBuilder();
      while (true) {
        long left = (end - System.nanoTime()) / 1_000_000;
        if (left <= 0) {
          throw new SocketTimeoutException();
        }
        socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, left));
        int b = in.read();
        if (b < 0) {
          return line.isEmpty() ? null : line.toString();
        }
        if (++read > CONNECTION_MAX) {
          throw new LimitException("The server sent more than " + CONNECTION_MAX / 1024 + " kB without finishing its "
              + "reply.");
        }
        if (b == '\n') {
          int n = line.length();
          return n > 0 && line.charAt(n - 1) == '\r' ? line.substring(0, n - 1) : line.toString();
        }
        if (line.length() >= LINE_MAX) {
          throw new LimitException("The server sent a line longer than " + LINE_MAX + " bytes (RFC 5321 4.5.3.1.5 "
              + "allows 512).");
        }
        line.append((char) b);
      }
    }
  }

  private static final class LimitException extends IOException {
    LimitException(String message) {
      super(message);
    }
  }

  /** A stranger's text, shown: control characters and anything outside ASCII replaced. */
  static String printable(String text) {
    StringBuilder out = new StringBuilder(text.length());
    text.chars().forEach(c -> out.append(c >= 0x20 && c < 0x7f ? (char) c : '?'));
    return out.toString();
  }
}
