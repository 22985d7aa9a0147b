package org.portcullis.policy;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Bounds the time of checks that run on the caller's own thread. Each evaluation registers its
 * deadline; one daemon thread looks every few milliseconds and interrupts evaluations that are
 * overdue, which ends any wait inside the check ({@link CheckContext#await}, sleeps, locks) with an
 * {@link InterruptedException}. Registering costs two map operations, no thread hand-off, which
 * keeps checks cheap on the SMTP hot path.
 *
 * <p>Care is taken that an interrupt never outlives its evaluation: a session thread that went on
 * to socket I/O with a stale interrupt would lose its connection.
 */
final class CheckWatchdog {

  private static final int RUNNING = 0;
  private static final int DONE = 1;
  private static final int INTERRUPTING = 2;
  private static final int INTERRUPTED = 3;
  private static final long SCAN_MILLIS = 20;

  /** One evaluation in progress. */
  static final class Evaluation {
    final Thread thread;
    final long deadline;
    final AtomicInteger state = new AtomicInteger(RUNNING);

    Evaluation(Thread thread, long deadline) {
      this.thread = thread;
      this.deadline = deadline;
    }

    /** True if the watchdog interrupted this evaluation. */
    boolean timedOut() {
      return state.get() >= INTERRUPTING;
    }
  }

  static final CheckWatchdog INSTANCE = new CheckWatchdog();

  private final Map<Evaluation, Boolean> active = new ConcurrentHashMap<>();

  private CheckWatchdog() {
    Thread.ofPlatform().name("check-watchdog").daemon(true).start(this::scan);
  }

  Evaluation start(long timeoutNanos) {
    Evaluation evaluation = new Evaluation(Thread.currentThread(), System.nanoTime() + timeoutNanos);
    active.put(evaluation, Boolean.TRUE);
    return evaluation;
  }

  /** Ends an evaluation; clears an interrupt the watchdog delivered to it. */
  void finish(Evaluation evaluation) {
    active.remove(evaluation);
    if (!evaluation.state.compareAndSet(RUNNING, DONE)) {
      while (evaluation.state.get() != INTERRUPTED) {
        Thread.onSpinWait();
      }
      Thread.interrupted();
    }
  }

  private void scan() {
    while (true) {
      try {
        Thread.sleep(SCAN_MILLIS);
      } catch (InterruptedException e) {
        return;
      }
      long now = System.nanoTime();
      for (Evaluation evaluation : active.keySet()) {
        if (now - evaluation.deadline >= 0 && evaluation.state.compareAndSet(RUNNING, INTERRUPTING)) {
          evaluation.thread.interrupt();
          evaluation.state.set(INTERRUPTED);
        }
      }
    }
  }
}
