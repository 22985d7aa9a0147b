package org.portcullis.scan;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.portcullis.testing.FakeClock;

/**
 * rspamd's {@code /checkv2} against a real HTTP server on loopback: the envelope goes in rspamd's
 * headers and the message as the body; a reply that hangs, drips, is not JSON or is an HTTP error is
 * no answer.
 */
class RspamdScannerTest {

  private static final String HAM = ScanRequests.message("lunch", "Shall we meet at noon?");

  private HttpServer server;
  private final CountDownLatch released = new CountDownLatch(1);
  private final Map<String, List<String>> seenHeaders = new ConcurrentHashMap<>();
  private volatile byte[] seenBody;

  @BeforeEach
  void start() throws Exception {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    server.start();
  }

  @AfterEach
  void stop() {
    released.countDown();
    server.stop(0);
  }

  private void answer(String path, int status, String body) {
    server.createContext(path, exchange -> {
      seenBody = exchange.getRequestBody().readAllBytes();
      exchange.getRequestHeaders().forEach(seenHeaders::put);
      send(exchange, status, body);
    });
  }

  private static void send(HttpExchange exchange, int status, String body) throws java.io.IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.sendResponseHeaders(status, bytes.length);
    exchange.getResponseBody().write(bytes);
    exchange.close();
  }

  private ScanResult scan(String path, Duration timeout) {
    URI url = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
    GuardedScanner scanner = new GuardedScanner(new RspamdScanner(url, Optional.empty(), timeout),
        new GuardedScanner.Limits(512 * 1024, 4, timeout), new CircuitBreaker(5, Duration.ofSeconds(30),
            new FakeClock()));
    return scanner.scan(ScanRequests.of(HAM), Long.MAX_VALUE);
  }

  @Test
  void theEnvelopeGoesInRspamdsHeadersAndTheMessageAsTheBody() {
    answer("/checkv2", 200, "{\"action\":\"reject\",\"score\":15.0,\"required_score\":15.0,"
        + "\"symbols\":{\"GTUBE\":{\"score\":0}}}");
    assertThat(scan("/checkv2", Duration.ofSeconds(10))).isInstanceOf(ScanResult.Spam.class);
    assertThat(new String(seenBody, StandardCharsets.ISO_8859_1)).isEqualTo(HAM);
    assertThat(seenHeaders).containsEntry("Ip", List.of("192.0.2.10")).containsEntry("Helo",
        List.of("mail.good.example")).containsEntry("From", List.of("alice@good.example"))
        .containsEntry("Rcpt", List.of("carol@example.test", "dave@example.test"))
        .containsEntry("Hostname", List.of("mail.good.example")).containsEntry("Queue-id", List.of("0123abcd"))
        .doesNotContainKey("User");
  }

  @Test
  void anHttpErrorOrAReplyThatIsNotJsonIsNoAnswer() {
    answer("/error", 500, "{\"error\":\"cannot parse message\"}");
    answer("/html", 200, "<html>not rspamd</html>");
    assertThat(scan("/error", Duration.ofSeconds(10))).isInstanceOfSatisfying(ScanResult.Failed.class, f -> {
      assertThat(f.failure()).isEqualTo(ScanResult.Failure.BAD_REPLY);
      assertThat(f.detail()).contains("HTTP 500", "cannot parse message");
    });
    assertThat(scan("/html", Duration.ofSeconds(10))).isInstanceOfSatisfying(ScanResult.Failed.class,
        f -> assertThat(f.failure()).isEqualTo(ScanResult.Failure.BAD_REPLY));
  }

  @Test
  void aServerThatNeverAnswersIsATimeout() {
    server.createContext("/hang", exchange -> {
      exchange.getRequestBody().readAllBytes();
      try {
        released.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      exchange.close();
    });
    assertThat(scan("/hang", Duration.ofMillis(400))).isInstanceOfSatisfying(ScanResult.Failed.class,
        f -> assertThat(f.failure()).isEqualTo(ScanResult.Failure.TIMEOUT));
  }

  @Test
  void aBodyThatDripsPastTheDeadlineIsATimeout() {
    server.createContext("/drip", exchange -> {
      exchange.getRequestBody().readAllBytes();
      exchange.sendResponseHeaders(200, 0);
      try {
        for (int i = 0; i < 1000 && !released.await(50, TimeUnit.MILLISECONDS); i++) {
          exchange.getResponseBody().write(' ');
          exchange.getResponseBody().flush();
        }
      } catch (InterruptedException | java.io.IOException e) {
        // the client gave up
      }
      exchange.close();
    });
    assertThat(scan("/drip", Duration.ofMillis(400))).isInstanceOfSatisfying(ScanResult.Failed.class,
        f -> assertThat(f.failure()).isEqualTo(ScanResult.Failure.TIMEOUT));
  }

  @Test
  void aHugeReplyIsRefused() {
    answer("/huge", 200, "{\"action\":\"no action\",\"score\":0,\"x\":\"" + "a".repeat(RspamdScanner.REPLY_MAX) + "\"}");
    assertThat(scan("/huge", Duration.ofSeconds(10))).isInstanceOfSatisfying(ScanResult.Failed.class,
        f -> assertThat(f.detail()).contains("more than"));
  }
}
