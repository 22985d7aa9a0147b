package org.portcullis.queue;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.portcullis.mail.EmailAddress;
import org.portcullis.mail.Envelope;
import org.portcullis.mail.MailParameters;
import org.portcullis.mail.MailPath;
import org.portcullis.mail.Recipient;

class SpoolTest {

  private static final Spool.Settings DURABLE = new Spool.Settings(true, 64L * 1024 * 1024);
  private static final Instant NOW = Instant.parse("2026-11-23T12:00:00Z");

  @TempDir
  Path dir;

  private static Envelope envelope(String... recipients) {
    List<Recipient> list = new ArrayList<>();
    for (String r : recipients) {
      list.add(new Recipient(EmailAddress.parse(r), Set.of(Recipient.Notify.FAILURE, Recipient.Notify.DELAY),
          Optional.of("rfc822;" + r), true));
    }
    MailParameters params = new MailParameters(OptionalLong.of(123), MailParameters.Body.EIGHT_BIT_MIME, false,
        Optional.of(MailParameters.Ret.HDRS), Optional.of("env-1"));
    return new Envelope(new MailPath(Optional.of(EmailAddress.parse("sender@example.org")), List.of(), true), list, params);
  }

  private static List<ByteBuffer> content(String text) {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    int half = bytes.length / 2;
    return List.of(ByteBuffer.wrap(bytes, 0, half), ByteBuffer.wrap(bytes, half, bytes.length - half));
  }

  private static QueuedMessage append(Spool spool, String id, String text, String... rcpts) throws IOException {
    return spool.append(id, NOW, "192.0.2.1", "mail.example.org", "mail.example.org", envelope(rcpts), content(text));
  }

  @Test
  void anAcceptedMessageSurvivesARestartWithItsEnvelopeAndBytes() throws Exception {
    try (Spool spool = Spool.open(dir, DURABLE)) {
      append(spool, "Q1", "Subject: one\r\n\r\nbody\r\n", "a@example.test", "b@example.test");
    }
    try (Spool spool = Spool.open(dir, DURABLE)) {
      assertThat(spool.recovered()).singleElement().satisfies(m -> {
        assertThat(m.queueId()).isEqualTo("Q1");
        assertThat(m.receivedAt()).isEqualTo(NOW);
        assertThat(m.envelope()).isEqualTo(envelope("a@example.test", "b@example.test"));
        assertThat(new String(spool.content(m), StandardCharsets.UTF_8)).isEqualTo("Subject: one\r\n\r\nbody\r\n");
      });
    }
  }

  @Test
  void deliveredRecipientsAreNotRecoveredAndCompleteMessagesVanish() throws Exception {
    try (Spool spool = Spool.open(dir, DURABLE)) {
      QueuedMessage one = append(spool, "Q1", "x", "a@example.test", "b@example.test");
      QueuedMessage two = append(spool, "Q2", "y", "c@example.test");
      spool.recordFinal(one, 0, RecipientState.DELIVERED);
      spool.recordFinal(two, 0, RecipientState.DELIVERED);
      assertThat(spool.completeIfDone(two)).isTrue();
    }
    try (Spool spool = Spool.open(dir, DURABLE)) {
      assertThat(spool.recovered()).singleElement().satisfies(m -> {
        assertThat(m.queueId()).isEqualTo("Q1");
        assertThat(m.pendingRecipients()).containsExactly(1);
      });
    }
  }

  @Test
  void aSegmentWhoseMessagesAreAllCompleteIsDeleted() throws Exception {
    try (Spool spool = Spool.open(dir, new Spool.Settings(true, 1024 * 1024))) {
      String big = "x".repeat(400 * 1024);
      List<QueuedMessage> messages = new ArrayList<>();
      for (int i = 0; i < 6; i++) {
        messages.add(append(spool, "Q" + i, big, "a@example.test"));
      }
      assertThat(logFiles()).hasSizeGreaterThan(1);
      for (QueuedMessage m : messages) {
        spool.recordFinal(m, 0, RecipientState.DELIVERED);
        assertThat(spool.completeIfDone(m)).isTrue();
      }
      assertThat(spool.size()).isZero();
      assertThat(logFiles()).hasSize(1);
    }
    try (Spool spool = Spool.open(dir, DURABLE)) {
      assertThat(spool.recovered()).isEmpty();
    }
  }

  @Test
  void aRecordTornByACrashIsIgnoredAndEverythingBeforeItIsKept() throws Exception {
    try (Spool spool = Spool.open(dir, DURABLE)) {
      append(spool, "Q1", "first", "a@example.test");
      append(spool, "Q2", "second message that will be cut", "a@example.test");
    }
    Path log = logFiles().getFirst();
    try (FileChannel channel = FileChannel.open(log, StandardOpenOption.WRITE)) {
      channel.truncate(channel.size() - 10);
    }
    try (Spool spool = Spool.open(dir, DURABLE)) {
      assertThat(spool.recovered()).extracting(QueuedMessage::queueId).containsExactly("Q1");
    }
  }

  @Test
  void aRecordWithABadChecksumEndsTheReadablePart() throws Exception {
    try (Spool spool = Spool.open(dir, DURABLE)) {
      append(spool, "Q1", "first", "a@example.test");
      append(spool, "Q2", "second", "a@example.test");
    }
    Path log = logFiles().getFirst();
    byte[] bytes = Files.readAllBytes(log);
    bytes[bytes.length - 2] ^= 0x55;
    Files.write(log, bytes);
    try (Spool spool = Spool.open(dir, DURABLE)) {
      assertThat(spool.recovered()).extracting(QueuedMessage::queueId).containsExactly("Q1");
    }
  }

  @Test
  void concurrentAppendsAreAllDurableAndDistinct() throws Exception {
    Set<String> ids = ConcurrentHashMap.newKeySet();
    try (Spool spool = Spool.open(dir, DURABLE); ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      List<Future<?>> futures = new ArrayList<>();
      for (int i = 0; i < 200; i++) {
        String id = "C" + i;
        futures.add(pool.submit(() -> {
          append(spool, id, "message " + id, "a@example.test");
          ids.add(id);
          return null;
        }));
      }
      for (Future<?> f : futures) {
        f.get();
      }
    }
    try (Spool spool = Spool.open(dir, DURABLE)) {
      assertThat(spool.recovered()).extracting(QueuedMessage::queueId).containsExactlyInAnyOrderElementsOf(ids);
      for (QueuedMessage m : spool.recovered()) {
        assertThat(new String(spool.content(m), StandardCharsets.UTF_8)).isEqualTo("message " + m.queueId());
      }
    }
  }

  @Test
  void aDeferredMessageRemembersItsNextAttemptLastErrorHoldAndDelayReport() throws Exception {
    Instant next = NOW.plusSeconds(600);
    try (Spool spool = Spool.open(dir, DURABLE)) {
      QueuedMessage m = append(spool, "Q1", "x", "a@example.test");
      spool.recordDeferred(m, 3, next, "mx.example.org said: 451 4.7.1 try later\r\n (in reply to RCPT TO)");
      spool.recordDelayReported(m);
      spool.recordHold(m, true);
      QueuedMessage released = append(spool, "Q2", "y", "b@example.test");
      spool.recordHold(released, true);
      spool.recordHold(released, false);
    }
    try (Spool spool = Spool.open(dir, DURABLE)) {
      assertThat(spool.recovered()).hasSize(2).anySatisfy(m -> {
        assertThat(m.queueId()).isEqualTo("Q1");
        assertThat(m.attempts()).isEqualTo(3);
        assertThat(m.nextAttempt()).isEqualTo(next);
        assertThat(m.lastError()).isEqualTo("mx.example.org said: 451 4.7.1 try later   (in reply to RCPT TO)");
        assertThat(m.delayReported()).isTrue();
        assertThat(m.held()).isTrue();
      }).anySatisfy(m -> {
        assertThat(m.queueId()).isEqualTo("Q2");
        assertThat(m.held()).isFalse();
        assertThat(m.delayReported()).isFalse();
      });
    }
  }

  private List<Path> logFiles() throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(p -> p.getFileName().toString().endsWith(".log")).sorted().toList();
    }
  }
}
