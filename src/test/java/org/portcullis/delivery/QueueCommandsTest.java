package org.portcullis.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.portcullis.cli.Main;
import org.portcullis.testing.SmtpReceiver;
import org.portcullis.testing.SmtpTestClient;
import org.portcullis.testing.TestDnsServer;
import org.portcullis.testing.TestGateway;

/** {@code portcullis queue ...} against a running gateway through its control socket, and the queue metrics. */
class QueueCommandsTest {

  @TempDir
  Path data;

  record Run(int code, String out, String err) {}

  private Run cli(Path config, String... args) {
    String[] all = new String[args.length + 2];
    System.arraycopy(args, 0, all, 0, args.length);
    all[args.length] = "-c";
    all[args.length + 1] = config.toString();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.execute(all, new PrintWriter(out, true), new PrintWriter(err, true));
    return new Run(code, out.toString(), err.toString());
  }

  private static String send(TestGateway gateway, String subject, String rcpt) throws Exception {
    try (SmtpTestClient client = SmtpTestClient.connect(gateway.smtp(), "127.0.0.100")) {
      client.reply();
      client.send("EHLO lan.example.test");
      client.send("MAIL FROM:<alice@example.test>");
      client.send("RCPT TO:<" + rcpt + ">");
      String reply = client.data("Subject: " + subject + "\r\n\r\nHello.\r\n");
      return reply.substring(reply.lastIndexOf(' ') + 1);
    }
  }

  @Test
  void deferredMessagesAreListedShownHeldReleasedFlushedAndDeleted() throws Exception {
    int port;
    try (java.net.ServerSocket probe = new java.net.ServerSocket(0, 1, InetAddress.ofLiteral("127.0.0.1"))) {
      port = probe.getLocalPort();
    }
    AtomicBoolean open = new AtomicBoolean(false);
    try (TestDnsServer dns = TestDnsServer.start();
        SmtpReceiver mx = SmtpReceiver.on(InetAddress.ofLiteral("127.0.0.21"), port)
            .rcpt(to -> open.get() ? "250 2.1.5 Ok" : "451 4.3.0 <" + to + ">: try again later").start()) {
      dns.mx("queue.test", 10, "mx.queue.test").a("mx.queue.test", "127.0.0.21");
      String[] settings = {"delivery.remote-port = " + port, "delivery.retry-initial-seconds = 3600",
          "delivery.retry-max-seconds = 3600"};
      Path config = data.resolve("portcullis.toml");
      Files.writeString(config, TestGateway.toml(data, dns.addressText(), settings));
      TestGateway gateway = TestGateway.start(data, dns, settings);
      String kept;
      String dropped;
      try {
        kept = send(gateway, "to be held", "held@queue.test");
        dropped = send(gateway, "to be deleted", "dropped@queue.test");
        await().atMost(Duration.ofSeconds(20)).until(() -> gateway.gateway().spool().messages().stream()
            .allMatch(m -> m.attempts() >= 1));

        Run list = cli(config, "queue", "list");
        assertThat(list.code()).as(list.err()).isZero();
        assertThat(list.out()).contains(kept, dropped, "deferred", "<alice@example.test>", "pending",
            "<held@queue.test>", "last error: ", "451 4.3.0", "2 messages");
        Run show = cli(config, "queue", "show", kept);
        assertThat(show.out()).contains("Subject: to be held", "attempts", "recipient    <held@queue.test> pending");

        assertThat(cli(config, "queue", "hold", kept).out()).isEqualTo(kept + " held\n");
        assertThat(cli(config, "queue", "delete", dropped).out()).isEqualTo(dropped + " deleted\n");
        open.set(true);
        assertThat(cli(config, "queue", "flush").out()).isEqualTo("flushed 0 deferred message(s)\n");
        // A message sent now is delivered at once; when it has arrived, a held or deleted one would have too.
        assertThat(send(gateway, "a marker", "marker@queue.test")).as("queued").isNotBlank();
        await().atMost(Duration.ofSeconds(20)).until(() -> mx.received().size() >= 1);
        assertThat(mx.received()).as("held: not delivered; deleted: gone").singleElement()
            .satisfies(r -> assertThat(r.to()).containsExactly("<marker@queue.test>"));
        assertThat(cli(config, "queue", "list").out()).contains(kept, "held").doesNotContain(dropped);

        HttpResponse<String> metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
            "http://127.0.0.1:" + gateway.gateway().webPort().orElseThrow() + "/metrics")).build(),
            HttpResponse.BodyHandlers.ofString());
        assertThat(metrics.body()).contains("portcullis_queue_messages{state=\"held\"} 1.0",
            "portcullis_delivery_recipients_total{outcome=\"deferred\"} 2.0");
      } finally {
        gateway.close();
      }
      assertThat(cli(config, "queue", "list").err()).as("no server running").contains("cannot reach the running server");

      // The hold is kept across a restart; release delivers at once.
      TestGateway again = TestGateway.start(data, dns, settings);
      try {
        assertThat(cli(config, "queue", "list").out()).as("the hold and the last error survive")
            .contains(kept, "held", "last error: ", "451 4.3.0");
        assertThat(cli(config, "queue", "release", kept).out()).isEqualTo(kept + " released\n");
        await().atMost(Duration.ofSeconds(20)).until(() -> mx.received().size() == 2);
        assertThat(mx.received().getLast().data()).contains("Subject: to be held");
        await().atMost(Duration.ofSeconds(10)).until(() -> cli(config, "queue", "list").out()
            .contains("the queue is empty"));
      } finally {
        again.close();
      }
    }
  }

  @Test
  void badIdsAndUnknownMessagesAreClearErrors() throws Exception {
    try (TestDnsServer dns = TestDnsServer.start(); TestGateway gateway = TestGateway.start(data, dns)) {
      Path config = data.resolve("portcullis.toml");
      Files.writeString(config, TestGateway.toml(data, dns.addressText()));
      Run bad = cli(config, "queue", "show", "../../etc/passwd");
      assertThat(bad.code()).isEqualTo(2);
      assertThat(bad.err()).contains("not a queue id");
      Run unknown = cli(config, "queue", "hold", "2NS77A9D3SMX");
      assertThat(unknown.code()).isEqualTo(1);
      assertThat(unknown.err()).contains("no message 2NS77A9D3SMX in the queue");
      assertThat(cli(config, "queue", "release", "2NS77A9D3SMX").err()).contains("no held message");
      assertThat(cli(config, "queue", "list").out()).isEqualTo("the queue is empty\n");
    }
  }
}
