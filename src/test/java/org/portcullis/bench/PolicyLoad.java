package org.portcullis.bench;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Load for a Postfix policy service (bench/policyd/run.sh): {@code connections} persistent
 * connections, each sending one request at a time as Postfix's smtpd processes do; half the
 * requests repeat triplets from a pool that was made to pass first (warm-up: each sent, then sent
 * again after the delay), half are new triplets. After an optional warm-up of the same load (not
 * counted: both servers get it, so neither is measured while it starts up or compiles), prints
 * requests/second and the answers seen.
 *
 * <p>Usage: {@code PolicyLoad PORT CONNECTIONS SECONDS DELAY_SECONDS [WARMUP_SECONDS]}
 */
public final class PolicyLoad {

  private static final int POOL = 2000;

  public static void main(String[] args) throws Exception {
    int port = Integer.parseInt(args[0]);
    int connections = Integer.parseInt(args[1]);
    int seconds = Integer.parseInt(args[2]);
    int delay = Integer.parseInt(args[3]);
    int warmup = args.length > 4 ? Integer.parseInt(args[4]) : 0;
    List<String> pool = new ArrayList<>();
    for (int i = 0; i < POOL; i++) {
      pool.add(request("198.51." + (100 + i % 4) + "." + (i % 250 + 1), "pool" + letters(i) + "@sender.example",
          "rcpt" + (i % 50)));
    }
    try (Socket s = new Socket("127.0.0.1", port)) {
      for (String r : pool) {
        ask(s, r);
      }
      Thread.sleep((delay + 1) * 1000L);
      for (String r : pool) {
        ask(s, r);
      }
    }
    AtomicLong unique = new AtomicLong();
    if (warmup > 0) {
      run(port, connections, warmup, pool, unique, new AtomicLong(), new AtomicLong());
    }
    AtomicLong done = new AtomicLong();
    AtomicLong deferred = new AtomicLong();
    run(port, connections, seconds, pool, unique, done, deferred);
    System.out.printf("requests %d in %d s: %.0f requests/s, %d deferred (%.0f%%)%n", done.get(), seconds,
        done.get() / (double) seconds, deferred.get(), 100.0 * deferred.get() / Math.max(1, done.get()));
  }

  /** The mixed load for {@code seconds}, counting answers and deferrals. */
  private static void run(int port, int connections, int seconds, List<String> pool, AtomicLong unique,
      AtomicLong done, AtomicLong deferred) throws InterruptedException {
    long end = System.nanoTime() + seconds * 1_000_000_000L;
    List<Thread> threads = new ArrayList<>();
    for (int c = 0; c < connections; c++) {
      int id = c;
      threads.add(Thread.ofPlatform().start(() -> {
        try (Socket s = new Socket("127.0.0.1", port)) {
          long n = 0;
          while (System.nanoTime() < end) {
            String r = n % 2 == 0 ? pool.get((int) ((n * 7919 + id) % POOL))
                : request("203.0." + (113 + (int) (n % 4)) + "." + (n % 250 + 1),
                    "new" + letters(unique.incrementAndGet()) + "@sender.example", "rcpt" + (n % 50));
            String action = ask(s, r);
            if (action.contains("DEFER")) {
              deferred.incrementAndGet();
            }
            done.incrementAndGet();
            n++;
          }
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      }));
    }
    for (Thread t : threads) {
      t.join();
    }
  }

  /**
   * A number in letters: senders must differ in letters, because Portcullis (rightly) treats
   * digit runs as VERP numbers and would count "new1" and "new2" as the same sender.
   */
  static String letters(long n) {
    StringBuilder out = new StringBuilder();
    do {
      out.append((char) ('a' + n % 26));
      n /= 26;
    } while (n > 0);
    return out.toString();
  }

  static String request(String client, String sender, String recipient) {
    return "request=smtpd_access_policy\nprotocol_state=RCPT\nprotocol_name=ESMTP\nclient_address=" + client
        + "\nclient_name=unknown\nreverse_client_name=unknown\nhelo_name=mail.sender.example\nsender=" + sender
        + "\nrecipient=" + recipient + "@example.test\nqueue_id=\ninstance=1.2.3\nsize=0\n\n";
  }

  private static String ask(Socket s, String request) throws Exception {
    OutputStream out = s.getOutputStream();
    out.write(request.getBytes(StandardCharsets.US_ASCII));
    out.flush();
    BufferedReader in = readers.get().computeIfAbsent(s, k -> {
      try {
        return new BufferedReader(new InputStreamReader(k.getInputStream(), StandardCharsets.US_ASCII));
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    });
    String action = in.readLine();
    in.readLine();
    if (action == null) {
      throw new IllegalStateException("the service closed the connection");
    }
    return action;
  }

  private static final ThreadLocal<java.util.Map<Socket, BufferedReader>> readers =
      ThreadLocal.withInitial(java.util.HashMap::new);
}
