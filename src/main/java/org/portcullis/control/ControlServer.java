package org.portcullis.control;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.portcullis.delivery.DeliveryService;
import org.portcullis.mail.References;
import org.portcullis.quarantine.Quarantine;
import org.portcullis.quarantine.QuarantineEntry;
import org.portcullis.queue.QueuedMessage;
import org.portcullis.queue.Spool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;

/**
 * The running server's local control socket ({@code <data-dir>/control.sock}, owner-only), which
 * {@code portcullis queue ...} talks to, as Postfix's postqueue talks to its daemons: one command
 * line in, one JSON object out. Commands: {@code list}, {@code show ID}, {@code flush [ID]},
 * {@code hold ID}, {@code release ID}, {@code delete ID}. Bad input gets {@code {"error": ...}}.
 */
public final class ControlServer implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger("portcullis.control");
  private static final int COMMAND_MAX = 256;
  private static final int HEADERS_MAX = 8192;
  static final JsonMapper JSON = JsonMapper.builder().build();

  private final ServerSocketChannel channel;
  private final Path path;
  private final DeliveryService delivery;
  private final Spool spool;
  private final Optional<QuarantineControl> quarantine;
  private final Thread acceptor;
  private final ScheduledExecutorService timeouts = Executors.newSingleThreadScheduledExecutor(
      Thread.ofPlatform().name("control-timeouts").daemon(true).factory());

  /** The quarantine and how a release is queued, for {@code quarantine ...} commands. */
  public record QuarantineControl(Quarantine quarantine, Quarantine.Requeue requeue) {}

  private ControlServer(ServerSocketChannel channel, Path path, DeliveryService delivery, Spool spool,
      Optional<QuarantineControl> quarantine) {
    this.quarantine = quarantine;
    this.channel = channel;
    this.path = path;
    this.delivery = delivery;
    this.spool = spool;
    this.acceptor = Thread.ofPlatform().name("control").daemon(true).start(this::acceptLoop);
  }

  /** Binds the socket at {@code path} (replacing a stale one) with owner-only permissions. */
  public static ControlServer start(Path path, DeliveryService delivery, Spool spool) throws IOException {
    return start(path, delivery, spool, Optional.empty());
  }

  /** The same, also answering {@code quarantine list|show|release|delete}. */
  public static ControlServer start(Path path, DeliveryService delivery, Spool spool,
      Optional<QuarantineControl> quarantine) throws IOException {
    Files.deleteIfExists(path);
    ServerSocketChannel channel = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    try {
      channel.bind(UnixDomainSocketAddress.of(path));
      Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-------"));
    } catch (IOException | UnsupportedOperationException e) {
      channel.close();
      throw e instanceof IOException io ? io : new IOException(e.getMessage(), e);
    }
    return new ControlServer(channel, path, delivery, spool, quarantine);
  }

  private void acceptLoop() {
    while (channel.isOpen()) {
      try {
        SocketChannel client = channel.accept();
        Thread.ofVirtual().name("control-session").start(() -> serve(client));
      } catch (IOException e) {
        if (channel.isOpen()) {
          log.warn("control socket accept failed: {}", e.getMessage());
        }
      }
    }
  }

  private void serve(SocketChannel client) {
    // A client that connects and says nothing is cut off: a Unix socket channel has no read timeout.
    ScheduledFuture<?> deadline = timeouts.schedule(() -> closeQuietly(client), 10,
        TimeUnit.SECONDS);
    try (client) {
      ByteBuffer in = ByteBuffer.allocate(COMMAND_MAX + 1);
      while (in.hasRemaining() && client.read(in) > 0) {
        if (endsLine(in)) {
          break;
        }
      }
      String line = new String(in.array(), 0, in.position(), StandardCharsets.UTF_8).strip();
      Object answer = in.position() > COMMAND_MAX ? Map.of("error", "command too long") : execute(line);
      client.write(ByteBuffer.wrap((JSON.writeValueAsString(answer) + "\n").getBytes(StandardCharsets.UTF_8)));
    } catch (IOException | RuntimeException e) {
      log.warn("control command failed: {}", e.getMessage());
    } finally {
      deadline.cancel(false);
    }
  }

  private static void closeQuietly(SocketChannel client) {
    try {
      client.close();
    } catch (IOException ignored) {
      // closing anyway
    }
  }

  private static boolean endsLine(ByteBuffer in) {
    return in.position() > 0 && in.get(in.position() - 1) == '\n';
  }

  /** Runs one command; the answer is a JSON-ready map. */
  Map<String, Object> execute(String line) throws IOException {
    String[] words = line.isEmpty() ? new String[0] : line.split("\\s+");
    if (words.length > 0 && words[0].equals("quarantine")) {
      return quarantine(java.util.Arrays.copyOfRange(words, 1, words.length));
    }
    if (words.length == 0 || words.length > 2) {
      return error("usage: list | show ID | flush [ID] | hold ID | release ID | delete ID");
    }
    Optional<String> id = words.length == 2 ? Optional.of(words[1].toUpperCase(java.util.Locale.ROOT))
        : Optional.empty();
    if (id.isPresent() && !References.isQueueId(id.get())) {
      return error("not a queue id: " + words[1].replaceAll("[^\\x20-\\x7e]", "?"));
    }
    return switch (words[0]) {
      case "list" -> Map.of("messages", spool.messages().stream().map(m -> describe(m, false)).toList());
      case "show" -> id.flatMap(spool::find).<Map<String, Object>>map(m -> Map.of("message", describe(m, true)))
          .orElseGet(() -> error(id.isEmpty() ? "show needs a queue id" : "no message " + id.get() + " in the queue"));
      case "flush" -> Map.of("flushed", delivery.flush(id));
      case "hold", "release", "delete" -> {
        if (id.isEmpty()) {
          yield error(words[0] + " needs a queue id");
        }
        boolean done = switch (words[0]) {
          case "hold" -> delivery.hold(id.get());
          case "release" -> delivery.release(id.get());
          default -> delivery.delete(id.get());
        };
        yield done ? Map.of("ok", true, "id", id.get()) : error(words[0].equals("release")
            ? "no held message " + id.get() + " in the queue" : "no message " + id.get() + " in the queue");
      }
      default -> error("unknown command " + words[0].replaceAll("[^\\x20-\\x7e]", "?"));
    };
  }

  /**
   * {@code quarantine list [DOMAIN]}, {@code show ID}, {@code release ID [again]}, {@code delete ID}:
   * the quarantine of the running server (a release must reach its queue).
   */
  private Map<String, Object> quarantine(String[] words) throws IOException {
    if (quarantine.isEmpty()) {
      return error("this server has no quarantine");
    }
    Quarantine q = quarantine.get().quarantine();
    String usage = "usage: quarantine list [DOMAIN] | show ID | release ID [again] [RECIPIENT] | delete ID [RECIPIENT]";
    if (words.length == 0 || words.length > 4) {
      return error(usage);
    }
    if (words[0].equals("list")) {
      if (words.length > 2 || words.length == 2 && !words[1].matches("[A-Za-z0-9.-]{1,253}")) {
        return error(words.length > 2 ? usage : "not a domain: " + words[1].replaceAll("[^\\x20-\\x7e]", "?"));
      }
      Optional<String> domain = words.length == 2 ? Optional.of(words[1]) : Optional.empty();
      return Map.of("messages", q.list(domain, Optional.empty(), 1000).stream().map(ControlServer::describe).toList());
    }
    if (words.length < 2) {
      return error(words[0] + " needs a quarantine id");
    }
    if (!Quarantine.isId(words[1])) {
      return error("not a quarantine id: " + words[1].replaceAll("[^\\x20-\\x7e]", "?"));
    }
    boolean again = false;
    Optional<String> only = Optional.empty();
    for (int i = 2; i < words.length; i++) {
      if (words[i].equals("again") && words[0].equals("release") && !again) {
        again = true;
      } else if (words[i].contains("@") && only.isEmpty() && words[i].length() <= 320
          && !words[0].equals("show")) {
        only = Optional.of(words[i]);
      } else {
        return error(usage);
      }
    }
    boolean releasingAgain = again;
    Optional<String> recipient = only;
    return switch (words[0]) {
      case "show" -> q.find(words[1]).<Map<String, Object>>map(e -> {
        Map<String, Object> out = new LinkedHashMap<>(describe(e));
        try {
          out.put("headers", q.content(e.id()).map(ControlServer::headers).orElse(""));
        } catch (IOException ex) {
          out.put("headers", "(unreadable: " + ex.getMessage() + ")");
        }
        return Map.of("message", out);
      }).orElseGet(() -> error("no quarantined message " + words[1]));
      case "release", "delete" -> {
        Quarantine.Outcome outcome = words[0].equals("release")
            ? q.release(words[1], "control socket", quarantine.get().requeue(), releasingAgain, recipient)
            : q.delete(words[1], "control socket", recipient);
        yield switch (outcome) {
          case Quarantine.Outcome.Done d -> {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("ok", true);
            out.put("id", d.entry().id());
            d.queueId().ifPresent(id -> out.put("queueId", id));
            yield out;
          }
          case Quarantine.Outcome.Refused r -> error(r.why());
        };
      }
      default -> error(usage);
    };
  }

  private static Map<String, Object> describe(QuarantineEntry e) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("id", e.id());
    out.put("arrival", e.receivedAt().toString());
    out.put("state", e.state().label());
    out.put("size", e.size());
    out.put("client", e.clientAddress());
    out.put("sender", e.sender());
    out.put("recipients", e.recipients());
    out.put("subject", e.subject());
    out.put("check", e.check());
    out.put("reason", e.reason());
    out.put("reference", e.reference());
    out.put("changed", e.state() == QuarantineEntry.State.HELD ? "" : e.changedAt() + " by " + e.changedBy());
    return out;
  }

  private static Map<String, Object> error(String message) {
    return Map.of("error", message);
  }

  private Map<String, Object> describe(QueuedMessage m, boolean details) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("id", m.queueId());
    out.put("arrival", m.receivedAt().toString());
    out.put("size", m.size());
    out.put("sender", m.envelope().sender().toString());
    out.put("state", m.held() ? "held" : m.attempts() > 0 ? "deferred" : "active");
    out.put("attempts", m.attempts());
    out.put("nextAttempt", m.attempts() > 0 ? m.nextAttempt().toString() : null);
    out.put("lastError", m.lastError());
    out.put("recipients", IntStream.range(0, m.envelope().recipients().size()).mapToObj(i -> Map.of(
        "address", "<" + m.envelope().recipients().get(i).address() + ">",
        "state", m.state(i).name().toLowerCase(java.util.Locale.ROOT))).toList());
    if (details) {
      out.put("client", m.clientName() + "[" + m.clientAddress() + "]");
      out.put("helo", m.helo());
      try {
        out.put("headers", headers(spool.content(m)));
      } catch (IOException e) {
        out.put("headers", "(unreadable: " + e.getMessage() + ")");
      }
    }
    return out;
  }

  private static String headers(byte[] content) {
    String text = new String(content, 0, Math.min(content.length, HEADERS_MAX), StandardCharsets.UTF_8);
    int end = text.indexOf("\r\n\r\n");
    return end >= 0 ? text.substring(0, end + 2) : text;
  }

  @Override
  public void close() {
    timeouts.shutdownNow();
    try {
      channel.close();
      acceptor.join(2000);
      Files.deleteIfExists(path);
    } catch (IOException e) {
      // closing anyway
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** A client for the CLI: sends one command, returns the JSON answer. */
  public static String request(Path path, String command) throws IOException {
    try (SocketChannel channel = SocketChannel.open(UnixDomainSocketAddress.of(path))) {
      channel.write(ByteBuffer.wrap((command + "\n").getBytes(StandardCharsets.UTF_8)));
      java.io.ByteArrayOutputStream answer = new java.io.ByteArrayOutputStream();
      ByteBuffer buffer = ByteBuffer.allocate(8192);
      while (channel.read(buffer) > 0) {
        answer.write(buffer.array(), 0, buffer.position());
        buffer.clear();
      }
      return answer.toString(StandardCharsets.UTF_8);
    }
  }
}
