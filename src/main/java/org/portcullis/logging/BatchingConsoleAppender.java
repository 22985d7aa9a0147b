package org.portcullis.logging;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.UnsynchronizedAppenderBase;
import ch.qos.logback.core.encoder.Encoder;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Writes log lines to standard output in batches: callers only queue the event (no lock, no
 * system call, no thread to wake), and one writer thread formats whatever gathered every
 * {@code lingerMillis} and writes it with one system call. Under load (a log line per refusal, per
 * delivery) that replaces a write and a thread wake-up per line with one per batch; a line
 * appears at most a linger later, and is formatted there too, off the caller's thread. Nothing is dropped: past {@code backlogMax} queued events the
 * caller writes the backlog itself. {@link #stop} (logback's shutdown hook) writes what is left.
 */
public final class BatchingConsoleAppender extends UnsynchronizedAppenderBase<ILoggingEvent> {

  private final ConcurrentLinkedQueue<ILoggingEvent> queue = new ConcurrentLinkedQueue<>();
  private final AtomicInteger queued = new AtomicInteger();
  private final Object writing = new Object();
  private Encoder<ILoggingEvent> encoder;
  private int lingerMillis = 10;
  private int backlogMax = 50_000;
  private volatile boolean stopping;
  private Thread writer;

  public void setEncoder(Encoder<ILoggingEvent> encoder) {
    this.encoder = encoder;
  }

  public void setLingerMillis(int lingerMillis) {
    this.lingerMillis = lingerMillis;
  }

  public void setBacklogMax(int backlogMax) {
    this.backlogMax = backlogMax;
  }

  @Override
  public void start() {
    if (encoder == null) {
      addError("no encoder for " + getName());
      return;
    }
    stopping = false;
    writer = new Thread(this::writeLoop, "log-writer");
    writer.setDaemon(true);
    writer.start();
    super.start();
  }

  @Override
  protected void append(ILoggingEvent event) {
    // The thread name is captured now; the message is formatted on the writer thread, so a log
    // call's arguments must not change after it (in Portcullis they are immutable values).
    event.getThreadName();
    queue.add(event);
    if (queued.incrementAndGet() > backlogMax) {
      drain();
    }
  }

  private void writeLoop() {
    while (!stopping) {
      LockSupport.parkNanos(lingerMillis * 1_000_000L);
      drain();
    }
  }

  /** Formats and writes everything queued, in one write. */
  private void drain() {
    synchronized (writing) {
      ByteArrayOutputStream batch = null;
      ILoggingEvent event;
      while ((event = queue.poll()) != null) {
        queued.decrementAndGet();
        if (batch == null) {
          batch = new ByteArrayOutputStream(8192);
        }
        batch.writeBytes(encoder.encode(event));
      }
      if (batch != null) {
        PrintStream out = System.out;
        out.write(batch.toByteArray(), 0, batch.size());
        out.flush();
      }
    }
  }

  @Override
  public void stop() {
    if (!isStarted()) {
      return;
    }
    stopping = true;
    if (writer != null) {
      LockSupport.unpark(writer);
      try {
        writer.join(2000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    drain();
    super.stop();
  }
}
