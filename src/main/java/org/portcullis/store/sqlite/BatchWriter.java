package org.portcullis.store.sqlite;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes queued items in batches on one thread, so callers (SMTP sessions) never wait for the
 * disk: {@link #offer} only queues; the thread takes what is waiting, lets a burst gather for a
 * few milliseconds (one commit for many rows costs far less than one each), and hands the batch
 * to the sink in one call. A failed batch is logged and dropped. {@link #flush} waits for what was
 * offered so far; {@link #close} writes what is left and stops.
 */
final class BatchWriter<T> implements AutoCloseable {

  /** Writes one batch (typically in one transaction). */
  interface Sink<T> {
    void write(List<T> batch) throws SQLException;
  }

  private static final Logger log = LoggerFactory.getLogger("portcullis.store");
  private static final int QUEUE_MAX = 100_000;
  private static final int BATCH_MAX = 500;
  private static final long LINGER_MILLIS = 20;

  private final String what;
  private final Sink<T> sink;
  private final BlockingQueue<T> queue = new ArrayBlockingQueue<>(QUEUE_MAX);
  private final AtomicLong submitted = new AtomicLong();
  private final AtomicLong written = new AtomicLong();
  private final Object progress = new Object();
  private final Thread thread;
  private volatile boolean closing;

  /**
   * @param threadName the writer thread's name
   * @param what what a batch holds, for the error log ("refusal record(s); they are lost ...")
   */
  BatchWriter(String threadName, String what, Sink<T> sink) {
    this.what = what;
    this.sink = sink;
    this.thread = Thread.ofPlatform().name(threadName).daemon(true).start(this::loop);
  }

  /** Queues an item; false if the queue is full (the disk is far behind). */
  boolean offer(T item) {
    if (queue.offer(item)) {
      submitted.incrementAndGet();
      return true;
    }
    return false;
  }

  /** Waits until every item offered so far is written (or failed). */
  void flush() {
    long target = submitted.get();
    synchronized (progress) {
      while (written.get() < target && thread.isAlive()) {
        try {
          progress.wait(100);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
  }

  boolean closing() {
    return closing;
  }

  private void loop() {
    List<T> batch = new ArrayList<>(BATCH_MAX);
    while (!closing || !queue.isEmpty()) {
      try {
        T first = queue.poll(200, TimeUnit.MILLISECONDS);
        if (first == null) {
          continue;
        }
        batch.add(first);
        queue.drainTo(batch, BATCH_MAX - 1);
        if (batch.size() < BATCH_MAX && !closing) {
          try {
            Thread.sleep(LINGER_MILLIS);
          } catch (InterruptedException e) {
            closing = true;
          }
          queue.drainTo(batch, BATCH_MAX - batch.size());
        }
        sink.write(batch);
      } catch (InterruptedException e) {
        closing = true;
      } catch (SQLException | RuntimeException e) {
        log.error("could not store {} {}", batch.size(), what, e);
      } finally {
        if (!batch.isEmpty()) {
          written.addAndGet(batch.size());
          batch.clear();
          synchronized (progress) {
            progress.notifyAll();
          }
        }
      }
    }
  }

  /** Writes what is queued (waiting up to 10 s) and stops the thread. */
  @Override
  public void close() {
    closing = true;
    try {
      thread.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
