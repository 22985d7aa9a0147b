package org.portcullis.quarantine;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.portcullis.files.PrivateFiles;
import org.portcullis.mail.Envelope;
import org.portcullis.mail.LogText;
import org.portcullis.queue.MessageFile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The quarantine: messages kept in {@code <data-dir>/quarantine/<id>.msg} (the spool's record format,
 * mode 0600, fsynced before the 250), their metadata in the store, for {@code retention}.
 * A release queues the message as it arrived, through {@link Requeue}, exactly once: the entry moves
 * HELD to RELEASING atomically before the message is queued and to RELEASED after, so a second
 * release finds it no longer held; a crash between the two leaves it RELEASING, reported at start
 * for an administrator to check, never queued twice. Thread-safe.
 */
public final class Quarantine {

  private static final Logger log = LoggerFactory.getLogger("portcullis.quarantine");
  private static final SecureRandom IDS = new SecureRandom();
  private static final Pattern ID = Pattern.compile("[0-9a-f]{32}");

  /** Queues a released message for delivery; returns once it is durable, with its queue id. */
  public interface Requeue {
    String queue(MessageFile.Stored message) throws IOException;
  }

  /**
   * Why a message is held.
   *
   * @param check the check whose verdict held it
   * @param reason what it found, in words
   * @param reference the verdict's reference
   */
  public record Reason(String check, String reason, String reference) {}

  /** What a release or delete did. */
  public sealed interface Outcome {
    /** Done; for a release, the queue id it was given. */
    record Done(QuarantineEntry entry, Optional<String> queueId) implements Outcome {}

    /** Not done, and why in words (no such message, no longer held). */
    record Refused(String why) implements Outcome {}
  }

  private final Path dir;
  private final QuarantineStore store;
  private final Clock clock;
  private final Duration retention;

  public Quarantine(Path dir, QuarantineStore store, Clock clock, Duration retention) throws IOException {
    this.dir = PrivateFiles.createDirectories(dir);
    this.store = store;
    this.clock = clock;
    this.retention = retention;
    for (QuarantineEntry e : store.list(Optional.empty(), Optional.of(QuarantineEntry.State.RELEASING), 1000)) {
      log.warn("quarantine id={} was being released when the server stopped: it may or may not have been queued; "
          + "check the recipients' mail and the log, then `portcullis quarantine release --again {}` or delete it",
          e.id(), e.id());
    }
  }

  /** True if {@code text} has the shape of a quarantine id. */
  public static boolean isId(String text) {
    return text != null && ID.matcher(text).matches();
  }

  /**
   * Keeps a message: the file is fsynced and the entry stored before this returns.
   *
   * @return the entry
   * @throws IOException if it could not be kept (nothing is then acknowledged)
   */
  public QuarantineEntry hold(String queueId, Instant receivedAt, String clientAddress, String clientName, String helo,
      Envelope envelope, List<ByteBuffer> content, String subject, Reason reason) throws IOException {
    byte[] bits = new byte[16];
    IDS.nextBytes(bits);
    String id = HexFormat.of().formatHex(bits);
    Path file = file(id);
    MessageFile.write(file, queueId, receivedAt, clientAddress, clientName, helo, envelope, content);
    long size = content.stream().mapToLong(ByteBuffer::remaining).sum();
    QuarantineEntry entry = new QuarantineEntry(id, receivedAt, clientAddress,
        envelope.sender().mailbox().map(Object::toString).orElse(""),
        envelope.recipients().stream().map(r -> r.address().toString()).toList(),
        subject.length() > 200 ? subject.substring(0, 200) : subject, reason.check(), reason.reason(),
        reason.reference(), size, QuarantineEntry.State.HELD, receivedAt, "");
    try {
      store.add(entry);
    } catch (RuntimeException e) {
      Files.deleteIfExists(file);
      throw new IOException("cannot record the quarantined message: " + e.getMessage(), e);
    }
    log.info("quarantined id={} queue={} check={} ref={} from=<{}> to={} size={}", id, queueId, reason.check(),
        reason.reference(), LogText.value(entry.sender()), entry.recipients().stream().map(r -> "<" + LogText.value(r)
            + ">").toList(), size);
    return entry;
  }

  public Optional<QuarantineEntry> find(String id) {
    return isId(id) ? store.find(id) : Optional.empty();
  }

  public List<QuarantineEntry> list(Optional<String> recipientDomain, Optional<QuarantineEntry.State> state,
      int limit) {
    return store.list(recipientDomain, state, limit);
  }

  /** Messages held now. */
  public long held() {
    return store.count(QuarantineEntry.State.HELD);
  }

  /** The message's octets as received, while it is held. */
  public Optional<byte[]> content(String id) throws IOException {
    Optional<QuarantineEntry> entry = find(id);
    if (entry.isEmpty() || entry.get().state() != QuarantineEntry.State.HELD) {
      return Optional.empty();
    }
    return Optional.of(MessageFile.read(file(id)).content());
  }

  /**
   * Queues a held message for delivery, exactly once.
   *
   * @param by who released it, for the log and the entry
   * @param again true to release an entry left RELEASING by a crash (the administrator checked)
   */
  public Outcome release(String id, String by, Requeue queue, boolean again) throws IOException {
    Optional<QuarantineEntry> entry = find(id);
    if (entry.isEmpty()) {
      return new Outcome.Refused("no quarantined message " + LogText.value(id));
    }
    QuarantineEntry.State from = again ? QuarantineEntry.State.RELEASING : QuarantineEntry.State.HELD;
    Instant now = clock.instant();
    if (!again && !store.transition(id, from, QuarantineEntry.State.RELEASING, now, by)) {
      return new Outcome.Refused("message " + id + " is " + store.find(id).map(e -> e.state().label())
          .orElse("gone") + ", not held");
    }
    if (again && store.find(id).map(e -> e.state() != QuarantineEntry.State.RELEASING).orElse(true)) {
      return new Outcome.Refused("message " + id + " is not left half-released; release it without --again");
    }
    String queueId;
    try {
      queueId = queue.queue(MessageFile.read(file(id)));
    } catch (IOException | RuntimeException e) {
      store.transition(id, QuarantineEntry.State.RELEASING, from, now, "");
      throw e;
    }
    store.transition(id, QuarantineEntry.State.RELEASING, QuarantineEntry.State.RELEASED, clock.instant(), by);
    Files.deleteIfExists(file(id));
    log.info("quarantine release id={} queue={} by={}", id, queueId, LogText.value(by));
    return new Outcome.Done(store.find(id).orElseThrow(), Optional.of(queueId));
  }

  /** Deletes a held message without delivery. */
  public Outcome delete(String id, String by) throws IOException {
    if (find(id).isEmpty()) {
      return new Outcome.Refused("no quarantined message " + LogText.value(id));
    }
    if (!store.transition(id, QuarantineEntry.State.HELD, QuarantineEntry.State.DELETED, clock.instant(), by)) {
      return new Outcome.Refused("message " + id + " is not held");
    }
    Files.deleteIfExists(file(id));
    log.info("quarantine delete id={} by={}", id, LogText.value(by));
    return new Outcome.Done(store.find(id).orElseThrow(), Optional.empty());
  }

  /** Forgets what was received more than the retention ago, held or not; returns how many. */
  public int prune() throws IOException {
    Instant before = clock.instant().minus(retention);
    int n = 0;
    for (List<QuarantineEntry> batch; !(batch = store.receivedBefore(before, 500)).isEmpty(); ) {
      for (QuarantineEntry e : batch) {
        if (e.state() == QuarantineEntry.State.RELEASING) {
          continue; // an administrator's to decide
        }
        Files.deleteIfExists(file(e.id()));
        store.remove(e.id());
        n++;
      }
      if (batch.stream().allMatch(e -> e.state() == QuarantineEntry.State.RELEASING)) {
        break;
      }
    }
    if (n > 0) {
      log.info("quarantine: {} message(s) past quarantine.retention-days forgotten", n);
    }
    return n;
  }

  private Path file(String id) {
    return dir.resolve(id + ".msg");
  }
}
