package org.portcullis.scan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.portcullis.testing.FakeClock;

/**
 * spamd's and clamd's protocols against fakes on real sockets that answer, hang, never read, drip,
 * babble, answer too much or close early; and the limits around every scan: the size cap, the
 * concurrency cap, the total deadline and the circuit breaker. Every failure is a Failed result,
 * never a pass and never an exception.
 */
class GuardedScannerTest {

  private static final String HAM = ScanRequests.message("lunch", "Shall we meet at noon?");
  private static final Duration TIMEOUT = Duration.ofMillis(400);

  private final FakeClock clock = new FakeClock();
  private FakeScanner fake;

  @AfterEach
  void close() throws Exception {
    if (fake != null) {
      fake.close();
    }
  }

  private GuardedScanner spamd(int concurrency, int breakerFailures) throws Exception {
    return new GuardedScanner(new SpamdScanner(fake.address(), Optional.of("portcullis"), 10.0),
        new GuardedScanner.Limits(512 * 1024, concurrency, TIMEOUT),
        new CircuitBreaker(breakerFailures, Duration.ofSeconds(30), clock));
  }

  private static ScanResult scan(GuardedScanner scanner, String message) {
    return scanner.scan(ScanRequests.of(message), Long.MAX_VALUE);
  }

  private static final FakeScanner.Behaviour SPAMD_SPAM = (c, fake) -> {
    fake.record(FakeScanner.readAll(c, 1 << 20));
    FakeScanner.write(c, "SPAMD/1.1 0 EX_OK\r\nContent-length: 5\r\nSpam: True ; 1000.0 / 5.0\r\n\r\nGTUBE");
  };

  private static final FakeScanner.Behaviour HANG = (c, fake) -> {
    FakeScanner.readAll(c, 1 << 20);
    fake.released.await();
  };

  @Test
  void spamdIsSentSymbolsWithTheLengthTheUserAndTheExactMessage() throws Exception {
    fake = FakeScanner.tcp(SPAMD_SPAM);
    ScanResult result = scan(spamd(4, 5), HAM);
    assertThat(result).isInstanceOf(ScanResult.Spam.class);
    String request = new String(fake.requests().getFirst(), StandardCharsets.ISO_8859_1);
    assertThat(request).isEqualTo("SYMBOLS SPAMC/1.5\r\nContent-length: " + HAM.length()
        + "\r\nUser: portcullis\r\n\r\n" + HAM);
  }

  @Test
  void aScannerThatNeverAnswersIsATimeoutAtTheDeadline() throws Exception {
    fake = FakeScanner.tcp(HANG);
    ScanResult result = scan(spamd(4, 5), HAM);
    assertThat(result).isInstanceOfSatisfying(ScanResult.Failed.class,
        f -> assertThat(f.failure()).isEqualTo(ScanResult.Failure.TIMEOUT));
  }

  @Test
  void aScannerThatNeverReadsALargeMessageIsATimeoutToo() throws Exception {
    fake = FakeScanner.tcp((c, f) -> f.released.await());
    String large = ScanRequests.message("big", "x".repeat(78) + "\r\n".repeat(1)).repeat(1)
        + ("y".repeat(998) + "\r\n").repeat(500);
    ScanResult result = scan(spamd(4, 5), large);
    assertThat(result).isInstanceOfSatisfying(ScanResult.Failed.class,
        f -> assertThat(f.failure()).isEqualTo(ScanResult.Failure.TIMEOUT));
  }

  @Test
  void aReplyThatDripsPastTheDeadlineIsATimeoutNotAnIdleWait() throws Exception {
    fake = FakeScanner.tcp((c, f) -> {
      FakeScanner.readAll(c, 1 << 20);
      for (int i = 0; i < 1000 && f.released.getCount() > 0; i++) {
        FakeScanner.write(c, "S");
        f.released.await(50, java.util.concurrent.TimeUnit.MILLISECONDS);
      }
    });
    assertThat(scan(spamd(4, 5), HAM)).isInstanceOfSatisfying(ScanResult.Failed.class,
        f -> assertThat(f.failure()).isEqualTo(ScanResult.Failure.TIMEOUT));
  }

  @Test
  void babbleAHugeReplyAndAnEarlyCloseAreNoAnswer() throws Exception {
    fake = FakeScanner.tcp((c, f) -> {
      FakeScanner.readAll(c, 1 << 20);
      FakeScanner.write(c, "220 mail.example ESMTP\r\n");
    });
    GuardedScanner scanner = spamd(4, 100);
    assertThat(scan(scanner, HAM)).isInstanceOfSatisfying(ScanResult.Failed.class,
        f -> assertThat(f.failure()).isEqualTo(ScanResult.Failure.BAD_REPLY));
    fake.behave((c, f) -> {
      FakeScanner.readAll(c, 1 << 20);
      FakeScanner.write(c, "SPAMD/1.1 0 EX_OK\r\nSpam: True ; 6 / 5\r\n\r\n" + "A,".repeat(40_000));
    });
    assertThat(scan(scanner, HAM)).isInstanceOfSatisfying(ScanResult.Failed.class,
        f -> assertThat(f.detail()).contains("more than"));
    fake.behave((c, f) -> c.close());
    assertThat(scan(scanner, HAM)).isInstanceOf(ScanResult.Failed.class);
  }

  @Test
  void aScannerThatIsNotRunningIsUnreachable() throws Exception {
    fake = FakeScanner.tcp(HANG);
    GuardedScanner scanner = spamd(4, 5);
    fake.close();
    assertThat(scan(scanner, HAM)).isInstanceOfSatisfying(ScanResult.Failed.class,
        f -> assertThat(f.failure()).isEqualTo(ScanResult.Failure.UNREACHABLE));
  }

  @Test
  void aMessageOverTheSizeCapIsSkippedWithoutAConnection() throws Exception {
    fake = FakeScanner.tcp(SPAMD_SPAM);
    GuardedScanner scanner = new GuardedScanner(new SpamdScanner(fake.address(), Optional.empty(), 10.0),
        new GuardedScanner.Limits(HAM.length() - 1, 4, TIMEOUT), new CircuitBreaker(5, Duration.ofSeconds(30), clock));
    assertThat(scan(scanner, HAM)).isInstanceOfSatisfying(ScanResult.Skipped.class,
        s -> assertThat(s.reason()).isEqualTo("size"));
    assertThat(fake.connections()).isZero();
  }

  @Test
  void pastTheConcurrencyCapAScanWaitsForATurnWithinItsDeadlineThenIsBusy() throws Exception {
    fake = FakeScanner.tcp(HANG);
    GuardedScanner scanner = new GuardedScanner(new SpamdScanner(fake.address(), Optional.empty(), 10.0),
        new GuardedScanner.Limits(512 * 1024, 1, Duration.ofSeconds(30)),
        new CircuitBreaker(5, Duration.ofSeconds(30), clock));
    CompletableFuture<ScanResult> first = CompletableFuture.supplyAsync(() -> scan(scanner, HAM));
    await().atMost(Duration.ofSeconds(10)).until(() -> fake.connections() == 1);
    ScanResult second = scanner.scan(ScanRequests.of(HAM), System.nanoTime() + TIMEOUT.toNanos());
    assertThat(second).isInstanceOfSatisfying(ScanResult.Failed.class,
        f -> assertThat(f.failure()).isEqualTo(ScanResult.Failure.BUSY));
    assertThat(fake.connections()).as("the second scan never connected").isEqualTo(1);
    fake.close();
    assertThat(first.get()).isInstanceOf(ScanResult.Failed.class);
  }

  @Test
  void afterRepeatedFailuresTheBreakerFailsScansAtOnceThenProbes() throws Exception {
    fake = FakeScanner.tcp((c, f) -> c.close());
    GuardedScanner scanner = spamd(4, 2);
    scan(scanner, HAM);
    scan(scanner, HAM);
    assertThat(fake.connections()).isEqualTo(2);
    assertThat(scan(scanner, HAM)).isInstanceOfSatisfying(ScanResult.Failed.class,
        f -> assertThat(f.failure()).isEqualTo(ScanResult.Failure.CIRCUIT_OPEN));
    assertThat(fake.connections()).as("an open breaker does not connect").isEqualTo(2);
    fake.behave(SPAMD_SPAM);
    clock.advance(Duration.ofSeconds(30));
    assertThat(scan(scanner, HAM)).as("the probe").isInstanceOf(ScanResult.Spam.class);
    assertThat(scanner.breaker().state()).isEqualTo(CircuitBreaker.State.CLOSED);
    assertThat(scanner.results("failed")).as("counted for the metrics").isEqualTo(3);
    assertThat(scanner.results("spam")).isEqualTo(1);
    assertThat(scanner.results("clean")).isZero();
  }

  @Test
  void clamdOverAUnixSocketGetsTheMessageInLengthPrefixedChunks(@TempDir Path dir) throws Exception {
    fake = FakeScanner.unix(dir.resolve("clamd.ctl"), (c, f) -> {
      ByteBuffer command = ByteBuffer.allocate(10);
      while (command.hasRemaining() && c.read(command) >= 0) {
        // "zINSTREAM\0"
      }
      java.io.ByteArrayOutputStream stream = new java.io.ByteArrayOutputStream();
      stream.write(command.array());
      while (true) {
        ByteBuffer length = ByteBuffer.allocate(4);
        while (length.hasRemaining() && c.read(length) >= 0) {
          // the chunk's length
        }
        int n = length.flip().getInt();
        if (n == 0) {
          break;
        }
        ByteBuffer chunk = ByteBuffer.allocate(n);
        while (chunk.hasRemaining() && c.read(chunk) >= 0) {
          // the chunk
        }
        stream.write(chunk.array());
      }
      f.record(stream.toByteArray());
      FakeScanner.write(c, "stream: OK\0");
    });
    String large = ScanRequests.message("big", ("z".repeat(998) + "\r\n").repeat(200));
    GuardedScanner clamd = new GuardedScanner(new ClamdScanner(fake.address()),
        new GuardedScanner.Limits(1 << 20, 4, Duration.ofSeconds(10)), new CircuitBreaker(5, Duration.ofSeconds(30),
            clock));
    assertThat(scan(clamd, large)).isInstanceOf(ScanResult.Clean.class);
    assertThat(new String(fake.requests().getFirst(), StandardCharsets.ISO_8859_1)).isEqualTo("zINSTREAM\0" + large);
  }

  @Test
  void clamdsSizeLimitErrorMidStreamIsABadReplyNotAPass() throws Exception {
    fake = FakeScanner.tcp((c, f) -> {
      FakeScanner.write(c, "INSTREAM size limit exceeded. ERROR\0");
      c.shutdownOutput();
      f.released.await();
    });
    GuardedScanner clamd = new GuardedScanner(new ClamdScanner(fake.address()),
        new GuardedScanner.Limits(1 << 20, 4, TIMEOUT), new CircuitBreaker(5, Duration.ofSeconds(30), clock));
    assertThat(scan(clamd, HAM)).isInstanceOfSatisfying(ScanResult.Failed.class,
        f -> assertThat(f.detail()).contains("size limit exceeded"));
  }
}
