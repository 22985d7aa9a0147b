package org.portcullis.verdicts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.portcullis.cli.Main;
import org.portcullis.testing.Refs;
import org.portcullis.testing.Senders;
import org.portcullis.testing.SmtpTestClient;
import org.portcullis.testing.TestDnsServer;
import org.portcullis.testing.TestGateway;

/**
 * Scores, rspamd-style, over SMTP: checks with {@code on-reject = "score"} add points, and the
 * {@code [actions]} thresholds in the configuration decide what the total becomes: accept, tag,
 * rewrite-subject, quarantine or reject (at RCPT when the points are known before DATA), with
 * {@code X-Portcullis-Verdict} recording the score. dnsbl adds 6, a dynamic PTR 4, a HELO that is not
 * fully qualified 2; tag at 3, rewrite-subject at 5, quarantine at 8, reject at 10.
 */
class ScoreActionsEndToEndTest {

  private static final String DYNAMIC_LISTED = "127.0.3.2";
  private static final String[] SETTINGS = {
      "dnsbl.zones = [{name = \"zen.test\"}]",
      "checks.dnsbl.on-reject = \"score\"", "checks.dnsbl.score = 6",
      "checks.client-generic-ptr.on-reject = \"score\"", "checks.client-generic-ptr.score = 4",
      "checks.helo-fqdn.on-reject = \"score\"", "checks.helo-fqdn.score = 2",
      "actions.tag = 3", "actions.rewrite-subject = 5", "actions.quarantine = 8", "actions.reject = 10"};

  @TempDir
  static Path data;
  static TestDnsServer dns;
  static TestGateway gateway;

  @BeforeAll
  static void start() throws Exception {
    dns = Senders.describe(TestDnsServer.start());
    dns.host(DYNAMIC_LISTED, "127-0-3-2.dyn.isp.example");
    dns.a("2.0.0.127.zen.test", "127.0.0.2");
    dns.a("1.1.0.127.zen.test", "127.0.0.2"); // Senders.GOOD
    dns.a("2.3.0.127.zen.test", "127.0.0.2"); // DYNAMIC_LISTED
    Files.writeString(data.resolve("portcullis.toml"), TestGateway.toml(data, dns.addressText(), SETTINGS));
    gateway = TestGateway.start(data, dns, SETTINGS);
  }

  @AfterAll
  static void stop() {
    if (gateway != null) {
      gateway.close();
    }
    if (dns != null) {
      dns.close();
    }
  }

  /** The reply to the first refused RCPT, else the reply to DATA. */
  private static String send(String source, String helo, String from, String to, String headers) throws Exception {
    try (SmtpTestClient smtp = SmtpTestClient.connect(gateway.smtp(), source)) {
      smtp.reply();
      String rcpt = smtp.startTransaction(helo, from, to);
      return rcpt.startsWith("250") ? smtp.data(headers + "From: " + from + "\r\nSubject: hello\r\n\r\nbody\r\n")
          : rcpt;
    }
  }

  private static String delivered(String local) throws Exception {
    await().atMost(Duration.ofSeconds(10)).until(() -> gateway.delivered("example.test", local).size() == 1);
    return Files.readString(gateway.delivered("example.test", local).getFirst(), StandardCharsets.UTF_8);
  }

  private static String why(String reference) {
    StringWriter out = new StringWriter();
    Main.execute(new String[] {"why", reference, "-c", data.resolve("portcullis.toml").toString()},
        new PrintWriter(out, true), new PrintWriter(new StringWriter(), true));
    return out.toString();
  }

  @Test
  void belowTheTagThresholdTheMessageIsOnlyScored() throws Exception {
    assertThat(send(Senders.GOOD_2, "mailhost", "ann@good.example", "ann@example.test", "")).startsWith("250");
    String message = delivered("ann");
    assertThat(message).contains("X-Portcullis-Verdict: accept; score=2.0").doesNotContain("X-Spam-Flag",
        "X-Portcullis-Tag: spam");
  }

  @Test
  void fourPointsTagAndAForgedVerdictIsDropped() throws Exception {
    assertThat(send(Senders.DYNAMIC, "127-0-3-1.dyn.isp.example", "bob@isp.example", "tom@example.test",
        "X-Portcullis-Verdict: accept; score=-100\r\nX-Spam-Flag: NO\r\n")).startsWith("250");
    String message = delivered("tom");
    assertThat(message).containsPattern("X-Portcullis-Verdict: tag; score=4\\.0; ref=[0-9A-Z]{16}")
        .contains("X-Spam-Flag: YES", "X-Portcullis-Tag: spam; check=client-generic-ptr; spam score 4.0 "
            + "(client-generic-ptr 4.0) reaches tag", "Subject: hello")
        .doesNotContain("score=-100", "X-Spam-Flag: NO");
  }

  @Test
  void sixPointsRewriteTheSubject() throws Exception {
    assertThat(send(Senders.GOOD, Senders.GOOD_NAME, "bob@good.example", "rita@example.test", "")).startsWith("250");
    assertThat(delivered("rita")).contains("Subject: [SPAM] hello", "X-Spam-Flag: YES",
        "X-Portcullis-Verdict: rewrite-subject; score=6.0; ref=");
  }

  @Test
  void eightPointsQuarantine() throws Exception {
    assertThat(send(Senders.GOOD, "mailhost", "bob@good.example", "quinn@example.test", "")).startsWith("250");
    await().atMost(Duration.ofSeconds(10)).until(() -> gateway.gateway().store().quarantine()
        .list(Optional.empty(), Optional.empty(), 100).stream().anyMatch(e -> e.recipients().contains(
            "quinn@example.test")));
    assertThat(gateway.delivered("example.test", "quinn")).isEmpty();
  }

  @Test
  void tenPointsKnownBeforeDataAreRefusedAtRcptExceptForThePostmaster() throws Exception {
    String refused = send(DYNAMIC_LISTED, "127-0-3-2.dyn.isp.example", "bob@isp.example", "rob@example.test", "");
    assertThat(refused).startsWith("550 5.7.1 Message refused: its spam score 10.0 reaches 10.0 (dnsbl 6.0, "
        + "client-generic-ptr 4.0)");
    gateway.gateway().store().refusals().flush();
    assertThat(why(Refs.of(refused))).contains("score", "10.0 (dnsbl 6.0, client-generic-ptr 4.0)",
        "[actions] reject at 10.0");
    assertThat(send(DYNAMIC_LISTED, "127-0-3-2.dyn.isp.example", "bob@isp.example", "postmaster@example.test", ""))
        .startsWith("250");
  }

  @Test
  void aRecipientWhoseWhitelistSkipsThePointsComesInItsOwnTransaction() throws Exception {
    gateway.gateway().store().lists().addToWhitelist("carol@example.test", List.of("bob@good.example"), "test",
        Instant.now());
    // The running server picks whitelist changes up within a second or so.
    await().atMost(Duration.ofSeconds(10)).until(() -> {
      try (SmtpTestClient smtp = SmtpTestClient.connect(gateway.smtp(), Senders.GOOD)) {
        smtp.reply();
        assertThat(smtp.startTransaction(Senders.GOOD_NAME, "bob@good.example", "carol@example.test"))
            .startsWith("250");
        if (!smtp.send("RCPT TO:<erin@example.test>").startsWith("452 4.5.3")) {
          return false;
        }
        assertThat(smtp.data("From: bob@good.example\r\nSubject: hello\r\n\r\nbody\r\n")).startsWith("250");
        return true;
      }
    });
    assertThat(delivered("carol")).as("nothing counted for carol").doesNotContain("X-Portcullis-Verdict",
        "X-Spam-Flag");
    assertThat(gateway.delivered("example.test", "erin")).isEmpty();
  }
}
