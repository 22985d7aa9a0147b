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
 * A release queues the message as it arrived, through {@link Requeue}, exactly once per recipient:
 * each recipient moves HELD to RELEASING atomically before the message is queued for it and to
 * RELEASED after, so a second release finds it no longer held; a crash between the two leaves it
 * RELEASING, reported at start for an administrator to check, never queued twice. A recipient may be
 * released or deleted alone (a tenant's or a mailbox's own decision); the entry's state follows its
 * recipients'. Thread-safe.
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

  /** The messages held for {@code recipient}, newest first. */
  public List<QuarantineEntry> heldFor(String recipient, int limit) {
    List<QuarantineEntry> all = new java.util.ArrayList<>(store.heldFor(recipient, Instant.EPOCH, limit));
    java.util.Collections.reverse(all);
    return all;
  }

  /** Whether the message {@code id} is held for {@code recipient} (its copy not released or deleted). */
  public boolean isHeldFor(String id, String recipient) {
    return isId(id) && store.recipientsIn(id, QuarantineEntry.State.HELD).stream()
        .anyMatch(r -> r.equalsIgnoreCase(recipient));
  }

  /** The recipients of {@code id} whose copy is still held (none for an unknown id). */
  public List<String> heldRecipients(String id) {
    return isId(id) ? store.recipientsIn(id, QuarantineEntry.State.HELD) : List.of();
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

  /** Queues a held message for all its held recipients (see {@link #release(String, String, Requeue, boolean, Optional)}). */
  public Outcome release(String id, String by, Requeue queue, boolean again) throws IOException {
    return release(id, by, queue, again, Optional.empty());
  }

  /**
   * Queues a held message for delivery, exactly once per recipient: each recipient moves from held
   * to releasing atomically before the message is queued for those that moved, and to released
   * after, so two releases never queue it twice for anyone.
   *
   * @param by who released it, for the log and the entry
   * @param again true to release recipients left releasing by a crash (the administrator checked)
   * @param only release for this recipient alone (case does not matter); empty: every held one
   */
  public Outcome release(String id, String by, Requeue queue, boolean again, Optional<String> only)
      throws IOException {
    Optional<QuarantineEntry> entry = find(id);
    if (entry.isEmpty()) {
      return new Outcome.Refused("no quarantined message " + LogText.value(id));
    }
    QuarantineEntry.State from = again ? QuarantineEntry.State.RELEASING : QuarantineEntry.State.HELD;
    List<String> candidates = store.recipientsIn(id, from).stream()
        .filter(r -> only.isEmpty() || r.equalsIgnoreCase(only.get())).toList();
    List<String> taken = new java.util.ArrayList<>();
    for (String r : candidates) {
      if (again || store.transitionRecipient(id, r, QuarantineEntry.State.HELD, QuarantineEntry.State.RELEASING)) {
        taken.add(r);
      }
    }
    if (taken.isEmpty()) {
      return new Outcome.Refused(refusal(id, only, again));
    }
    Instant now = clock.instant();
    store.settle(id, now, by);
    String queueId;
    try {
      MessageFile.Stored stored = MessageFile.read(file(id));
      List<org.portcullis.mail.Recipient> recipients = stored.envelope().recipients().stream()
          .filter(r -> taken.stream().anyMatch(t -> t.equalsIgnoreCase(r.address().toString()))).toList();
      queueId = queue.queue(new MessageFile.Stored(stored.queueId(), stored.receivedAt(), stored.clientAddress(),
          stored.clientName(), stored.helo(), new Envelope(stored.envelope().sender(), recipients,
              stored.envelope().parameters()), stored.content()));
    } catch (IOException | RuntimeException e) {
      for (String r : taken) {
        store.transitionRecipient(id, r, QuarantineEntry.State.RELEASING, from);
      }
      store.settle(id, now, "");
      throw e;
    }
    for (String r : taken) {
      store.transitionRecipient(id, r, QuarantineEntry.State.RELEASING, QuarantineEntry.State.RELEASED);
    }
    forgetFileIfDone(id, store.settle(id, clock.instant(), by));
    log.info("quarantine release id={} queue={} to={} by={}", id, queueId, taken.stream().map(r -> "<"
        + LogText.value(r) + ">").toList(), LogText.value(by));
    return new Outcome.Done(store.find(id).orElseThrow(), Optional.of(queueId));
  }

  private String refusal(String id, Optional<String> only, boolean again) {
    if (again) {
      return "message " + id + " has no recipient left half-released; release it without --again";
    }
    if (only.isPresent() && store.find(id).map(e -> e.recipients().stream().noneMatch(r -> r.equalsIgnoreCase(
        only.get()))).orElse(true)) {
      return LogText.value(only.get()) + " is not a recipient of message " + id;
    }
    return "message " + id + (only.isPresent() ? " for " + LogText.value(only.get()) : "") + " is "
        + store.find(id).map(e -> e.state().label()).orElse("gone") + ", not held";
  }

  /** Deletes a held message for all its held recipients. */
  public Outcome delete(String id, String by) throws IOException {
    return delete(id, by, Optional.empty());
  }

  /** Deletes a held message without delivery, for one recipient or every held one. */
  public Outcome delete(String id, String by, Optional<String> only) throws IOException {
    if (find(id).isEmpty()) {
      return new Outcome.Refused("no quarantined message " + LogText.value(id));
    }
    int n = 0;
    for (String r : store.recipientsIn(id, QuarantineEntry.State.HELD)) {
      if ((only.isEmpty() || r.equalsIgnoreCase(only.get()))
          && store.transitionRecipient(id, r, QuarantineEntry.State.HELD, QuarantineEntry.State.DELETED)) {
        n++;
      }
    }
    if (n == 0) {
      return new Outcome.Refused(refusal(id, only, false));
    }
    forgetFileIfDone(id, store.settle(id, clock.instant(), by));
    log.info("quarantine delete id={} recipients={} by={}", id, n, LogText.value(by));
    return new Outcome.Done(store.find(id).orElseThrow(), Optional.empty());
  }

  /** The file goes once no recipient is held or being released. */
  private void forgetFileIfDone(String id, QuarantineEntry.State state) throws IOException {
    if (state == QuarantineEntry.State.RELEASED || state == QuarantineEntry.State.DELETED) {
      Files.deleteIfExists(file(id));
    }
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
