package org.portcullis.policy;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Bounds the time of checks that run on the caller's own thread. Each evaluation registers its
 * deadline; one daemon thread looks every few milliseconds and interrupts evaluations that are
 * overdue, which ends any wait inside the check ({@link CheckContext#await}, sleeps, locks) with an
 * {@link InterruptedException}. Registering costs a compare-and-set on a free slot, no thread hand-off, which
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
    /** The slot it holds, or -1 if it waits in the overflow map. */
    int slot = -1;

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

  /**
   * Evaluations in progress, one per slot: claiming a free slot is one compare-and-set, much
   * cheaper than a concurrent map when every check of every command registers. Past the slots
   * (more concurrent evaluations than slots), evaluations wait in the overflow map.
   */
  private static final int SLOTS = 1024;
  private final AtomicReferenceArray<Evaluation> slots = new AtomicReferenceArray<>(SLOTS);
  private final Map<Evaluation, Boolean> overflow = new ConcurrentHashMap<>();

  private CheckWatchdog() {
    Thread.ofPlatform().name("check-watchdog").daemon(true).start(this::scan);
  }

  Evaluation start(long timeoutNanos) {
    Evaluation evaluation = new Evaluation(Thread.currentThread(), System.nanoTime() + timeoutNanos);
    int first = (int) (evaluation.thread.threadId() & (SLOTS - 1));
    for (int i = 0; i < 8; i++) {
      int slot = (first + i) & (SLOTS - 1);
      if (slots.get(slot) == null && slots.compareAndSet(slot, null, evaluation)) {
        evaluation.slot = slot;
        return evaluation;
      }
    }
    overflow.put(evaluation, Boolean.TRUE);
    return evaluation;
  }

  /** Ends an evaluation; clears an interrupt the watchdog delivered to it. */
  void finish(Evaluation evaluation) {
    if (evaluation.slot >= 0) {
      slots.set(evaluation.slot, null);
    } else {
      overflow.remove(evaluation);
    }
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
      for (int i = 0; i < SLOTS; i++) {
        Evaluation evaluation = slots.get(i);
        if (evaluation != null) {
          interruptIfOverdue(evaluation, now);
        }
      }
      for (Evaluation evaluation : overflow.keySet()) {
        interruptIfOverdue(evaluation, now);
      }
    }
  }

  private static void interruptIfOverdue(Evaluation evaluation, long now) {
    if (now - evaluation.deadline >= 0 && evaluation.state.compareAndSet(RUNNING, INTERRUPTING)) {
      evaluation.thread.interrupt();
      evaluation.state.set(INTERRUPTED);
    }
  }
}
