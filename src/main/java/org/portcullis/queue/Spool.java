package org.portcullis.queue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.zip.CRC32C;
import org.portcullis.mail.Envelope;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The durable inbound spool: accepted means on disk.
 *
 * <p>Messages are appended to a segment file and {@link #append} returns only once an fdatasync
 * covers them (unless fsync is off); concurrent appends share syncs (group commit, see
 * {@link Segment}). Delivery progress is journalled beside each segment; a segment whose messages
 * are all complete is deleted. {@link #open} recovers everything a previous process accepted and
 * did not finish. Thread-safe.
 */
public final class Spool implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger("portcullis.queue");

  /**
   * @param fsync whether to fdatasync before acknowledging (off only for benchmarks and tests)
   * @param segmentMaxBytes the size at which a new segment file is started
   */
  public record Settings(boolean fsync, long segmentMaxBytes) {
    public Settings {
      if (segmentMaxBytes < 1024 * 1024) {
        throw new IllegalArgumentException("segment size must be at least 1 MiB, not " + segmentMaxBytes);
      }
    }
  }

  private final Path dir;
  private final Settings settings;
  private final ReentrantLock lock = new ReentrantLock();
  private final Map<Long, Segment> segments = new HashMap<>();
  private final List<QueuedMessage> recovered;
  private final Map<String, QueuedMessage> messages = new java.util.concurrent.ConcurrentHashMap<>();
  private final SpoolWriter writer;
  private Segment active;
  private int live;
  private boolean closed;
  private final java.util.concurrent.ScheduledExecutorService flusher =
      java.util.concurrent.Executors.newSingleThreadScheduledExecutor(
          Thread.ofPlatform().name("spool-journal").daemon(true).factory());

  private Spool(Path dir, Settings settings, List<QueuedMessage> recovered) {
    this.dir = dir;
    this.settings = settings;
    this.recovered = List.copyOf(recovered);
    recovered.forEach(m -> messages.put(m.queueId(), m));
    this.writer = new SpoolWriter(this::place, settings.fsync());
    flusher.scheduleWithFixedDelay(this::flushJournals, 50, 50, java.util.concurrent.TimeUnit.MILLISECONDS);
  }

  /** Writes every segment's buffered journal lines. */
  public void flushJournals() {
    List<Segment> all;
    lock.lock();
    try {
      all = List.copyOf(segments.values());
    } finally {
      lock.unlock();
    }
    for (Segment segment : all) {
      try {
        segment.flushJournal();
      } catch (IOException e) {
        log.warn("could not write the spool journal of {}: {}", segment.logPath.getFileName(), e.getMessage());
      }
    }
  }

  /** Opens (creating if needed) the spool in {@code dir}, recovering what a previous run left. */
  public static Spool open(Path dir, Settings settings) throws IOException {
    org.portcullis.files.PrivateFiles.createDirectories(dir);
    TreeMap<Long, Path> found = new TreeMap<>();
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "seg-*.log")) {
      for (Path file : files) {
        String name = file.getFileName().toString();
        found.put(Long.parseLong(name.substring(4, name.length() - 4)), file);
      }
    }
    List<QueuedMessage> recovered = new ArrayList<>();
    Map<Long, Segment> kept = new HashMap<>();
    long next = 1;
    for (long number : found.keySet()) {
      Segment segment = Segment.open(dir, number);
      List<QueuedMessage> pending = recover(segment);
      segment.sealed = true;
      segment.live = pending.size();
      if (pending.isEmpty()) {
        segment.closeAndDelete();
      } else {
        kept.put(number, segment);
        recovered.addAll(pending);
      }
      next = number + 1;
    }
    Spool spool = new Spool(dir, settings, recovered);
    spool.segments.putAll(kept);
    spool.live = recovered.size();
    spool.active = Segment.create(dir, next);
    spool.segments.put(next, spool.active);
    syncDirectory(dir);
    if (!recovered.isEmpty()) {
      log.info("spool recovered {} message(s) from {} segment(s)", recovered.size(), spool.segments.size() - 1);
    }
    return spool;
  }

  /** Messages found on disk at open that still have recipients to deliver. */
  public List<QueuedMessage> recovered() {
    return recovered;
  }

  /**
   * Stores a message durably.
   *
   * @param content the message bytes as chunks (read positions are not changed)
   * @return the queued message, once on disk
   * @throws IOException if it could not be stored; nothing was acknowledged then
   */
  public QueuedMessage append(String queueId, Instant receivedAt, String clientAddress, String clientName,
      String helo, Envelope envelope, List<ByteBuffer> content) throws IOException {
    int contentLength = 0;
    for (ByteBuffer chunk : content) {
      contentLength += chunk.remaining();
    }
    byte[] meta = SpoolRecord.encodeMeta(
        new SpoolRecord.Meta(queueId, receivedAt, clientAddress, clientName, helo, envelope));
    ByteBuffer[] buffers = SpoolRecord.encode(meta, content, contentLength);
    long recordLength = SpoolRecord.contentOffset(meta.length) + contentLength;
    SpoolWriter.Pending pending = new SpoolWriter.Pending(buffers, recordLength);
    try {
      writer.write(pending);
    } catch (IOException e) {
      if (pending.segment != null) {
        abandon(new QueuedMessage(queueId, receivedAt, clientAddress, clientName, helo, envelope, pending.segment,
            pending.start + SpoolRecord.contentOffset(meta.length), contentLength));
      }
      throw e;
    }
    QueuedMessage message = new QueuedMessage(queueId, receivedAt, clientAddress, clientName, helo, envelope,
        pending.segment, pending.start + SpoolRecord.contentOffset(meta.length), contentLength);
    messages.put(queueId, message);
    return message;
  }

  /**
   * Where the writer puts a record: the active segment, or a new one when it would grow past the
   * limit. The record counts as live from here on, so its segment cannot be deleted under it.
   */
  private SpoolWriter.Placed place(long recordLength) throws IOException {
    lock.lock();
    try {
      if (closed) {
        throw new IOException("spool is closed");
      }
      if (active.planned > 0 && active.planned + recordLength > settings.segmentMaxBytes()) {
        rotate();
      }
      long start = active.planned;
      active.planned += recordLength;
      active.live++;
      live++;
      return new SpoolWriter.Placed(active, start);
    } finally {
      lock.unlock();
    }
  }

  /** The stored bytes of a message. */
  public byte[] content(QueuedMessage message) throws IOException {
    return message.segment.read(message.contentOffset, message.contentLength);
  }

  /** Records that a recipient was delivered or failed permanently. */
  public void recordFinal(QueuedMessage message, int recipientIndex, RecipientState state) throws IOException {
    if (!state.isFinal()) {
      throw new IllegalArgumentException("not a final state: " + state);
    }
    message.setState(recipientIndex, state);
    message.segment.journal((state == RecipientState.DELIVERED ? "D " : "F ") + message.queueId() + " " + recipientIndex);
  }

  /** Records a failed attempt and when the next one is due. */
  public void recordDeferred(QueuedMessage message, int attempts, Instant next, String error) throws IOException {
    message.deferred(attempts, next, error);
    // The error goes last, on one line, so that `queue list` can show it again after a restart.
    message.segment.journal("T " + message.queueId() + " " + attempts + " " + next.toEpochMilli() + " "
        + error.replace('\r', ' ').replace('\n', ' '));
  }

  /** Records that the sender was told the message is delayed, so a restart does not tell again. */
  public void recordDelayReported(QueuedMessage message) throws IOException {
    message.markDelayReported();
    message.segment.journal("W " + message.queueId());
  }

  /** Puts a message on hold (the operator's {@code queue hold}), or releases it; kept across restarts. */
  public void recordHold(QueuedMessage message, boolean held) throws IOException {
    message.setHeld(held);
    message.segment.journal((held ? "H " : "R ") + message.queueId());
  }

  /** The message with this queue id, if it is still in the spool. */
  public java.util.Optional<QueuedMessage> find(String queueId) {
    return java.util.Optional.ofNullable(messages.get(queueId));
  }

  /**
   * Completes a message if every recipient is final and every delivery durable (and nobody did
   * already); its segment is deleted once all of the segment's messages are complete.
   *
   * @return true if this call completed the message
   */
  public boolean completeIfDone(QueuedMessage message) throws IOException {
    if (!message.claimCompletion()) {
      return false;
    }
    finish(message);
    return true;
  }

  private void abandon(QueuedMessage message) {
    try {
      finish(message);
    } catch (IOException e) {
      log.warn("could not mark unacknowledged message {} as abandoned", message.queueId(), e);
    }
  }

  private void finish(QueuedMessage message) throws IOException {
    Segment segment = message.segment;
    messages.remove(message.queueId());
    segment.journal("C " + message.queueId());
    lock.lock();
    try {
      segment.live--;
      live--;
      if (segment.sealed && segment.live == 0) {
        segments.remove(segment.number);
        segment.closeAndDelete();
      }
    } finally {
      lock.unlock();
    }
  }

  /** A snapshot of the messages not yet complete, oldest first. */
  public List<QueuedMessage> messages() {
    return messages.values().stream().sorted(java.util.Comparator.comparing(QueuedMessage::receivedAt)
        .thenComparing(QueuedMessage::queueId)).toList();
  }

  /** Messages not yet complete. */
  public int size() {
    lock.lock();
    try {
      return live;
    } finally {
      lock.unlock();
    }
  }


  private void rotate() throws IOException {
    Segment old = active;
    old.sealed = true;
    active = Segment.create(dir, old.number + 1);
    segments.put(active.number, active);
    syncDirectory(dir);
    if (old.live == 0) {
      segments.remove(old.number);
      old.closeAndDelete();
    }
  }

  @Override
  public void close() throws IOException {
    flusher.shutdownNow();
    writer.close();
    lock.lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
      for (Segment segment : segments.values()) {
        if (segment == active && segment.live == 0) {
          segment.closeAndDelete();
        } else {
          segment.close();
        }
      }
      segments.clear();
    } finally {
      lock.unlock();
    }
  }

  /** Reads a segment's records and journal; returns the messages with recipients still pending. */
  private static List<QueuedMessage> recover(Segment segment) throws IOException {
    Map<String, QueuedMessage> messages = new LinkedHashMap<>();
    FileChannel channel = segment.log;
    long size = channel.size();
    long position = 0;
    ByteBuffer header = ByteBuffer.allocate(SpoolRecord.HEADER_BYTES);
    while (position + SpoolRecord.HEADER_BYTES <= size) {
      header.clear();
      channel.read(header, position);
      header.flip();
      int magic = header.getInt();
      int payloadLength = header.getInt();
      int checksum = header.getInt();
      if (magic != SpoolRecord.MAGIC || payloadLength < 8 || position + SpoolRecord.HEADER_BYTES + payloadLength > size) {
        break;
      }
      byte[] payload = segment.read(position + SpoolRecord.HEADER_BYTES, payloadLength);
      CRC32C crc = new CRC32C();
      crc.update(payload);
      if ((int) crc.getValue() != checksum) {
        break;
      }
      ByteBuffer view = ByteBuffer.wrap(payload);
      int metaLength = view.getInt();
      if (metaLength < 0 || metaLength > SpoolRecord.MAX_META_BYTES || metaLength + 8 > payloadLength) {
        break;
      }
      byte[] meta = new byte[metaLength];
      view.get(meta);
      int contentLength = view.getInt();
      SpoolRecord.Meta decoded = SpoolRecord.decodeMeta(meta);
      messages.put(decoded.queueId(), new QueuedMessage(decoded.queueId(), decoded.receivedAt(),
          decoded.clientAddress(), decoded.clientName(), decoded.helo(), decoded.envelope(), segment,
          position + SpoolRecord.contentOffset(metaLength), contentLength));
      position += SpoolRecord.HEADER_BYTES + payloadLength;
    }
    if (position < size) {
      log.warn("spool segment {}: ignoring {} bytes of an incomplete record at offset {} (never acknowledged)",
          segment.logPath.getFileName(), size - position, position);
    }
    java.util.Set<String> completed = new java.util.HashSet<>();
    if (Files.exists(segment.statePath)) {
      for (String line : Files.readAllLines(segment.statePath)) {
        applyJournal(messages, completed, line);
      }
    }
    List<QueuedMessage> pending = new ArrayList<>();
    for (QueuedMessage message : messages.values()) {
      if (!completed.contains(message.queueId()) && !message.isComplete()) {
        pending.add(message);
      }
    }
    return pending;
  }

  private static void applyJournal(Map<String, QueuedMessage> messages, java.util.Set<String> completed,
      String line) {
    String[] parts = line.split(" ", 5);
    if (parts.length < 2) {
      return;
    }
    QueuedMessage message = messages.get(parts[1]);
    if (message == null) {
      return;
    }
    try {
      switch (parts[0]) {
        case "D" -> message.setState(Integer.parseInt(parts[2]), RecipientState.DELIVERED);
        case "F" -> message.setState(Integer.parseInt(parts[2]), RecipientState.FAILED);
        case "T" -> message.deferred(Integer.parseInt(parts[2]), Instant.ofEpochMilli(Long.parseLong(parts[3])),
            parts.length == 5 ? parts[4] : "");
        case "W" -> message.markDelayReported();
        case "C" -> completed.add(message.queueId());
        case "H" -> message.setHeld(true);
        case "R" -> message.setHeld(false);
        default -> log.warn("spool journal {}: unknown line {}", message.segment.statePath.getFileName(), line);
      }
    } catch (RuntimeException e) {
      // A torn last line after a crash: ignore it; at worst a recipient is delivered again.
      log.warn("spool journal: ignoring malformed line \"{}\"", line);
    }
  }

  static void syncDirectory(Path dir) throws IOException {
    try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
      channel.force(true);
    }
  }
}
