package org.portcullis.delivery;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.portcullis.dsn.DeliveryReport;
import org.portcullis.mail.EnhancedStatus;
import org.portcullis.mail.LogText;
import org.portcullis.mail.Recipient;
import org.portcullis.queue.QueuedMessage;
import org.portcullis.queue.RecipientState;
import org.portcullis.queue.Spool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers spooled messages asynchronously. A pool of platform-thread workers (their work is file
 * and socket I/O, which would pin virtual threads) takes ready messages
 * and hands them to the transport; a sync thread makes the transport's deliveries durable in
 * batches ({@link Transport#sync}, one syncfs for many Maildir files) and only then journals them,
 * so the spool keeps every message until its delivered copies are safe. Deferred recipients are
 * retried after growing delays; a message leaves the spool when every recipient is delivered (and
 * synced) or has failed permanently, or after the give-up time.
 *
 * <p>Lifecycle: construct, {@link #start} with the recovered messages, {@link #submit} each newly
 * accepted message, {@link #close} on shutdown (undelivered work stays in the spool for the next
 * start). Thread-safe.
 */
public final class DeliveryService implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger("portcullis.delivery");
  private static final long SYNC_INTERVAL_MILLIS = 20;

  /** A delivery reported by the transport and not yet made durable. */
  private record Unsynced(QueuedMessage message, int recipient) {}

  private final Spool spool;
  private final Transport transport;
  private final RetrySchedule retries;
  private final Clock clock;
  private final int concurrency;
  private final Notifications notifications;
  private final Map<String, ScheduledFuture<?>> scheduled = new ConcurrentHashMap<>();
  private final Map<String, LongAdder> outcomeCounts = new ConcurrentHashMap<>();
  private final BlockingQueue<QueuedMessage> ready = new LinkedBlockingQueue<>();
  private final BlockingQueue<Unsynced> unsynced = new LinkedBlockingQueue<>();
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
      Thread.ofPlatform().name("delivery-retry-timer").daemon(true).factory());
  private Thread[] workers = new Thread[0];
  private Thread syncer;
  private volatile boolean stopping;

  public DeliveryService(Spool spool, Transport transport, RetrySchedule retries, Clock clock, int concurrency,
      Notifications notifications) {
    if (concurrency < 1) {
      throw new IllegalArgumentException("delivery concurrency must be at least 1, not " + concurrency);
    }
    this.spool = spool;
    this.transport = transport;
    this.retries = retries;
    this.clock = clock;
    this.concurrency = concurrency;
    this.notifications = notifications;
  }

  /** Starts the workers and queues the messages recovered from the spool. */
  public void start(List<QueuedMessage> recovered) {
    workers = new Thread[concurrency];
    for (int i = 0; i < concurrency; i++) {
      workers[i] = Thread.ofPlatform().name("delivery-" + i).daemon(true).start(this::work);
    }
    syncer = Thread.ofPlatform().name("delivery-sync").daemon(true).start(this::syncLoop);
    Instant now = clock.instant();
    for (QueuedMessage message : recovered) {
      Duration wait = Duration.between(now, message.nextAttempt());
      if (wait.isNegative() || wait.isZero()) {
        submit(message);
      } else {
        schedule(message, wait);
      }
    }
  }

  /** Queues a newly accepted message for delivery (a held one waits for its release). */
  public void submit(QueuedMessage message) {
    if (!message.held()) {
      ready.add(message);
    }
  }

  // ---- the operator's queue commands (portcullis queue ...) ----

  /** Tries every deferred message now (or only {@code queueId}); returns how many were due later. */
  public int flush(Optional<String> queueId) {
    int flushed = 0;
    for (Map.Entry<String, ScheduledFuture<?>> e : scheduled.entrySet()) {
      if (queueId.isPresent() && !queueId.get().equals(e.getKey())) {
        continue;
      }
      if (e.getValue().cancel(false) && scheduled.remove(e.getKey(), e.getValue())) {
        spool.find(e.getKey()).ifPresent(this::submit);
        flushed++;
      }
    }
    return flushed;
  }

  /** Puts a message on hold: no delivery until released. False if there is no such message. */
  public boolean hold(String queueId) throws IOException {
    Optional<QueuedMessage> message = spool.find(queueId);
    if (message.isEmpty()) {
      return false;
    }
    spool.recordHold(message.get(), true);
    ScheduledFuture<?> pending = scheduled.remove(queueId);
    if (pending != null) {
      pending.cancel(false);
    }
    log.info("held queue={} by the operator", queueId);
    return true;
  }

  /** Releases a held message and tries it now. False if there is no such message or it was not held. */
  public boolean release(String queueId) throws IOException {
    Optional<QueuedMessage> message = spool.find(queueId);
    if (message.isEmpty() || !message.get().held()) {
      return false;
    }
    spool.recordHold(message.get(), false);
    log.info("released queue={} by the operator", queueId);
    submit(message.get());
    return true;
  }

  /**
   * Deletes a message without delivering or bouncing it (Postfix's {@code postsuper -d}). A
   * delivery already under way may still complete for some recipients. False if there is none.
   */
  public boolean delete(String queueId) throws IOException {
    Optional<QueuedMessage> message = spool.find(queueId);
    if (message.isEmpty()) {
      return false;
    }
    ScheduledFuture<?> pending = scheduled.remove(queueId);
    if (pending != null) {
      pending.cancel(false);
    }
    for (int index : message.get().pendingRecipients()) {
      spool.recordFinal(message.get(), index, RecipientState.FAILED);
    }
    spool.completeIfDone(message.get());
    log.warn("deleted queue={} by the operator (not delivered, no bounce)", queueId);
    return true;
  }

  private void work() {
    while (!stopping) {
      QueuedMessage message;
      try {
        message = ready.poll(200, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        return;
      }
      if (message == null || message.held()) {
        continue;
      }
      try {
        attempt(message);
      } catch (IOException | RuntimeException e) {
        log.error("delivery of {} failed unexpectedly; will retry", message.queueId(), e);
        schedule(message, retries.initialDelay());
      }
    }
  }

  private void attempt(QueuedMessage message) throws IOException {
    List<Integer> pending = message.pendingRecipients();
    if (pending.isEmpty()) {
      spool.completeIfDone(message);
      return;
    }
    byte[] content = spool.content(message);
    Map<Integer, DeliveryOutcome> outcomes = transport.deliver(message, pending, content);
    Instant now = clock.instant();
    String lastDeferral = "";
    List<Integer> failed = new ArrayList<>();
    Map<Integer, DeliveryOutcome> deferred = new LinkedHashMap<>();
    List<DeliveryReport.Entry> successes = new ArrayList<>();
    for (int index : pending) {
      DeliveryOutcome outcome = outcomes.getOrDefault(index,
          new DeliveryOutcome.Deferred(transport.name() + " gave no outcome"));
      count(outcome);
      Recipient recipient = message.envelope().recipients().get(index);
      String rcpt = "<" + recipient.address() + ">";
      String delay = String.format("%.2f", Duration.between(message.receivedAt(), now).toMillis() / 1000.0);
      switch (outcome) {
        case DeliveryOutcome.Delivered d -> {
          message.deliveredPendingSync(index);
          unsynced.add(new Unsynced(message, index));
          log.info("delivered queue={} to={} via={} delay={} status=sent detail={}", message.queueId(),
              LogText.value(rcpt), transport.name(), delay, LogText.quoted(d.detail(), 300));
          if (!d.notifyPassedOn()) {
            successes.add(entry(recipient, d.remote().isPresent() ? DeliveryReport.Action.RELAYED
                : DeliveryReport.Action.DELIVERED, d));
          }
        }
        case DeliveryOutcome.Failed f -> {
          failed.add(index);
          log.warn("failed queue={} to={} via={} delay={} status=bounced detail={}", message.queueId(),
              LogText.value(rcpt), transport.name(), delay, LogText.quoted(f.detail(), 300));
        }
        case DeliveryOutcome.Deferred d -> {
          lastDeferral = d.detail();
          deferred.put(index, d);
          log.info("deferred queue={} to={} via={} delay={} status=deferred detail={}", message.queueId(),
              LogText.value(rcpt), transport.name(), delay, LogText.quoted(d.detail(), 300));
        }
      }
    }
    notify(message, content, successes, Optional.empty());
    int attempts = message.attempts() + 1;
    boolean givingUp = !deferred.isEmpty()
        && Duration.between(message.receivedAt(), now).compareTo(retries.giveUpAfter()) >= 0;
    List<DeliveryReport.Entry> failures = new ArrayList<>();
    for (int index : failed) {
      failures.add(entry(message.envelope().recipients().get(index), DeliveryReport.Action.FAILED,
          outcomes.get(index)));
    }
    if (givingUp) {
      for (Map.Entry<Integer, DeliveryOutcome> d : deferred.entrySet()) {
        DeliveryOutcome last = d.getValue();
        String text = "gave up after " + attempts + " attempts over " + retries.giveUpAfter().toHours()
            + " hours; last: " + last.detail();
        failures.add(new DeliveryReport.Entry(message.envelope().recipients().get(d.getKey()),
            DeliveryReport.Action.FAILED, new EnhancedStatus(4, 4, 7), last.remote().map(DeliveryOutcome.Remote::mta),
            last.remote().map(DeliveryOutcome.Remote::diagnostic).orElse(List.of()), text));
        log.warn("failed queue={} to={} status=expired detail={}", message.queueId(),
            LogText.value("<" + message.envelope().recipients().get(d.getKey()).address() + ">"),
            LogText.quoted(text, 300));
      }
    }
    // The notification is on disk before the failures are journaled: a crash repeats it, never loses it.
    notify(message, content, failures, Optional.empty());
    for (int index : failed) {
      spool.recordFinal(message, index, RecipientState.FAILED);
    }
    if (givingUp) {
      for (int index : deferred.keySet()) {
        spool.recordFinal(message, index, RecipientState.FAILED);
      }
    }
    if (message.isComplete()) {
      spool.completeIfDone(message);
      return;
    }
    if (deferred.isEmpty()) {
      return; // the rest were delivered and wait for their sync
    }
    if (!message.delayReported() && notifications.delayDue(message)) {
      List<DeliveryReport.Entry> delays = new ArrayList<>();
      deferred.forEach((index, d) -> delays.add(entry(message.envelope().recipients().get(index),
          DeliveryReport.Action.DELAYED, d)));
      notify(message, content, delays, Optional.of(message.receivedAt().plus(retries.giveUpAfter())));
      spool.recordDelayReported(message);
    }
    Duration wait = retries.delayAfter(attempts);
    // A deferral that knows when trying again can help (the end of a source suspension) waits for
    // that, never longer than the schedule's longest wait, never past the give-up time.
    Optional<Instant> hint = deferred.values().stream().map(d -> ((DeliveryOutcome.Deferred) d).retryAt())
        .flatMap(Optional::stream).min(Instant::compareTo);
    if (hint.isPresent() && deferred.values().stream().allMatch(d -> ((DeliveryOutcome.Deferred) d).retryAt()
        .isPresent())) {
      Duration untilHint = Duration.between(now, hint.get());
      wait = untilHint.compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1)
          : untilHint.compareTo(retries.maximumDelay()) > 0 ? retries.maximumDelay() : untilHint;
    }
    Duration toGiveUp = Duration.between(now, message.receivedAt().plus(retries.giveUpAfter()));
    if (toGiveUp.compareTo(Duration.ofSeconds(1)) > 0 && wait.compareTo(toGiveUp) > 0) {
      wait = toGiveUp;
    }
    spool.recordDeferred(message, attempts, now.plus(wait), lastDeferral);
    schedule(message, wait);
  }

  private void count(DeliveryOutcome outcome) {
    String name = switch (outcome) {
      case DeliveryOutcome.Delivered d -> "delivered";
      case DeliveryOutcome.Deferred d -> "deferred";
      case DeliveryOutcome.Failed f -> "failed";
    };
    outcomeCounts.computeIfAbsent(name, n -> new LongAdder()).increment();
  }

  /** Recipients' delivery attempts since start, by outcome: delivered, deferred, failed. */
  public long outcomes(String outcome) {
    LongAdder n = outcomeCounts.get(outcome);
    return n == null ? 0 : n.sum();
  }

  /** A report entry from an outcome: its status, and the remote server's name and whole reply. */
  private static DeliveryReport.Entry entry(Recipient recipient, DeliveryReport.Action action,
      DeliveryOutcome outcome) {
    return new DeliveryReport.Entry(recipient, action, outcome.status(),
        outcome.remote().map(DeliveryOutcome.Remote::mta),
        outcome.remote().map(DeliveryOutcome.Remote::diagnostic).orElse(List.of()), outcome.detail());
  }

  private void notify(QueuedMessage message, byte[] content, List<DeliveryReport.Entry> entries,
      Optional<Instant> retryUntil) throws IOException {
    if (entries.isEmpty()) {
      return;
    }
    notifications.queue(message, content, entries, retryUntil).ifPresent(this::submit);
  }

  /** Makes batches of deliveries durable, then journals them and completes finished messages. */
  private void syncLoop() {
    List<Unsynced> batch = new ArrayList<>();
    while (true) {
      try {
        Unsynced first = unsynced.poll(SYNC_INTERVAL_MILLIS, TimeUnit.MILLISECONDS);
        if (first == null) {
          if (stopping) {
            return;
          }
          continue;
        }
        Thread.sleep(SYNC_INTERVAL_MILLIS);
        batch.add(first);
        unsynced.drainTo(batch);
      } catch (InterruptedException e) {
        return;
      }
      syncBatch(batch);
      batch.clear();
    }
  }

  private void syncBatch(List<Unsynced> batch) {
    try {
      transport.sync();
    } catch (IOException e) {
      log.error("could not make {} delivered message(s) durable; they stay queued and will be delivered again: {}",
          batch.size(), e.getMessage());
      Set<QueuedMessage> again = new LinkedHashSet<>();
      for (Unsynced u : batch) {
        u.message().deliveryLost(u.recipient());
        again.add(u.message());
      }
      again.forEach(m -> schedule(m, retries.initialDelay()));
      return;
    }
    Set<QueuedMessage> touched = new LinkedHashSet<>();
    for (Unsynced u : batch) {
      try {
        spool.recordFinal(u.message(), u.recipient(), RecipientState.DELIVERED);
      } catch (IOException e) {
        log.warn("could not journal the delivery of {}: {}", u.message().queueId(), e.getMessage());
      }
      u.message().deliverySynced();
      touched.add(u.message());
    }
    for (QueuedMessage message : touched) {
      try {
        spool.completeIfDone(message);
      } catch (IOException e) {
        log.warn("could not complete {}: {}", message.queueId(), e.getMessage());
      }
    }
  }

  private void schedule(QueuedMessage message, Duration wait) {
    if (stopping || message.held()) {
      return;
    }
    String id = message.queueId();
    Runnable due = () -> {
      scheduled.remove(id);
      submit(message);
    };
    try {
      scheduled.put(id, timer.schedule(due, wait.toMillis(), TimeUnit.MILLISECONDS));
    } catch (java.util.concurrent.RejectedExecutionException closing) {
      // shutting down: the message stays in the spool for the next start
    }
  }

  /** Stops the workers after their current attempt and syncs what they delivered. */
  @Override
  public void close() {
    stopping = true;
    timer.shutdownNow();
    try {
      for (Thread worker : workers) {
        worker.join(Duration.ofSeconds(30));
      }
      if (syncer != null) {
        syncer.join(Duration.ofSeconds(30));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    }
    List<Unsynced> rest = new ArrayList<>();
    unsynced.drainTo(rest);
    if (!rest.isEmpty()) {
      syncBatch(rest);
    }
    transport.close();
  }
}
