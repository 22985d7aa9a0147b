package org.portcullis.queue;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Group commit for the spool: one platform thread fdatasyncs segment files, and every writer whose
 * bytes a sync covers is released by it. While one sync runs, new messages gather for the next, so
 * N concurrent messages cost about one sync. The blocking sync runs on its own thread, so session
 * threads (virtual) only park and never pin a carrier in a system call.
 *
 * <p>A failed sync is sticky for its segment: nothing written there is acknowledged again.
 */
final class GroupSync implements AutoCloseable {

  private final ReentrantLock lock = new ReentrantLock();
  private final Condition work = lock.newCondition();
  private final Condition progress = lock.newCondition();
  /** Segments with writers waiting, and the offset each needs. */
  private final Map<Segment, Long> wanted = new LinkedHashMap<>();
  private final Thread thread;
  private boolean idle = true;
  private boolean closed;

  GroupSync() {
    thread = Thread.ofPlatform().name("spool-sync").daemon(true).start(this::run);
  }

  /** Blocks until {@code segment} is durable up to {@code offset}. */
  void awaitDurable(Segment segment, long offset) throws IOException {
    lock.lock();
    try {
      while (segment.durable < offset) {
        if (segment.syncFailure != null) {
          throw new IOException("spool sync failed; refusing to acknowledge", segment.syncFailure);
        }
        if (closed) {
          throw new IOException("spool is closed");
        }
        wanted.merge(segment, offset, Math::max);
        if (idle) {
          work.signal();
        }
        progress.awaitUninterruptibly();
      }
    } finally {
      lock.unlock();
    }
  }

  private void run() {
    while (true) {
      Map<Segment, Long> batch;
      lock.lock();
      try {
        while (wanted.isEmpty() && !closed) {
          idle = true;
          work.awaitUninterruptibly();
        }
        if (closed && wanted.isEmpty()) {
          return;
        }
        idle = false;
        batch = new LinkedHashMap<>();
        for (Segment segment : wanted.keySet()) {
          batch.put(segment, segment.written());
        }
        wanted.clear();
      } finally {
        lock.unlock();
      }
      Map<Segment, IOException> failures = new LinkedHashMap<>();
      for (Segment segment : batch.keySet()) {
        try {
          segment.log.force(false);
        } catch (IOException e) {
          failures.put(segment, e);
        }
      }
      lock.lock();
      try {
        batch.forEach((segment, target) -> {
          if (failures.containsKey(segment)) {
            segment.syncFailure = failures.get(segment);
          } else {
            segment.durable = Math.max(segment.durable, target);
          }
        });
        progress.signalAll();
      } finally {
        lock.unlock();
      }
    }
  }

  @Override
  public void close() {
    lock.lock();
    try {
      closed = true;
      work.signal();
      progress.signalAll();
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
