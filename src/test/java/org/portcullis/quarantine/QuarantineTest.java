package org.portcullis.quarantine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.portcullis.mail.EmailAddress;
import org.portcullis.mail.Envelope;
import org.portcullis.mail.MailParameters;
import org.portcullis.mail.MailPath;
import org.portcullis.mail.Recipient;
import org.portcullis.queue.MessageFile;
import org.portcullis.store.sqlite.SqliteStore;
import org.portcullis.testing.FakeClock;

/**
 * The quarantine on a real SQLite store and real files: a held message is a private fsynced file
 * and an entry; a release queues it exactly once, also when two come at the same moment; a failed
 * queueing leaves it held; delete, retention, a crash mid-release, and ids that do not exist.
 */
class QuarantineTest {

  @TempDir
  Path dir;
  private SqliteStore store;
  private final FakeClock clock = new FakeClock(Instant.parse("2026-12-03T12:00:00Z"));
  private Quarantine quarantine;
  private final List<MessageFile.Stored> queued = new CopyOnWriteArrayList<>();
  private final Quarantine.Requeue queue = m -> {
    queued.add(m);
    return "Q" + queued.size();
  };

  private static final String MESSAGE = "From: alice@good.example\r\nSubject: cheap watches\r\n\r\nBuy now.\r\n";

  @BeforeEach
  void open() throws IOException {
    store = SqliteStore.open(dir.resolve("portcullis.db"));
    quarantine = new Quarantine(dir.resolve("quarantine"), store.quarantine(), clock, Duration.ofDays(30));
  }

  @AfterEach
  void close() {
    store.close();
  }

  private QuarantineEntry hold() throws IOException {
    Envelope envelope = new Envelope(new MailPath(Optional.of(EmailAddress.parse("alice@good.example")), List.of(), true),
        List.of(Recipient.of(EmailAddress.parse("carol@example.test")), Recipient.of(EmailAddress.parse("dan@b.example"))),
        MailParameters.NONE);
    return quarantine.hold("2NXQ0000000A", clock.instant(), "192.0.2.10", "mail.good.example", "mail.good.example",
        envelope, List.of(ByteBuffer.wrap(MESSAGE.getBytes(StandardCharsets.US_ASCII))), "cheap watches",
        new Quarantine.Reason("spamd", "spamd score 7.2 / 5.0", "2NXREF0000000001"));
  }

  @Test
  void aHeldMessageIsAPrivateFileAndAnEntryWithAnUnguessableId() throws IOException {
    QuarantineEntry held = hold();
    assertThat(held.id()).matches("[0-9a-f]{32}");
    assertThat(hold().id()).isNotEqualTo(held.id());
    Path file = dir.resolve("quarantine").resolve(held.id() + ".msg");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file.getParent()))).isEqualTo("rwx------");
    QuarantineEntry stored = quarantine.find(held.id()).orElseThrow();
    assertThat(stored.recipients()).containsExactly("carol@example.test", "dan@b.example");
    assertThat(stored.state()).isEqualTo(QuarantineEntry.State.HELD);
    assertThat(stored.check()).isEqualTo("spamd");
    assertThat(new String(quarantine.content(held.id()).orElseThrow(), StandardCharsets.US_ASCII)).isEqualTo(MESSAGE);
    assertThat(quarantine.list(Optional.of("b.example"), Optional.empty(), 10)).hasSize(2);
    assertThat(quarantine.list(Optional.of("c.example"), Optional.empty(), 10)).isEmpty();
    assertThat(quarantine.held()).as("two held: the one above and the one whose id differs").isEqualTo(2);
  }

  @Test
  void aReleaseQueuesTheMessageAsItArrivedExactlyOnce() throws IOException {
    QuarantineEntry held = hold();
    Quarantine.Outcome first = quarantine.release(held.id(), "admin", queue, false);
    assertThat(first).isInstanceOfSatisfying(Quarantine.Outcome.Done.class,
        d -> assertThat(d.queueId()).contains("Q1"));
    assertThat(queued).hasSize(1);
    assertThat(new String(queued.getFirst().content(), StandardCharsets.US_ASCII)).isEqualTo(MESSAGE);
    assertThat(queued.getFirst().envelope().recipients()).hasSize(2);
    assertThat(quarantine.release(held.id(), "admin", queue, false))
        .isInstanceOfSatisfying(Quarantine.Outcome.Refused.class, r -> assertThat(r.why()).contains("released"));
    assertThat(queued).hasSize(1);
    assertThat(quarantine.find(held.id()).orElseThrow().state()).isEqualTo(QuarantineEntry.State.RELEASED);
    assertThat(dir.resolve("quarantine").resolve(held.id() + ".msg")).doesNotExist();
  }

  @Test
  void twoReleasesAtTheSameMomentQueueItOnce() throws Exception {
    QuarantineEntry held = hold();
    CountDownLatch go = new CountDownLatch(1);
    try (var pool = Executors.newFixedThreadPool(4)) {
      List<Future<Quarantine.Outcome>> outcomes = new java.util.ArrayList<>();
      for (int i = 0; i < 4; i++) {
        outcomes.add(pool.submit(() -> {
          go.await();
          return quarantine.release(held.id(), "race", queue, false);
        }));
      }
      go.countDown();
      long done = 0;
      for (Future<Quarantine.Outcome> f : outcomes) {
        done += f.get() instanceof Quarantine.Outcome.Done ? 1 : 0;
      }
      assertThat(done).isEqualTo(1);
    }
    assertThat(queued).hasSize(1);
  }

  @Test
  void aReleaseWhoseQueueingFailsLeavesTheMessageHeld() throws IOException {
    QuarantineEntry held = hold();
    assertThatThrownBy(() -> quarantine.release(held.id(), "admin", m -> {
      throw new IOException("spool full");
    }, false)).hasMessageContaining("spool full");
    assertThat(quarantine.find(held.id()).orElseThrow().state()).isEqualTo(QuarantineEntry.State.HELD);
    assertThat(quarantine.release(held.id(), "admin", queue, false)).isInstanceOf(Quarantine.Outcome.Done.class);
  }

  @Test
  void aReleaseCutShortByACrashIsNeverRepeatedUnaskedButCanBeFinishedOnPurpose() throws IOException {
    QuarantineEntry held = hold();
    for (String r : held.recipients()) {
      store.quarantine().transitionRecipient(held.id(), r, QuarantineEntry.State.HELD, QuarantineEntry.State.RELEASING);
    }
    assertThat(store.quarantine().settle(held.id(), clock.instant(), "admin")).isEqualTo(QuarantineEntry.State.RELEASING);
    Quarantine restarted = new Quarantine(dir.resolve("quarantine"), store.quarantine(), clock, Duration.ofDays(30));
    assertThat(restarted.release(held.id(), "admin", queue, false)).isInstanceOf(Quarantine.Outcome.Refused.class);
    assertThat(queued).isEmpty();
    assertThat(restarted.release(held.id(), "admin", queue, true)).isInstanceOf(Quarantine.Outcome.Done.class);
    assertThat(queued).hasSize(1);
  }

  @Test
  void eachRecipientIsReleasedOrDeletedOnItsOwnAndTheFileGoesWithTheLast() throws IOException {
    QuarantineEntry held = hold();
    Path file = dir.resolve("quarantine").resolve(held.id() + ".msg");
    assertThat(quarantine.release(held.id(), "carol", queue, false, Optional.of("Carol@Example.Test")))
        .isInstanceOf(Quarantine.Outcome.Done.class);
    assertThat(queued).singleElement().satisfies(m -> assertThat(m.envelope().recipients())
        .extracting(r -> r.address().toString()).containsExactly("carol@example.test"));
    assertThat(quarantine.find(held.id()).orElseThrow().state()).as("dan's copy is still held")
        .isEqualTo(QuarantineEntry.State.HELD);
    assertThat(file).exists();
    assertThat(quarantine.release(held.id(), "carol", queue, false, Optional.of("carol@example.test")))
        .isInstanceOf(Quarantine.Outcome.Refused.class);
    assertThat(quarantine.release(held.id(), "x", queue, false, Optional.of("eve@example.test")))
        .isInstanceOfSatisfying(Quarantine.Outcome.Refused.class, r -> assertThat(r.why()).contains("not a recipient"));
    assertThat(quarantine.delete(held.id(), "dan", Optional.of("dan@b.example"))).isInstanceOf(Quarantine.Outcome.Done.class);
    assertThat(quarantine.find(held.id()).orElseThrow().state()).isEqualTo(QuarantineEntry.State.RELEASED);
    assertThat(file).doesNotExist();
    assertThat(queued).hasSize(1);
  }

  @Test
  void deleteRemovesTheFileAndAReleaseAfterwardsIsRefused() throws IOException {
    QuarantineEntry held = hold();
    assertThat(quarantine.delete(held.id(), "admin")).isInstanceOf(Quarantine.Outcome.Done.class);
    assertThat(dir.resolve("quarantine").resolve(held.id() + ".msg")).doesNotExist();
    assertThat(quarantine.release(held.id(), "admin", queue, false)).isInstanceOf(Quarantine.Outcome.Refused.class);
    assertThat(queued).isEmpty();
  }

  @Test
  void idsThatDoNotExistOrAreNotIdsAreRefusedAndChangeNothing() throws IOException {
    hold();
    for (String id : List.of("0123456789abcdef0123456789abcdef", "../../etc/passwd", "", "ABCDEF0123456789ABCDEF0123456789")) {
      assertThat(quarantine.release(id, "x", queue, false)).isInstanceOf(Quarantine.Outcome.Refused.class);
      assertThat(quarantine.delete(id, "x")).isInstanceOf(Quarantine.Outcome.Refused.class);
      assertThat(quarantine.find(id)).isEmpty();
    }
    assertThat(queued).isEmpty();
    assertThat(quarantine.list(Optional.empty(), Optional.of(QuarantineEntry.State.HELD), 10)).hasSize(1);
  }

  @Test
  void pastTheRetentionMessagesAreForgotten() throws IOException {
    QuarantineEntry old = hold();
    clock.advance(Duration.ofDays(29));
    QuarantineEntry recent = hold();
    assertThat(quarantine.prune()).isZero();
    clock.advance(Duration.ofDays(2));
    assertThat(quarantine.prune()).isEqualTo(1);
    assertThat(quarantine.find(old.id())).isEmpty();
    assertThat(dir.resolve("quarantine").resolve(old.id() + ".msg")).doesNotExist();
    assertThat(quarantine.find(recent.id())).isPresent();
  }

  @Test
  void aDamagedFileIsReportedNotQueued() throws IOException {
    QuarantineEntry held = hold();
    Path file = dir.resolve("quarantine").resolve(held.id() + ".msg");
    byte[] bytes = Files.readAllBytes(file);
    bytes[bytes.length - 3] ^= 1;
    Files.write(file, bytes);
    assertThatThrownBy(() -> quarantine.release(held.id(), "admin", queue, false)).hasMessageContaining("checksum");
    assertThat(queued).isEmpty();
    assertThat(quarantine.find(held.id()).orElseThrow().state()).isEqualTo(QuarantineEntry.State.HELD);
  }
}
