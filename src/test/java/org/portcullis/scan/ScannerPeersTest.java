package org.portcullis.scan;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.portcullis.testing.FakeClock;

/**
 * Our clients against the real daemons from Debian: clamd finds EICAR in an attachment and passes
 * a clean one; spamd and rspamd catch GTUBE and pass ham; a stopped clamd is no answer, never a pass.
 */
class ScannerPeersTest {

  private static final String HAM = ScanRequests.message("lunch tomorrow",
      "Shall we meet at noon at the usual place? I will bring the minutes of last week's meeting.");
  private static final String SPAM = ScanRequests.message("test", ScanRequests.GTUBE);

  private static GuardedScanner guarded(Scanner scanner) {
    return new GuardedScanner(scanner, new GuardedScanner.Limits(512 * 1024, 4, Duration.ofSeconds(30)),
        new CircuitBreaker(5, Duration.ofSeconds(30), new FakeClock()));
  }

  private static ScanResult scan(GuardedScanner scanner, String message) {
    return scanner.scan(ScanRequests.of(message), Long.MAX_VALUE);
  }

  @Test
  void clamdRefusesEicarInAnAttachmentPassesACleanOneAndStoppedIsNoAnswer(@TempDir Path dir) throws Exception {
    GuardedScanner clamd;
    try (ScannerPeers.Peer peer = ScannerPeers.clamd(dir)) {
      clamd = guarded(new ClamdScanner(peer.address()));
      assertThat(scan(clamd, ScanRequests.withAttachment(ScanRequests.EICAR)))
          .isEqualTo(new ScanResult.Infected("clamd", ScannerPeers.EICAR_SIGNATURE));
      assertThat(scan(clamd, ScanRequests.withAttachment("a harmless attachment, only text\r\n")))
          .isInstanceOf(ScanResult.Clean.class);
    }
    assertThat(scan(clamd, ScanRequests.withAttachment(ScanRequests.EICAR)))
        .isInstanceOfSatisfying(ScanResult.Failed.class,
            f -> assertThat(f.failure()).isEqualTo(ScanResult.Failure.UNREACHABLE));
  }

  @Test
  void spamdCatchesGtubeAndPassesHam(@TempDir Path dir) throws Exception {
    try (ScannerPeers.Peer peer = ScannerPeers.spamd(dir)) {
      GuardedScanner spamd = guarded(new SpamdScanner(peer.address(), Optional.empty(), 10.0));
      assertThat(scan(spamd, SPAM)).isInstanceOfSatisfying(ScanResult.Spam.class, s -> {
        assertThat(s.symbols()).contains("GTUBE");
        assertThat(s.score().threshold()).isEqualTo(5.0);
        assertThat(s.action()).isEqualTo(ScanResult.SpamAction.REJECT);
      });
      assertThat(scan(spamd, HAM)).isInstanceOfSatisfying(ScanResult.Clean.class,
          c -> assertThat(c.score()).hasValueSatisfying(s -> assertThat(s.value()).isLessThan(5.0)));
    }
  }

  @Test
  void rspamdCatchesGtubeAndPassesHam(@TempDir Path dir) throws Exception {
    try (ScannerPeers.Peer peer = ScannerPeers.rspamd(dir)) {
      GuardedScanner rspamd = guarded(new RspamdScanner(java.net.URI.create("http://127.0.0.1:" + peer.port()
          + "/checkv2"), Optional.empty(), Duration.ofSeconds(30)));
      assertThat(scan(rspamd, SPAM)).isInstanceOfSatisfying(ScanResult.Spam.class, s -> {
        assertThat(s.symbols()).contains("GTUBE");
        assertThat(s.action()).isEqualTo(ScanResult.SpamAction.REJECT);
      });
      assertThat(scan(rspamd, HAM)).isInstanceOf(ScanResult.Clean.class);
    }
  }
}
