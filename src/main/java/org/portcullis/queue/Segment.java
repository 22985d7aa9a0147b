package org.portcullis.queue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One append-only spool file ({@code seg-<n>.log}) and its state journal ({@code seg-<n>.state}).
 *
 * <p>Group commit: writers append under {@link #appendLock}, then wait in {@link #awaitDurable}
 * until an fdatasync covers their bytes. Whoever finds no sync in flight becomes the leader and
 * syncs everything written so far, for itself and for every writer that came while the previous
 * sync ran; the others wait. So N concurrent messages cost about one sync, not N.
 */
final class Segment {

  final long number;
  final Path logPath;
  final Path statePath;
  final FileChannel log;
  private FileChannel state;

  final ReentrantLock appendLock = new ReentrantLock();
  /** Bytes fully written; guarded by appendLock for writes, volatile for the syncer. */
  private volatile long written;

  private final ReentrantLock syncLock = new ReentrantLock();
  private final Condition synced = syncLock.newCondition();
  private long durable;
  private boolean syncing;
  private IOException syncFailure;

  /** Messages of this segment not yet complete; guarded by the spool. */
  int live;
  /** True once no more messages will be appended (a newer segment is active). */
  boolean sealed;

  private Segment(long number, Path logPath, Path statePath, FileChannel log, long size) {
    this.number = number;
    this.logPath = logPath;
    this.statePath = statePath;
    this.log = log;
    this.written = size;
    this.durable = size;
  }

  static Segment create(Path dir, long number) throws IOException {
    Path logPath = dir.resolve(logName(number));
    FileChannel channel = FileChannel.open(logPath, StandardOpenOption.CREATE_NEW,
        StandardOpenOption.READ, StandardOpenOption.WRITE);
    return new Segment(number, logPath, dir.resolve(stateName(number)), channel, 0);
  }

  static Segment open(Path dir, long number) throws IOException {
    Path logPath = dir.resolve(logName(number));
    FileChannel channel = FileChannel.open(logPath, StandardOpenOption.READ, StandardOpenOption.WRITE);
    return new Segment(number, logPath, dir.resolve(stateName(number)), channel, channel.size());
  }

  static String logName(long number) {
    return String.format("seg-%012d.log", number);
  }

  static String stateName(long number) {
    return String.format("seg-%012d.state", number);
  }

  long written() {
    return written;
  }

  /** Appends the buffers at the end; the caller holds {@link #appendLock}. Returns the start offset. */
  long append(ByteBuffer[] buffers) throws IOException {
    long start = written;
    log.position(start);
    long remaining = 0;
    for (ByteBuffer b : buffers) {
      remaining += b.remaining();
    }
    while (remaining > 0) {
      remaining -= log.write(buffers);
    }
    written = log.position();
    return start;
  }

  /** Blocks until the file is durable up to {@code offset} (group commit). */
  void awaitDurable(long offset) throws IOException {
    syncLock.lock();
    try {
      while (durable < offset) {
        if (syncFailure != null) {
          throw new IOException("spool sync failed earlier; refusing to acknowledge", syncFailure);
        }
        if (syncing) {
          synced.awaitUninterruptibly();
          continue;
        }
        syncing = true;
        long target = written;
        syncLock.unlock();
        IOException failure = null;
        try {
          log.force(false);
        } catch (IOException e) {
          failure = e;
        } finally {
          syncLock.lock();
          syncing = false;
        }
        if (failure != null) {
          syncFailure = failure;
          synced.signalAll();
          throw failure;
        }
        durable = Math.max(durable, target);
        synced.signalAll();
      }
    } finally {
      syncLock.unlock();
    }
  }

  /** Appends a line to the state journal (not synced: redelivery after a crash is idempotent). */
  synchronized void journal(String line) throws IOException {
    if (state == null) {
      state = FileChannel.open(statePath, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
          StandardOpenOption.APPEND);
    }
    ByteBuffer buffer = ByteBuffer.wrap((line + "\n").getBytes(StandardCharsets.UTF_8));
    while (buffer.hasRemaining()) {
      state.write(buffer);
    }
  }

  synchronized void syncJournal() throws IOException {
    if (state != null) {
      state.force(false);
    }
  }

  /** Reads {@code length} bytes at {@code offset}. Thread-safe (positional read). */
  byte[] read(long offset, int length) throws IOException {
    ByteBuffer buffer = ByteBuffer.allocate(length);
    while (buffer.hasRemaining()) {
      int n = log.read(buffer, offset + buffer.position());
      if (n < 0) {
        throw new IOException("spool file " + logPath + " ends before offset " + (offset + length));
      }
    }
    return buffer.array();
  }

  synchronized void closeAndDelete() throws IOException {
    log.close();
    if (state != null) {
      state.close();
      state = null;
    }
    Files.deleteIfExists(logPath);
    Files.deleteIfExists(statePath);
  }

  synchronized void close() throws IOException {
    log.close();
    if (state != null) {
      state.force(false);
      state.close();
      state = null;
    }
  }
}
