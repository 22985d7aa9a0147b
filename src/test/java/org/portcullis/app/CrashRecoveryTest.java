package org.portcullis.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.portcullis.testing.Senders;
import org.portcullis.testing.SmtpReceiver;
import org.portcullis.testing.SmtpTestClient;
import org.portcullis.testing.TestDnsServer;
import org.portcullis.testing.TestGateway;

/**
 * Accepted means safe: a gateway in a child JVM is killed with SIGKILL under load; after a
 * restart every message that got a 250 is in the Maildir exactly once, and nothing is there twice.
 */
class CrashRecoveryTest {

  private static final Pattern READY = Pattern.compile("ready: SMTP on 127\\.0\\.0\\.1:(\\d+)");
  private static final Pattern TEST_ID = Pattern.compile("X-Test-Id: (\\d+)");

  @TempDir
  Path data;

  @Test
  void everyAcknowledgedMessageIsDeliveredExactlyOnceAfterAKill() throws Exception {
    try (TestDnsServer dns = Senders.describe(TestDnsServer.start())) {
      Path config = data.resolve("portcullis.toml");
      Files.writeString(config, TestGateway.toml(data, dns.addressText(), "delivery.concurrency = 2"));

      Set<Integer> acknowledged = ConcurrentHashMap.newKeySet();
      Child first = Child.start(config, data.resolve("first.log"));
      try {
        loadUntilKilled(first, acknowledged);
      } finally {
        first.kill();
      }

      Child second = Child.start(config, data.resolve("second.log"));
      try {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
            .until(() -> deliveredIds().keySet().containsAll(acknowledged));
        Thread.sleep(500);
        Map<Integer, Integer> delivered = deliveredIds();
        assertThat(acknowledged).hasSizeGreaterThanOrEqualTo(150);
        for (int id : acknowledged) {
          assertThat(delivered.get(id)).as("copies of acknowledged message " + id).isEqualTo(1);
        }
        assertThat(delivered.values()).as("no message is delivered twice").allMatch(copies -> copies == 1);
      } finally {
        second.stop();
      }
    }
  }

  @Test
  void aMessageWhoseOutboundDeliveryWasCutByAKillIsDeliveredOnceAfterTheRestart() throws Exception {
    int port;
    try (java.net.ServerSocket probe = new java.net.ServerSocket(0, 1, java.net.InetAddress.ofLiteral("127.0.0.1"))) {
      port = probe.getLocalPort();
    }
    CountDownLatch inFlight = new CountDownLatch(1);
    CountDownLatch killed = new CountDownLatch(1);
    try (TestDnsServer dns = TestDnsServer.start();
        SmtpReceiver mx = SmtpReceiver.on(java.net.InetAddress.ofLiteral("127.0.0.22"), port).endOfData(n -> {
          if (n > 1) {
            return "250 2.0.0 Ok: queued";
          }
          // The first copy arrives whole, but the sender dies before our answer: it must not count.
          inFlight.countDown();
          try {
            killed.await(60, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          return "421 4.3.0 the client went away";
        }).start()) {
      dns.mx("crash.test", 10, "mx.crash.test").a("mx.crash.test", "127.0.0.22");
      Path config = data.resolve("portcullis.toml");
      Files.writeString(config, TestGateway.toml(data, dns.addressText(), "delivery.remote-port = " + port));

      Child first = Child.start(config, data.resolve("first.log"));
      try (SmtpTestClient client = SmtpTestClient.connect(first.smtp, "127.0.0.100")) {
        client.reply();
        assertThat(client.startTransaction("lan.example.test", "alice@example.test", "bob@crash.test")).startsWith("250");
        assertThat(client.data("Subject: cut short\r\n\r\nonce only\r\n")).startsWith("250");
      }
      assertThat(inFlight.await(30, TimeUnit.SECONDS)).as("the delivery reached the remote's end of data").isTrue();
      first.kill();
      killed.countDown();

      Child second = Child.start(config, data.resolve("second.log"));
      try {
        await().atMost(Duration.ofSeconds(30)).until(() -> mx.received().size() == 1);
        Thread.sleep(1000);
        assertThat(mx.received()).singleElement().satisfies(r -> assertThat(r.data()).contains("once only"));
        assertThat(mx.transactions()).isEqualTo(2);
        await().atMost(Duration.ofSeconds(10)).until(() -> Files.readString(data.resolve("second.log"))
            .contains("status=sent"));
      } finally {
        second.stop();
      }
    }
  }

  /** Eight clients send until 150 messages are acknowledged; then the gateway is killed with SIGKILL mid-load. */
  private static void loadUntilKilled(Child gateway, Set<Integer> acknowledged) throws Exception {
    AtomicBoolean stop = new AtomicBoolean();
    AtomicInteger next = new AtomicInteger();
    CountDownLatch enough = new CountDownLatch(150);
    Thread[] senders = new Thread[8];
    for (int i = 0; i < senders.length; i++) {
      String source = i % 2 == 0 ? Senders.GOOD : Senders.GOOD_2;
      senders[i] = Thread.ofVirtual().start(() -> {
        while (!stop.get()) {
          int id = next.incrementAndGet();
          try {
            if (send(gateway.smtp, source, id)) {
              acknowledged.add(id);
              enough.countDown();
            }
          } catch (IOException killed) {
            return;
          }
        }
      });
    }
    try {
      assertThat(enough.await(60, TimeUnit.SECONDS)).as("150 messages acknowledged before the kill").isTrue();
      gateway.kill();
    } finally {
      stop.set(true);
      for (Thread sender : senders) {
        sender.join(Duration.ofSeconds(30));
      }
    }
  }

  private static boolean send(InetSocketAddress smtp, String source, int id) throws IOException {
    try (SmtpTestClient client = SmtpTestClient.connect(smtp, source)) {
      if (!client.reply().startsWith("220")) {
        return false;
      }
      String host = source.equals(Senders.GOOD) ? Senders.GOOD_NAME : "mail2.good.example";
      if (!client.startTransaction(host, "load@good.example", "crash@example.test").startsWith("250")) {
        return false;
      }
      String reply = client.data("From: load@good.example\r\nSubject: crash test " + id + "\r\nX-Test-Id: " + id
          + "\r\n\r\n"
          + "body of message " + id + "\r\n" + ("x".repeat(98) + "\r\n").repeat(15));
      return reply != null && reply.startsWith("250");
    }
  }

  /** Test id -> number of Maildir files holding it. */
  private Map<Integer, Integer> deliveredIds() throws IOException {
    Path dir = data.resolve("maildir/example.test/crash/new");
    Map<Integer, Integer> counts = new HashMap<>();
    if (!Files.isDirectory(dir)) {
      return counts;
    }
    List<Path> files;
    try (Stream<Path> list = Files.list(dir)) {
      files = list.toList();
    }
    for (Path file : files) {
      Matcher m = TEST_ID.matcher(Files.readString(file, StandardCharsets.UTF_8));
      if (m.find()) {
        counts.merge(Integer.parseInt(m.group(1)), 1, Integer::sum);
      }
    }
    return counts;
  }

  /** The gateway as a separate JVM, started with the test classpath. */
  private static final class Child {
    final Process process;
    final InetSocketAddress smtp;

    private Child(Process process, InetSocketAddress smtp) {
      this.process = process;
      this.smtp = smtp;
    }

    static Child start(Path config, Path log) throws Exception {
      String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
      Process process = new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED", "-Xmx256m",
          "-Dportcullis.test.log.level=INFO", "-cp", System.getProperty("java.class.path"),
          "org.portcullis.cli.Main", "serve", "-c", config.toString())
          .redirectErrorStream(true).start();
      BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
      CountDownLatch ready = new CountDownLatch(1);
      int[] port = {0};
      Thread.ofVirtual().start(() -> {
        try (var writer = Files.newBufferedWriter(log)) {
          for (String line = out.readLine(); line != null; line = out.readLine()) {
            writer.write(line);
            writer.newLine();
            writer.flush();
            Matcher m = READY.matcher(line);
            if (m.find()) {
              port[0] = Integer.parseInt(m.group(1));
              ready.countDown();
            }
          }
        } catch (IOException ignored) {
          // the child went away
        }
      });
      if (!ready.await(60, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new AssertionError("the gateway did not start; see " + log + ":\n" + Files.readString(log));
      }
      return new Child(process, new InetSocketAddress("127.0.0.1", port[0]));
    }

    void kill() throws InterruptedException {
      process.destroyForcibly();
      process.waitFor(30, TimeUnit.SECONDS);
    }

    void stop() throws InterruptedException {
      process.destroy();
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    }
  }
}
