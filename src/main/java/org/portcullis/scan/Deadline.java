package org.portcullis.scan;

import java.io.Closeable;
import java.io.IOException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Closes a connection when a scan's deadline passes, whatever the scan is blocked in (connect,
 * a write the scanner does not read, a reply that drips): a total timeout, not an idle one.
 * One daemon thread serves every scan.
 */
final class Deadline implements AutoCloseable {

  private static final ScheduledThreadPoolExecutor TIMER = timer();

  private final ScheduledFuture<?> closing;
  private final AtomicBoolean fired = new AtomicBoolean();

  private Deadline(long deadlineNanos, Closeable connection) {
    this.closing = TIMER.schedule(() -> {
      fired.set(true);
      try {
        connection.close();
      } catch (IOException e) {
        // closing to stop the scan; nothing else to do
      }
    }, Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
  }

  /** Schedules {@code connection} to be closed at {@code deadlineNanos}; {@link #close} cancels it. */
  static Deadline closeAt(long deadlineNanos, Closeable connection) {
    return new Deadline(deadlineNanos, connection);
  }

  /** Whether the deadline closed the connection (so an I/O error that followed is a timeout). */
  boolean fired() {
    return fired.get();
  }

  /**
   * The error to report for {@code e}: a {@link ScanTimeoutException} if the deadline caused it,
   * else {@code e} itself.
   */
  IOException explain(IOException e, String scanner) {
    if (fired() && !(e instanceof ScanReplyException)) {
      return new ScanTimeoutException(scanner + " did not answer in time");
    }
    return e;
  }

  @Override
  public void close() {
    closing.cancel(false);
  }

  private static ScheduledThreadPoolExecutor timer() {
    ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, r -> {
      Thread t = new Thread(r, "scan-deadline");
      t.setDaemon(true);
      return t;
    });
    timer.setRemoveOnCancelPolicy(true);
    return timer;
  }
}
