package org.portcullis.smtp;

import java.util.concurrent.atomic.AtomicLong;

/** Counters of the listener, read by operations commands and (later) metrics. Thread-safe. */
public final class SmtpStats {

  private final AtomicLong sessions = new AtomicLong();
  private final AtomicLong active = new AtomicLong();
  private final AtomicLong accepted = new AtomicLong();
  private final AtomicLong refusedConnections = new AtomicLong();

  void sessionStarted() {
    sessions.incrementAndGet();
    active.incrementAndGet();
  }

  void sessionEnded() {
    active.decrementAndGet();
  }

  void accepted() {
    accepted.incrementAndGet();
  }

  void connectionRefused() {
    refusedConnections.incrementAndGet();
  }

  public long sessions() {
    return sessions.get();
  }

  public long activeSessions() {
    return active.get();
  }

  public long acceptedMessages() {
    return accepted.get();
  }

  public long refusedConnections() {
    return refusedConnections.get();
  }
}
