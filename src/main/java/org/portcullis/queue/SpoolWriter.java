package org.portcullis.queue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Group commit for the spool: sessions hand their records to one platform thread, which writes
 * every record waiting at that moment with one gathering write and makes them durable with one
 * fdatasync, then releases all their writers at once. While it works, new records gather for the
 * next batch, so N concurrent messages cost about one write and one sync; and session threads
 * (virtual) never block a carrier in a file system call, they only park.
 *
 * <p>A failed write or sync fails every record of the batch (nothing is acknowledged) and is
 * sticky for the segment.
 */
final class SpoolWriter implements AutoCloseable {

  /** Where a record goes: its segment and start offset. */
  record Placed(Segment segment, long start) {}

  /**
   * Chooses the segment and offset for a record of the given length, rotating segments when one is
   * full; called on the writer thread only.
   */
  interface Placement {
    Placed place(long recordLength) throws IOException;
  }

  /** One record waiting to be written; filled in by the writer thread. */
  static final class Pending {
    final ByteBuffer[] buffers;
    final long length;
    Segment segment;
    long start;
    IOException failure;
    boolean done;

    Pending(ByteBuffer[] buffers, long length) {
      this.buffers = buffers;
      this.length = length;
    }
  }

  private final Placement placement;
  private final boolean fsync;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition work = lock.newCondition();
  private final Condition progress = lock.newCondition();
  private List<Pending> waiting = new ArrayList<>();
  private final Thread thread;
  private boolean idle = true;
  private boolean closed;

  SpoolWriter(Placement placement, boolean fsync) {
    this.placement = placement;
    this.fsync = fsync;
    this.thread = Thread.ofPlatform().name("spool-writer").daemon(true).start(this::run);
  }

  /** Writes the record and returns once it is durable (or written, without fsync). */
  void write(Pending pending) throws IOException {
    lock.lock();
    try {
      if (closed) {
        throw new IOException("spool is closed");
      }
      waiting.add(pending);
      if (idle) {
        work.signal();
      }
      while (!pending.done) {
        progress.awaitUninterruptibly();
      }
    } finally {
      lock.unlock();
    }
    if (pending.failure != null) {
      throw new IOException("spool write failed; nothing was acknowledged: " + pending.failure.getMessage(),
          pending.failure);
    }
  }

  private void run() {
    while (true) {
      List<Pending> batch;
      lock.lock();
      try {
        while (waiting.isEmpty() && !closed) {
          idle = true;
          work.awaitUninterruptibly();
        }
        if (waiting.isEmpty()) {
          return;
        }
        idle = false;
        batch = waiting;
        waiting = new ArrayList<>();
      } finally {
        lock.unlock();
      }
      writeBatch(batch);
      lock.lock();
      try {
        for (Pending p : batch) {
          p.done = true;
        }
        progress.signalAll();
      } finally {
        lock.unlock();
      }
    }
  }

  /** Places, writes and syncs a batch; the records of one segment go out in one gathering write. */
  private void writeBatch(List<Pending> batch) {
    Map<Segment, List<Pending>> runs = new LinkedHashMap<>();
    for (Pending p : batch) {
      try {
        Placed placed = placement.place(p.length);
        p.segment = placed.segment();
        p.start = placed.start();
        runs.computeIfAbsent(p.segment, s -> new ArrayList<>()).add(p);
      } catch (IOException e) {
        p.failure = e;
      }
    }
    for (Map.Entry<Segment, List<Pending>> run : runs.entrySet()) {
      Segment segment = run.getKey();
      List<Pending> records = run.getValue();
      try {
        if (segment.syncFailure != null) {
          throw segment.syncFailure;
        }
        List<ByteBuffer> buffers = new ArrayList<>();
        for (Pending p : records) {
          buffers.addAll(List.of(p.buffers));
        }
        segment.writeAt(records.getFirst().start, buffers.toArray(ByteBuffer[]::new));
        if (fsync) {
          segment.log.force(false);
        }
      } catch (IOException e) {
        segment.syncFailure = e;
        fail(records, e);
      }
    }
  }

  private static void fail(List<Pending> pendings, IOException e) {
    for (Pending p : pendings) {
      p.failure = e;
    }
  }

  @Override
  public void close() {
    lock.lock();
    try {
      closed = true;
      work.signal();
    } finally {
      lock.unlock();
    }
    try {
      thread.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
