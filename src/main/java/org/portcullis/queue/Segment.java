package org.portcullis.queue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * One append-only spool file ({@code seg-<n>.log}) and its state journal ({@code seg-<n>.state}).
 * Records are written by the spool's {@link SpoolWriter} thread, which group-commits them.
 */
final class Segment {

  final long number;
  final Path logPath;
  final Path statePath;
  final FileChannel log;
  private FileChannel state;

  /** Bytes fully written; updated by the writer thread. */
  private volatile long written;

  /** Bytes promised to records placed so far (written or about to be); guarded by the spool's lock. */
  long planned;
  /** A failed write or sync of this file; every later record here fails too (writer thread only). */
  IOException syncFailure;

  private static final int JOURNAL_BATCH_CHARS = 16 * 1024;
  private final StringBuilder pendingJournal = new StringBuilder();
  private boolean closed;

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
    this.planned = size;
  }

  static Segment create(Path dir, long number) throws IOException {
    Path logPath = dir.resolve(logName(number));
    FileChannel channel = org.portcullis.files.PrivateFiles.open(logPath, java.util.EnumSet.of(
        StandardOpenOption.CREATE_NEW, StandardOpenOption.READ, StandardOpenOption.WRITE));
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

  /** Writes the buffers at {@code position}; called by the spool's writer thread only. */
  void writeAt(long position, ByteBuffer[] buffers) throws IOException {
    log.position(position);
    long remaining = 0;
    for (ByteBuffer b : buffers) {
      remaining += b.remaining();
    }
    while (remaining > 0) {
      remaining -= log.write(buffers);
    }
    written = Math.max(written, log.position());
  }

  /**
   * Appends a line to the state journal. Lines are buffered and written in batches (by size, and
   * by the spool's flusher every few tens of milliseconds): a line lost in a crash only means a
   * delivery is repeated, which Maildir delivery recognises and SMTP allows.
   */
  synchronized void journal(String line) throws IOException {
    pendingJournal.append(line).append('\n');
    if (pendingJournal.length() >= JOURNAL_BATCH_CHARS) {
      flushJournal();
    }
  }

  /** Writes buffered journal lines. */
  synchronized void flushJournal() throws IOException {
    if (pendingJournal.isEmpty() || closed) {
      return;
    }
    if (state == null) {
      state = org.portcullis.files.PrivateFiles.open(statePath, java.util.EnumSet.of(StandardOpenOption.CREATE,
          StandardOpenOption.WRITE, StandardOpenOption.APPEND));
    }
    ByteBuffer buffer = ByteBuffer.wrap(pendingJournal.toString().getBytes(StandardCharsets.UTF_8));
    pendingJournal.setLength(0);
    while (buffer.hasRemaining()) {
      state.write(buffer);
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
    closed = true;
    pendingJournal.setLength(0);
    log.close();
    if (state != null) {
      state.close();
      state = null;
    }
    Files.deleteIfExists(logPath);
    Files.deleteIfExists(statePath);
  }

  synchronized void close() throws IOException {
    flushJournal();
    closed = true;
    log.close();
    if (state != null) {
      state.force(false);
      state.close();
      state = null;
    }
  }
}
