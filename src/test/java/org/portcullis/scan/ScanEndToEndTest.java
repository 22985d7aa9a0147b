package org.portcullis.scan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.portcullis.testing.Refs;
import org.portcullis.testing.Senders;
import org.portcullis.testing.SmtpTestClient;
import org.portcullis.testing.TestDnsServer;
import org.portcullis.testing.TestGateway;

/**
 * Scanners over SMTP, answered at the end of DATA before the reply: real clamd refuses EICAR with
 * 554 5.7.1 and its signature, passes a clean attachment with an X-Portcullis-Scan record, and
 * when stopped gives 451 4.3.0 (fail closed) or a tagged delivery (fail open); spamd's verdicts
 * (here from a fake on a real socket) tag, refuse, or time out within {@code scan.timeout-ms}.
 */
class ScanEndToEndTest {

  @TempDir
  Path data;
  @TempDir
  Path peers;
  private TestDnsServer dns;
  private TestGateway gateway;
  private FakeScanner fake;

  private void start(String... settings) throws Exception {
    dns = Senders.describe(TestDnsServer.start());
    gateway = TestGateway.start(data, dns, settings);
  }

  @AfterEach
  void stop() throws Exception {
    if (gateway != null) {
      gateway.close();
    }
    if (dns != null) {
      dns.close();
    }
    if (fake != null) {
      fake.close();
    }
  }

  private String send(String to, String message) throws Exception {
    try (SmtpTestClient client = SmtpTestClient.connect(gateway.smtp(), Senders.GOOD)) {
      client.reply();
      String reply = client.startTransaction(Senders.GOOD_NAME, "alice@good.example", to);
      return reply.startsWith("250") ? client.data(message) : reply;
    }
  }

  private String delivered(String localPart) throws Exception {
    await().atMost(Duration.ofSeconds(10)).until(() -> gateway.delivered("example.test", localPart).size() == 1);
    return Files.readString(gateway.delivered("example.test", localPart).getFirst(), StandardCharsets.UTF_8);
  }

  @Test
  void clamdRefusesAVirusPassesCleanMailAndWhenStoppedTheMailWaits() throws Exception {
    try (ScannerPeers.Peer clamd = ScannerPeers.clamd(peers)) {
      start("scan.clamd.enabled = true", "scan.clamd.address = \"" + clamd.address() + "\"");
      String refused = send("carol@example.test", ScanRequests.withAttachment(ScanRequests.EICAR));
      assertThat(refused).startsWith("554 5.7.1 ").contains("virus (" + ScannerPeers.EICAR_SIGNATURE + ")");
      assertThat(Refs.of(refused)).isNotEmpty();
      assertThat(send("dave@example.test", ScanRequests.withAttachment("the minutes, as text\r\n")))
          .startsWith("250");
      assertThat(delivered("dave")).contains("X-Portcullis-Scan: clamd clean");
    }
    assertThat(send("erin@example.test", ScanRequests.withAttachment("the minutes, as text\r\n")))
        .as("unknown is never a pass").startsWith("451 4.3.0 ");
    assertThat(gateway.delivered("example.test", "erin")).isEmpty();
  }

  @Test
  void withAcceptTaggedAStoppedScannerLetsMailThroughMarked() throws Exception {
    fake = FakeScanner.tcp((c, f) -> c.close());
    start("scan.on-failure = \"accept-tagged\"", "scan.clamd.enabled = true",
        "scan.clamd.address = \"" + fake.address() + "\"");
    assertThat(send("carol@example.test", ScanRequests.message("hello", "a short note"))).startsWith("250");
    assertThat(delivered("carol")).containsPattern("X-Portcullis-Scan: clamd skipped \\((bad reply|unreachable)\\)");
  }

  @Test
  void inScoreModeSpamdsOwnScoreAddsUpWithTheOtherChecksAndTheThresholdsDecide() throws Exception {
    fake = FakeScanner.tcp((c, f) -> {
      String request = new String(FakeScanner.readAll(c, 1 << 20), StandardCharsets.ISO_8859_1);
      String score = request.contains("cheap") ? "7.2" : request.contains("offer") ? "4.5" : "0.4";
      boolean spam = score.equals("7.2");
      FakeScanner.write(c, "SPAMD/1.1 0 EX_OK\r\nSpam: " + (spam ? "True" : "False") + " ; " + score
          + " / 5.0\r\n\r\n" + (spam ? "BAYES_99" : "NO_RELAYS"));
    });
    // A HELO that is not fully qualified adds 2: 4.5 + 2 reaches tag at 6; 7.2 alone quarantines at 7.
    start("scan.spamd.enabled = true", "scan.spamd.address = \"" + fake.address() + "\"",
        "checks.spamd.on-reject = \"score\"", "checks.helo-fqdn.on-reject = \"score\"", "checks.helo-fqdn.score = 2",
        "actions.tag = 6", "actions.quarantine = 7", "actions.reject = 20");
    assertThat(send("erin@example.test", ScanRequests.message("lunch", "noon?"))).startsWith("250");
    assertThat(delivered("erin")).contains("X-Portcullis-Scan: spamd clean, score 0.4 / 5.0",
        "X-Portcullis-Verdict: accept; score=0.4").doesNotContain("X-Spam-Flag");
    try (SmtpTestClient client = SmtpTestClient.connect(gateway.smtp(), Senders.GOOD)) {
      client.reply();
      assertThat(client.startTransaction("mailhost", "alice@good.example", "dave@example.test")).startsWith("250");
      assertThat(client.data(ScanRequests.message("an offer", "for you"))).startsWith("250");
    }
    assertThat(delivered("dave")).containsPattern("X-Portcullis-Verdict: tag; score=6\\.5; ref=")
        .contains("X-Spam-Flag: YES", "(helo-fqdn 2.0, spamd 4.5)");
    assertThat(send("fred@example.test", ScanRequests.message("cheap", "watches"))).as("7.2: quarantined")
        .startsWith("250");
    await().atMost(Duration.ofSeconds(10)).until(() -> gateway.gateway().store().quarantine()
        .list(java.util.Optional.empty(), java.util.Optional.empty(), 10).stream()
        .anyMatch(e -> e.recipients().contains("fred@example.test")));
    assertThat(gateway.delivered("example.test", "fred")).isEmpty();
  }

  @Test
  void spamdTagsOverItsThresholdAndRefusesAtTheRejectScore() throws Exception {
    fake = FakeScanner.tcp((c, f) -> {
      String request = new String(FakeScanner.readAll(c, 1 << 20), StandardCharsets.ISO_8859_1);
      String score = request.contains(ScanRequests.GTUBE) ? "1000.0" : request.contains("cheap") ? "7.2" : "0.4";
      boolean spam = !score.equals("0.4");
      FakeScanner.write(c, "SPAMD/1.1 0 EX_OK\r\nSpam: " + (spam ? "True" : "False") + " ; " + score
          + " / 5.0\r\n\r\n" + (spam ? "GTUBE,BAYES_99" : "NO_RELAYS"));
    });
    start("tagging.subject-prefix = \"[SPAM]\"", "scan.spamd.enabled = true",
        "scan.spamd.address = \"" + fake.address() + "\"");
    String refused = send("carol@example.test", ScanRequests.message("test", ScanRequests.GTUBE));
    assertThat(refused).startsWith("550 5.7.1 ").contains("spam (spamd score 1000.0 / 5.0)");
    // An encoded subject: the prefix goes before the encoded word, never inside it (RFC 2047 5).
    assertThat(send("dave@example.test", "X-Spam-Flag: NO\r\n"
        + ScanRequests.message("=?UTF-8?Q?cheap_w=C3=A4tches?=", "buy now"))).startsWith("250");
    String tagged = delivered("dave");
    assertThat(tagged).contains("X-Portcullis-Tag: spam; check=spamd;", "spamd score 7.2 / 5.0",
        "Subject: [SPAM] =?UTF-8?Q?cheap_w=C3=A4tches?=", "X-Spam-Flag: YES").doesNotContain("X-Spam-Flag: NO");
    assertThat(send("erin@example.test", ScanRequests.message("lunch", "noon?"))).startsWith("250");
    assertThat(delivered("erin")).contains("X-Portcullis-Scan: spamd clean, score 0.4 / 5.0")
        .doesNotContain("[SPAM]").doesNotContain("X-Spam-Flag");
  }

  @Test
  void aHangingSpamdIsAnsweredWithinTheScanTimeout() throws Exception {
    fake = FakeScanner.tcp((c, f) -> {
      FakeScanner.readAll(c, 1 << 20);
      f.released.await();
    });
    start("scan.timeout-ms = 500", "scan.spamd.enabled = true", "scan.spamd.address = \"" + fake.address() + "\"");
    assertThat(send("carol@example.test", ScanRequests.message("hello", "a short note")))
        .startsWith("451 4.3.0 ");
    gateway.close();
    gateway = TestGateway.start(data, dns, "scan.timeout-ms = 500", "scan.on-failure = \"accept-tagged\"",
        "scan.spamd.enabled = true", "scan.spamd.address = \"" + fake.address() + "\"");
    assertThat(send("dave@example.test", ScanRequests.message("hello", "a short note"))).startsWith("250");
    assertThat(delivered("dave")).contains("X-Portcullis-Scan: spamd skipped (timeout)");
  }

  @Test
  void aVerdictKnownOnlyAfterDataFollowsTheChoiceThatSplitTheTransactionAtRcpt() throws Exception {
    fake = FakeScanner.tcp((c, f) -> {
      FakeScanner.readAll(c, 1 << 20);
      FakeScanner.write(c, "SPAMD/1.1 0 EX_OK\r\nSpam: True ; 1000.0 / 5.0\r\n\r\nGTUBE");
    });
    start("checks.spamd.on-reject = \"per-recipient\"", "scan.spamd.enabled = true",
        "scan.spamd.address = \"" + fake.address() + "\"");
    gateway.gateway().store().choices().set("example.test", "spamd", org.portcullis.policy.RecipientChoice.TAG,
        java.time.Instant.now());
    await().atMost(Duration.ofSeconds(10)).until(() -> {
      try (SmtpTestClient client = SmtpTestClient.connect(gateway.smtp(), Senders.GOOD)) {
        client.reply();
        client.startTransaction(Senders.GOOD_NAME, "alice@good.example", "carol@example.test");
        // example.net chose nothing (the refusal stands); example.test chose tag: another transaction
        return client.send("RCPT TO:<dave@example.net>").startsWith("452 4.5.3 ");
      }
    });
    try (SmtpTestClient client = SmtpTestClient.connect(gateway.smtp(), Senders.GOOD)) {
      client.reply();
      assertThat(client.startTransaction(Senders.GOOD_NAME, "alice@good.example", "carol@example.test"))
          .startsWith("250");
      assertThat(client.send("RCPT TO:<dave@example.net>")).startsWith("452 4.5.3 ");
      assertThat(client.data(ScanRequests.message("test", ScanRequests.GTUBE))).startsWith("250");
      assertThat(client.send("MAIL FROM:<alice@good.example>")).startsWith("250");
      assertThat(client.send("RCPT TO:<dave@example.net>")).startsWith("250");
      assertThat(client.data(ScanRequests.message("test", ScanRequests.GTUBE))).as("dave's: the refusal")
          .startsWith("550 5.7.1 ");
      assertThat(client.send("MAIL FROM:<alice@good.example>")).startsWith("250");
      assertThat(client.send("RCPT TO:<postmaster@example.net>")).startsWith("250");
      assertThat(client.data(ScanRequests.message("test", ScanRequests.GTUBE)))
          .as("postmaster is always reachable, so it chooses nothing and nothing is refused").startsWith("250");
    }
    assertThat(delivered("carol")).contains("X-Portcullis-Tag: spam; check=spamd;", "(chosen by domain example.test)");
    assertThat(gateway.delivered("example.net", "dave")).isEmpty();
  }
}
