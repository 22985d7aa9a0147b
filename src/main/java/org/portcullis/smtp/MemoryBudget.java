package org.portcullis.smtp;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Caps the message bytes all sessions hold in memory at once, so that many large messages in
 * parallel cannot exhaust the heap: a session that cannot get room answers 452 4.3.1 and the
 * client retries later. Thread-safe.
 */
final class MemoryBudget {

  private final long capacity;
  private final AtomicLong used = new AtomicLong();

  MemoryBudget(long capacity) {
    this.capacity = capacity;
  }

  boolean tryAcquire(long bytes) {
    while (true) {
      long current = used.get();
      if (current + bytes > capacity) {
        return false;
      }
      if (used.compareAndSet(current, current + bytes)) {
        return true;
      }
    }
  }

  void release(long bytes) {
    used.addAndGet(-bytes);
  }

  long used() {
    return used.get();
  }
}
