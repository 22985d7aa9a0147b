package org.portcullis.blocklist;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.portcullis.mail.Addresses;
import org.portcullis.mail.Cidr;
import org.portcullis.policy.Fact;
import org.portcullis.policy.RefusalLog;
import org.portcullis.policy.RefusalRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lists sources on the gateway's own verdicts: a refusal log in front of the real one that, for
 * each enforced refusal, lists the client when the refusing check is the spam trap, or when a
 * configured rule's count is reached ("3 pregreet or dnsbl refusals within 60 minutes"). The
 * refusal record, with its reference, becomes the listing's evidence.
 *
 * <p>Only enforced refusals count (reject, disconnect): observe-mode findings and temporary
 * failures list nobody. Store writes happen on one background thread, so the SMTP session never
 * waits for them; if that thread falls far behind, listings are dropped with a warning.
 */
public final class AutoListing implements RefusalLog, AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger("portcullis.blocklist");

  /**
   * Lists a client after {@code refusals} enforced refusals by any of {@code checks} within
   * {@code window}.
   */
  public record Rule(Set<String> checks, int refusals, Duration window, Category category) {
    public Rule {
      checks = Set.copyOf(checks);
      if (refusals < 1) {
        throw new IllegalArgumentException("refusals must be at least 1, not " + refusals);
      }
    }
  }

  private final RefusalLog delegate;
  private final Blocklist blocklist;
  private final String trapCheck;
  private final List<Rule> rules;
  private final Cache<String, Deque<Instant>> recent;
  private final ThreadPoolExecutor writer;

  /**
   * @param delegate the real refusal log
   * @param trapCheck the name of the spam-trap check, whose enforced refusals list at once
   */
  public AutoListing(RefusalLog delegate, Blocklist blocklist, String trapCheck, List<Rule> rules) {
    this.delegate = delegate;
    this.blocklist = blocklist;
    this.trapCheck = trapCheck;
    this.rules = List.copyOf(rules);
    Duration longest = rules.stream().map(Rule::window).max(Duration::compareTo).orElse(Duration.ofMinutes(1));
    this.recent = Caffeine.newBuilder().maximumSize(200_000).expireAfterAccess(longest).build();
    this.writer = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new ArrayBlockingQueue<>(10_000),
        Thread.ofPlatform().name("auto-listing").daemon(true).factory(),
        (task, pool) -> log.warn("auto-listing is behind; a listing was dropped"));
  }

  @Override
  public void record(RefusalRecord record) {
    delegate.record(record);
    if (!record.outcome().equals("reject") && !record.outcome().equals("disconnect")) {
      return;
    }
    if (record.check().equals(trapCheck)) {
      writer.execute(() -> list(record, Category.SPAM_TRAP, "spam-trap"));
      return;
    }
    for (int i = 0; i < rules.size(); i++) {
      Rule rule = rules.get(i);
      if (rule.checks().contains(record.check()) && count(i, rule, record) >= rule.refusals()) {
        writer.execute(() -> list(record, rule.category(), "auto:" + record.check()));
        return;
      }
    }
  }

  private int count(int ruleIndex, Rule rule, RefusalRecord record) {
    Deque<Instant> times = recent.get(ruleIndex + "/" + record.clientAddress(), k -> new ArrayDeque<>());
    synchronized (times) {
      times.addLast(record.time());
      Instant cutoff = record.time().minus(rule.window());
      while (!times.isEmpty() && times.peekFirst().isBefore(cutoff)) {
        times.removeFirst();
      }
      return times.size();
    }
  }

  private void list(RefusalRecord record, Category category, String source) {
    try {
      Optional<InetAddress> address = Addresses.parseLiteral(record.clientAddress());
      if (address.isEmpty()) {
        return;
      }
      Evidence evidence = new Evidence(record.time(), source, record.clientAddress(), record.helo(), record.sender(),
          fact(record, "spam-trap recipients").orElse(record.recipient()), fact(record, "header excerpt").orElse(""),
          "refused by " + record.check() + " at " + record.phase().name().toLowerCase(java.util.Locale.ROOT)
              + " (ref=" + record.reference() + "): " + record.replyText());
      Listing listing = blocklist.report(Cidr.of(address.get()), category, evidence);
      log.info("listed {} as {} (evidence ref={}, {} piece(s) of evidence)", listing.network(), category.label(),
          record.reference(), listing.evidence().size());
    } catch (RuntimeException e) {
      log.warn("could not list {}: {}", record.clientAddress(), e.toString());
    }
  }

  private static Optional<String> fact(RefusalRecord record, String label) {
    return record.explanation().facts().stream().filter(f -> f.label().equals(label)).map(Fact::value).findFirst();
  }

  @Override
  public Optional<RefusalRecord> find(String reference) {
    return delegate.find(reference);
  }

  @Override
  public void flush() {
    drain();
    delegate.flush();
  }

  /** Waits until queued listings are written. */
  public void drain() {
    try {
      writer.submit(() -> { }).get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      log.warn("waiting for auto-listing: {}", e.toString());
    }
  }

  @Override
  public void close() {
    writer.shutdown();
    try {
      writer.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
