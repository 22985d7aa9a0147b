package org.portcullis.bench;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * SMTP load for the benchmark: {@code sessions} concurrent clients, each sending one message per
 * connection (EHLO, MAIL, RCPT, DATA, QUIT, no pipelining), each connection from the next of many
 * 127.x.y.z source addresses with the matching HELO name (see {@link BenchDns}). Measures
 * messages accepted per second and the time from the end-of-data dot to the 250 reply.
 *
 * <pre>
 * LoadGenerator host:port sessions warmupSeconds measureSeconds messageBytes firstSource [label]
 * </pre>
 */
public final class LoadGenerator {

  /** What one load run measured. */
  public record Result(String label, double rate, double p50, double p90, double p99, double max, long failures,
      Map<String, Long> failureKinds, int sourcesUsed) {

    String line() {
      return String.format("%s: %.0f msg/s accepted; end-of-DATA->250 p50 %.2f ms, p90 %.2f ms, p99 %.2f ms, "
          + "max %.2f ms; failures %s; %d source addresses", label, rate, p50, p90, p99, max,
          failureKinds.isEmpty() ? "none" : failureKinds, sourcesUsed);
    }
  }

  public static void main(String[] args) throws Exception {
    String[] target = args[0].split(":");
    InetSocketAddress server = new InetSocketAddress(target[0], Integer.parseInt(target[1]));
    String label = args.length > 6 ? args[6] : "run";
    Result result = args.length > 7
        ? run(label, server, Integer.parseInt(args[1]), Integer.parseInt(args[2]), Integer.parseInt(args[3]),
            java.nio.file.Files.readAllBytes(java.nio.file.Path.of(args[7])), Integer.parseInt(args[5]))
        : run(label, server, Integer.parseInt(args[1]), Integer.parseInt(args[2]), Integer.parseInt(args[3]),
            Integer.parseInt(args[4]), Integer.parseInt(args[5]));
    System.out.println(result.line());
  }

  /**
   * Runs the load: {@code sessions} clients for {@code warmup + measure} seconds; only the
   * measured part counts.
   */
  public static Result run(String label, InetSocketAddress server, int sessions, int warmup, int measure, int size,
      int firstSource) throws InterruptedException {
    return run(label, server, sessions, warmup, measure, body(size), firstSource);
  }

  /** The same with a message of the caller's (its text, dot-stuffed, ending with the {@code .} line). */
  public static Result run(String label, InetSocketAddress server, int sessions, int warmup, int measure, byte[] body,
      int firstSource) throws InterruptedException {
    return run(label, server, sessions, warmup, measure, body, firstSource, n -> "rcpt@example.test");
  }

  /** The same with the recipient of each connection given by its number ({@code rcpt-<n>@}: a new one each time). */
  public static Result run(String label, InetSocketAddress server, int sessions, int warmup, int measure, byte[] body,
      int firstSource, java.util.function.IntFunction<String> recipientOf) throws InterruptedException {
    AtomicInteger nextSource = new AtomicInteger(firstSource);
    LongAdder accepted = new LongAdder();
    Map<String, LongAdder> failures = new ConcurrentHashMap<>();
    long[][] latencies = new long[sessions][];
    int[] counts = new int[sessions];
    for (int i = 0; i < sessions; i++) {
      latencies[i] = new long[1 << 18];
    }
    long start = System.nanoTime();
    long measureStart = start + warmup * 1_000_000_000L;
    long end = measureStart + measure * 1_000_000_000L;
    CountDownLatch done = new CountDownLatch(sessions);
    for (int s = 0; s < sessions; s++) {
      int worker = s;
      Thread.ofPlatform().name("load-" + s).start(() -> {
        try {
          while (System.nanoTime() < end) {
            int n = nextSource.getAndIncrement();
            InetAddress source = InetAddress.getByAddress(new byte[] {127, (byte) (n >> 16), (byte) (n >> 8), (byte) n});
            long[] result = new long[1];
            String failure = send(server, source, recipientOf.apply(n), body, result);
            long now = System.nanoTime();
            if (failure == null && now >= measureStart && now < end) {
              accepted.increment();
              if (counts[worker] < latencies[worker].length) {
                latencies[worker][counts[worker]++] = result[0];
              }
            } else if (failure != null && now >= measureStart) {
              failures.computeIfAbsent(failure, k -> new LongAdder()).increment();
              if (failure.contains("Exception")) {
                Thread.sleep(10);
              }
            }
          }
        } catch (Exception e) {
          failures.computeIfAbsent(e.toString(), k -> new LongAdder()).increment();
        } finally {
          done.countDown();
        }
      });
    }
    done.await();
    int total = Arrays.stream(counts).sum();
    long[] all = new long[total];
    int k = 0;
    for (int i = 0; i < sessions; i++) {
      System.arraycopy(latencies[i], 0, all, k, counts[i]);
      k += counts[i];
    }
    Arrays.sort(all);
    Map<String, Long> kinds = new java.util.TreeMap<>();
    failures.forEach((kind, n) -> kinds.put(kind, n.sum()));
    return new Result(label, accepted.sum() / (double) measure, ms(all, 0.50), ms(all, 0.90), ms(all, 0.99),
        all.length == 0 ? 0 : all[all.length - 1] / 1e6, kinds.values().stream().mapToLong(Long::longValue).sum(),
        kinds, nextSource.get() - firstSource);
  }

  private static double ms(long[] sorted, double quantile) {
    if (sorted.length == 0) {
      return 0;
    }
    return sorted[Math.min(sorted.length - 1, (int) (sorted.length * quantile))] / 1e6;
  }

  /** A 2 kB-ish message with headers and 72-column lines. */
  static byte[] body(int size) {
    StringBuilder text = new StringBuilder(size + 200);
    text.append("From: Load <load@senders.example>\r\nTo: Bench <rcpt@example.test>\r\n")
        .append("Subject: benchmark message\r\nMessage-ID: <bench@senders.example>\r\n\r\n");
    while (text.length() < size) {
      text.append("The quick brown fox jumps over the lazy dog; pack my box with five dozen.\r\n");
    }
    text.append(".\r\n");
    return text.toString().getBytes(StandardCharsets.US_ASCII);
  }

  /** One connection, one message. Returns null on success (latency in result[0]) or the failing reply. */
  static String send(InetSocketAddress server, InetAddress source, String recipient, byte[] body, long[] result) {
    try (Socket socket = new Socket()) {
      socket.setSoTimeout(30_000);
      socket.setTcpNoDelay(true);
      socket.bind(new InetSocketAddress(source, 0));
      socket.connect(server, 10_000);
      InputStream in = new BufferedInputStream(socket.getInputStream());
      OutputStream out = socket.getOutputStream();
      String helo = BenchDns.nameOf(source);
      String reply = reply(in);
      if (!reply.startsWith("220")) {
        return "greeting " + code(reply);
      }
      if (!(reply = command(in, out, "EHLO " + helo)).startsWith("250")) {
        return "EHLO " + code(reply);
      }
      if (!(reply = command(in, out, "MAIL FROM:<load@" + BenchDns.SENDER_DOMAIN + ">")).startsWith("250")) {
        return "MAIL " + code(reply);
      }
      if (!(reply = command(in, out, "RCPT TO:<" + recipient + ">")).startsWith("250")) {
        return "RCPT " + code(reply);
      }
      if (!(reply = command(in, out, "DATA")).startsWith("354")) {
        return "DATA " + code(reply);
      }
      out.write(body, 0, body.length - 3);
      out.flush();
      long t0 = System.nanoTime();
      out.write(body, body.length - 3, 3);
      out.flush();
      reply = reply(in);
      result[0] = System.nanoTime() - t0;
      if (!reply.startsWith("250")) {
        return "end-of-data " + code(reply);
      }
      out.write("QUIT\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      reply(in);
      return null;
    } catch (IOException e) {
      return e.getClass().getSimpleName();
    }
  }

  /** One connection up to RCPT: the RCPT reply (or the first that was not positive). */
  static String rcptOnly(InetSocketAddress server, InetAddress source, String recipient) throws IOException {
    try (Socket socket = new Socket()) {
      socket.setSoTimeout(30_000);
      socket.bind(new InetSocketAddress(source, 0));
      socket.connect(server, 10_000);
      InputStream in = new BufferedInputStream(socket.getInputStream());
      OutputStream out = socket.getOutputStream();
      String reply = reply(in);
      for (String command : List.of("EHLO " + BenchDns.nameOf(source), "MAIL FROM:<load@" + BenchDns.SENDER_DOMAIN
          + ">", "RCPT TO:<" + recipient + ">")) {
        if (!reply.startsWith("2")) {
          return reply;
        }
        reply = command(in, out, command);
      }
      command(in, out, "QUIT");
      return reply;
    }
  }

  private static String code(String reply) {
    return reply.length() > 60 ? reply.substring(0, 60) : reply;
  }

  private static String command(InputStream in, OutputStream out, String line) throws IOException {
    out.write((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
    out.flush();
    return reply(in);
  }

  private static String reply(InputStream in) throws IOException {
    StringBuilder all = new StringBuilder();
    while (true) {
      StringBuilder line = new StringBuilder();
      int b;
      while ((b = in.read()) >= 0 && b != '\n') {
        line.append((char) b);
      }
      if (b < 0) {
        throw new IOException("connection closed");
      }
      all.append(line).append('\n');
      if (line.length() < 4 || line.charAt(3) != '-') {
        return all.toString().strip();
      }
    }
  }
}
