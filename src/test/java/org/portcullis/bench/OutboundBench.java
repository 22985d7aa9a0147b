package org.portcullis.bench;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Stream;
import org.portcullis.delivery.DeliveryOutcome;
import org.portcullis.delivery.DeliveryService;
import org.portcullis.delivery.MxTransport;
import org.portcullis.delivery.Notifications;
import org.portcullis.delivery.RetrySchedule;
import org.portcullis.delivery.SourcePool;
import org.portcullis.delivery.SuspensionStore;
import org.portcullis.delivery.Transport;
import org.portcullis.dns.DnsRecord;
import org.portcullis.dns.DnsType;
import org.portcullis.dns.StaticDnsResolver;
import org.portcullis.mail.EmailAddress;
import org.portcullis.mail.Envelope;
import org.portcullis.mail.MailParameters;
import org.portcullis.mail.MailPath;
import org.portcullis.mail.Recipient;
import org.portcullis.mail.References;
import org.portcullis.queue.QueuedMessage;
import org.portcullis.queue.Spool;

/**
 * Outbound deliveries per second from the queue (issue 6): a durable spool is filled with
 * {@code messages} messages of {@code size} octets to one remote domain, whose MX is an
 * smtp-sink on 127.0.0.1; then the delivery service (MX transport, {@code concurrency} workers
 * and connections, connection reuse, journaled per recipient with fsync) drains it, and the time
 * from its start to an empty spool is measured. Each round starts from a fresh spool.
 *
 * <pre>
 * OutboundBench rounds messages concurrency size sinkPort workDir resultsFile
 * </pre>
 */
public final class OutboundBench {

  private OutboundBench() {}

  public static void main(String[] args) throws Exception {
    int rounds = Integer.parseInt(args[0]);
    int messages = Integer.parseInt(args[1]);
    int concurrency = Integer.parseInt(args[2]);
    int size = Integer.parseInt(args[3]);
    int sinkPort = Integer.parseInt(args[4]);
    Path work = Path.of(args[5]);
    Path results = Path.of(args[6]);
    List<Double> rates = new ArrayList<>();
    try (PrintWriter out = new PrintWriter(Files.newBufferedWriter(results, StandardCharsets.UTF_8), true)) {
      say(out, "outbound bench: " + rounds + " rounds, " + messages + " messages of " + size + " octets, "
          + concurrency + " connections, sink 127.0.0.1:" + sinkPort + ", " + Runtime.getRuntime().availableProcessors()
          + " cores, java " + Runtime.version());
      for (int round = 1; round <= rounds; round++) {
        double rate = round(work.resolve("round-" + round), messages, concurrency, size, sinkPort, out);
        rates.add(rate);
        say(out, String.format("round %d: %.0f deliveries/s", round, rate));
      }
      List<Double> sorted = rates.stream().sorted().toList();
      say(out, String.format("median %.0f deliveries/s (min %.0f, max %.0f)", sorted.get(sorted.size() / 2),
          sorted.getFirst(), sorted.getLast()));
    }
  }

  private static void say(PrintWriter out, String line) {
    System.out.println(line);
    out.println(line);
  }

  private static double round(Path dir, int messages, int concurrency, int size, int sinkPort, PrintWriter out)
      throws Exception {
    deleteTree(dir);
    Files.createDirectories(dir);
    Clock clock = Clock.systemUTC();
    References ids = References.timeOrdered(clock);
    Spool spool = Spool.open(dir.resolve("spool"), new Spool.Settings(true, 64L * 1024 * 1024));
    byte[] body = message(size);
    Envelope envelope = new Envelope(new MailPath(Optional.of(EmailAddress.parse("bench@example.test")), List.of(), true),
        List.of(Recipient.of(EmailAddress.parse("user@sink.test"))),
        new MailParameters(OptionalLong.empty(), MailParameters.Body.SEVEN_BIT, false, Optional.empty(), Optional.empty()));
    List<QueuedMessage> queued = fill(spool, ids, envelope, body, messages, clock);
    StaticDnsResolver dns = new StaticDnsResolver()
        .add("sink.test", DnsType.MX, new DnsRecord.Mx(10, "mx.sink.test"))
        .add("mx.sink.test", DnsType.A, new DnsRecord.Address(InetAddress.ofLiteral("127.0.0.1")));
    MxTransport transport = new MxTransport(dns, new MxTransport.Settings("mx.example.test", sinkPort,
        Duration.ofSeconds(10), Duration.ofSeconds(60), concurrency, Duration.ofSeconds(5)),
        new SourcePool(List.of(), clock, Duration.ofHours(1), 3, SourcePool.DEFAULT_PATTERNS, NO_STORE));
    Counting counting = new Counting(transport);
    DeliveryService delivery = new DeliveryService(spool, counting, new RetrySchedule(Duration.ofSeconds(1),
        Duration.ofSeconds(2), 2.0, Duration.ofHours(1)), clock, concurrency,
        new Notifications(spool, ids, "mx.example.test", clock, Duration.ZERO));
    long start = System.nanoTime();
    delivery.start(List.of());
    queued.forEach(delivery::submit);
    while (spool.size() > 0) {
      Thread.sleep(5);
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    delivery.close();
    spool.close();
    say(out, String.format("  delivered %d, deferred %d, failed %d in %.2f s", counting.delivered.sum(),
        counting.deferred.sum(), counting.failed.sum(), seconds));
    if (counting.delivered.sum() != messages) {
      throw new IllegalStateException("not every message was delivered; the figure would be wrong");
    }
    return messages / seconds;
  }

  /** Appends the messages from {@code concurrency} threads at once, as sessions would (group commit). */
  private static List<QueuedMessage> fill(Spool spool, References ids, Envelope envelope, byte[] body, int messages,
      Clock clock) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(32);
    List<Future<QueuedMessage>> futures = new ArrayList<>();
    for (int i = 0; i < messages; i++) {
      futures.add(pool.submit(() -> spool.append(ids.next(), clock.instant(), "127.0.0.1", "localhost", "localhost",
          envelope, List.of(ByteBuffer.wrap(body)))));
    }
    List<QueuedMessage> out = new ArrayList<>();
    for (Future<QueuedMessage> f : futures) {
      out.add(f.get());
    }
    pool.shutdown();
    return out;
  }

  private static byte[] message(int size) {
    StringBuilder text = new StringBuilder("From: bench@example.test\r\nTo: user@sink.test\r\nSubject: outbound bench\r\n"
        + "Date: " + Instant.now() + "\r\n\r\n");
    while (text.length() < size - 2) {
      text.append("The quick brown fox jumps over the lazy dog. 0123456789\r\n");
    }
    text.setLength(size - 2);
    return text.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII);
  }

  private static final SuspensionStore NO_STORE = new SuspensionStore() {
    @Override
    public List<SourcePool.Suspension> load() {
      return List.of();
    }

    @Override
    public void save(SourcePool.Suspension suspension) {}

    @Override
    public void remove(InetAddress address, Optional<String> destination, boolean fromHealthCheck) {}
  };

  /** Counts the outcomes, so a run in which anything was not delivered is not reported as a rate. */
  private static final class Counting implements Transport {
    final Transport next;
    final LongAdder delivered = new LongAdder();
    final LongAdder deferred = new LongAdder();
    final LongAdder failed = new LongAdder();

    Counting(Transport next) {
      this.next = next;
    }

    @Override
    public String name() {
      return next.name();
    }

    @Override
    public Map<Integer, DeliveryOutcome> deliver(QueuedMessage message, List<Integer> recipients, byte[] content) {
      Map<Integer, DeliveryOutcome> outcomes = next.deliver(message, recipients, content);
      for (DeliveryOutcome o : outcomes.values()) {
        (o instanceof DeliveryOutcome.Delivered ? delivered : o instanceof DeliveryOutcome.Failed ? failed : deferred)
            .increment();
      }
      return outcomes;
    }

    @Override
    public void close() {
      next.close();
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
