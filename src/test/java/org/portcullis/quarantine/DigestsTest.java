package org.portcullis.quarantine;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.portcullis.mail.EmailAddress;
import org.portcullis.mail.Envelope;
import org.portcullis.mail.MailParameters;
import org.portcullis.mail.MailPath;
import org.portcullis.mail.Recipient;
import org.portcullis.store.sqlite.SqliteStore;
import org.portcullis.testing.FakeClock;

/**
 * Digests on a real store with an injected clock: each mailbox hears only of what is held for it,
 * on its schedule and once per new message; links are unguessable, expire, and an action link works
 * once; what a stranger wrote is escaped in the HTML.
 */
class DigestsTest {

  @TempDir
  Path dir;
  private SqliteStore store;
  private final FakeClock clock = new FakeClock(Instant.parse("2026-12-03T12:00:00Z"));
  private Quarantine quarantine;
  private QuarantineLinks links;
  private Digests digests;
  private final Map<String, List<String>> mailed = new ConcurrentHashMap<>();
  private final Digests.Mailer mailer = (from, to, message) ->
      mailed.computeIfAbsent(to, t -> new java.util.concurrent.CopyOnWriteArrayList<>())
          .add(new String(message, StandardCharsets.UTF_8));

  @BeforeEach
  void open() throws IOException {
    store = SqliteStore.open(dir.resolve("portcullis.db"));
    quarantine = new Quarantine(dir.resolve("quarantine"), store.quarantine(), clock, Duration.ofDays(30));
    links = new QuarantineLinks(store.digests(), clock);
    digests = new Digests(store.quarantine(), store.digests(), links, clock, "https://mx.example.test/",
        "mx.example.test", Duration.ofDays(7));
  }

  @AfterEach
  void close() {
    store.close();
  }

  private QuarantineEntry hold(String subject, String... to) throws IOException {
    List<Recipient> recipients = java.util.Arrays.stream(to).map(a -> Recipient.of(EmailAddress.parse(a))).toList();
    Envelope envelope = new Envelope(new MailPath(Optional.of(EmailAddress.parse("bob@isp.example")), List.of(), true),
        recipients, MailParameters.NONE);
    return quarantine.hold("Q", clock.instant(), "192.0.2.9", "unknown", "isp.example", envelope,
        List.of(ByteBuffer.wrap(("Subject: " + subject + "\r\n\r\nbody\r\n").getBytes(StandardCharsets.UTF_8))),
        subject, new Quarantine.Reason("dnsbl", "listed on zen.example", "REF0000000000001"));
  }

  @Test
  void eachMailboxGetsItsOwnDigestOncePerNewMessageOnItsSchedule() throws IOException {
    hold("<b>cheap</b> & \"free\"", "carol@example.test", "dave@example.test");
    assertThat(digests.run(mailer)).isEqualTo(2);
    String carol = mailed.get("carol@example.test").getFirst();
    assertThat(carol).contains("To: <carol@example.test>", "From: Quarantine <postmaster@example.test>",
        "Subject: Quarantine: 1 message held for you", "Auto-Submitted: auto-generated",
        "multipart/alternative", "listed on zen.example");
    String html = carol.substring(carol.indexOf("Content-Type: text/html"));
    assertThat(html).contains("&lt;b&gt;cheap&lt;/b&gt; &amp; &quot;free&quot;").doesNotContain("<b>cheap</b>");
    assertThat(Pattern.compile("https://mx\\.example\\.test/q/[A-Za-z0-9_-]{22}").matcher(carol).results().count())
        .as("release, release-allow, delete, deny, login, in the text and in the HTML").isEqualTo(10);
    assertThat(digests.run(mailer)).as("nothing new").isZero();
    clock.advance(Duration.ofHours(2));
    hold("second", "carol@example.test");
    assertThat(digests.run(mailer)).as("daily: not yet").isZero();
    clock.advance(Duration.ofDays(1));
    assertThat(digests.run(mailer)).isEqualTo(1);
    assertThat(mailed.get("carol@example.test").get(1)).contains("second").doesNotContain("cheap");
  }

  @Test
  void aMailboxThatChoseNeverGetsNoneAndTextOnlyGetsNoHtml() throws IOException {
    store.digests().set("carol@example.test", new DigestSettings(DigestSettings.Schedule.NEVER, true));
    store.digests().set("dave@example.test", new DigestSettings(DigestSettings.Schedule.HOURLY, false));
    hold("offer", "carol@example.test", "dave@example.test");
    assertThat(digests.run(mailer)).isEqualTo(1);
    assertThat(mailed).doesNotContainKey("carol@example.test");
    assertThat(mailed.get("dave@example.test").getFirst()).contains("Content-Type: text/plain; charset=utf-8")
        .doesNotContain("text/html");
  }

  @Test
  void linksAreUnguessableExpireAndAnActionLinkWorksOnce() throws IOException {
    QuarantineEntry held = hold("offer", "carol@example.test");
    digests.run(mailer);
    Matcher m = Pattern.compile("Release: https://mx\\.example\\.test/q/([A-Za-z0-9_-]{22})")
        .matcher(mailed.get("carol@example.test").getFirst());
    assertThat(m.find()).isTrue();
    String token = m.group(1);
    assertThat(links.resolve(token)).hasValueSatisfying(l -> {
      assertThat(l.entry()).isEqualTo(held.id());
      assertThat(l.mailbox()).isEqualTo("carol@example.test");
      assertThat(l.action()).isEqualTo(QuarantineLinks.RELEASE);
    });
    assertThat(links.resolve("AAAAAAAAAAAAAAAAAAAAAA")).isEmpty();
    assertThat(links.resolve("../../../../etc/passwd")).isEmpty();
    assertThat(links.use(token)).isTrue();
    assertThat(links.use(token)).as("a second click does nothing").isFalse();
    assertThat(links.resolve(token)).isEmpty();
    String ticket = links.issue("carol@example.test", "", QuarantineLinks.LOGIN, Duration.ofDays(7));
    assertThat(links.resolve(ticket)).isPresent();
    clock.advance(Duration.ofDays(7));
    assertThat(links.resolve(ticket)).as("expired").isEmpty();
  }
}
