package org.portcullis.blocklist;

import java.net.InetAddress;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.portcullis.mail.Addresses;
import org.portcullis.mail.Cidr;
import org.portcullis.mail.References;
import org.portcullis.notices.Notifier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Our own blocklist: the provider's side of blocklisting. Lists sources on evidence, expires them
 * by themselves, lets the listed party delist itself within a limit, and lets the operator delist,
 * list permanently and annotate. The rules are {@link ListingRules}; the rows are in a {@link
 * BlocklistStore}; time comes from the injected clock.
 *
 * <p>Thread-safe. Every change is one store transaction, so the CLI and a running server can
 * change listings at the same time.
 */
public final class Blocklist {

  private static final Logger log = LoggerFactory.getLogger("portcullis.blocklist");

  /**
   * A report or request as filed.
   *
   * @param merged true when an open one of the same kind, address and contact was found and
   *     nothing new was queued
   */
  public record Filed(FalsePositiveReport report, boolean merged) {}

  /**
   * A report as answered.
   *
   * @param delisted the listing delisted by accepting it, if one was active
   */
  public record Answered(FalsePositiveReport report, boolean accepted, Optional<Listing> delisted) {}

  private final BlocklistStore store;
  private final ListingRules rules;
  private final Clock clock;
  private final Notifier notifier;

  public Blocklist(BlocklistStore store, BlocklistSettings rules, Clock clock) {
    this(store, rules, clock, Notifier.NONE);
  }

  /** @param notifier tells reporters the operator's answer */
  public Blocklist(BlocklistStore store, BlocklistSettings rules, Clock clock, Notifier notifier) {
    this.store = store;
    this.rules = new ListingRules(rules);
    this.clock = clock;
    this.notifier = notifier;
  }

  public BlocklistSettings settings() {
    return rules.settings();
  }

  public Clock clock() {
    return clock;
  }

  public BlocklistStore store() {
    return store;
  }

  /** New evidence against {@code network}: lists, relists or extends it. */
  public Listing report(Cidr network, Category category, Evidence evidence) {
    Instant now = clock.instant();
    return store.update(network, existing -> new BlocklistStore.Update.Save(
        rules.onEvidence(existing, network, category, evidence, now), Optional.of(evidence), Optional.empty()))
        .orElseThrow();
  }

  /**
   * The listed party asks to be delisted (self-service): allowed immediately, counted, refused
   * past the limit and within the cooldown after the last one. Who asked goes into the listing's
   * notes (the operator's audit trail, never shown on the public pages).
   *
   * @param requester who asked: the web client's address, or the CLI user
   */
  public ListingRules.SelfDelisting selfDelist(InetAddress address, String requester) {
    Instant now = clock.instant();
    Optional<Listing> covering = active(address);
    if (covering.isEmpty()) {
      return new ListingRules.SelfDelisting.NotListed();
    }
    AtomicReference<ListingRules.SelfDelisting> outcome = new AtomicReference<>();
    store.update(covering.get().network(), existing -> {
      ListingRules.SelfDelisting result = rules.selfDelist(existing, now);
      outcome.set(result);
      return result instanceof ListingRules.SelfDelisting.Delisted d
          ? new BlocklistStore.Update.Save(d.listing(), Optional.empty(), Optional.of(
              new Listing.Note(now, ListingRules.SELF_SERVICE, "delisted by the listed party (" + d.listing().selfDelistings()
                  + " of " + rules.settings().selfServiceLimit() + ") at the request of " + requester)))
          : new BlocklistStore.Update.Keep();
    });
    log.info("self-service delisting of {} requested by {}: {}", Addresses.toText(address), requester,
        switch (outcome.get()) {
          case ListingRules.SelfDelisting.Delisted d -> "delisted";
          case ListingRules.SelfDelisting.Refused r -> "refused (" + r.why() + ")";
          case ListingRules.SelfDelisting.NotListed n -> "not listed";
        });
    return outcome.get();
  }

  /** Why the listed party must wait before delisting {@code address} itself again; empty if it need not. */
  public Optional<String> selfServiceWait(InetAddress address) {
    Instant now = clock.instant();
    return active(address).flatMap(l -> rules.cooldownRefusal(l, now));
  }

  /** The operator delists, whatever the count. Empty if there is no such listing. */
  public Optional<Listing> operatorDelist(Cidr network, String operator, String note) {
    Instant now = clock.instant();
    return store.update(network, existing -> existing.isEmpty() ? new BlocklistStore.Update.Keep()
        : new BlocklistStore.Update.Save(rules.operatorDelist(existing.get()), Optional.empty(),
            Optional.of(new Listing.Note(now, operator, note.isBlank() ? "delisted by the operator" : note))));
  }

  /** The operator lists permanently (no expiry, no self-service). */
  public Listing listPermanently(Cidr network, Category category, String operator, String note) {
    Instant now = clock.instant();
    return store.update(network, existing -> new BlocklistStore.Update.Save(
        rules.listPermanently(existing, network, category, now), Optional.empty(),
        Optional.of(new Listing.Note(now, operator, note.isBlank() ? "listed permanently" : note)))).orElseThrow();
  }

  /** Adds an operator note. Empty if there is no such listing. */
  public Optional<Listing> addNote(Cidr network, String author, String text) {
    Instant now = clock.instant();
    return store.update(network, existing -> existing.isEmpty() ? new BlocklistStore.Update.Keep()
        : new BlocklistStore.Update.Save(existing.get(), Optional.empty(), Optional.of(new Listing.Note(now, author, text))));
  }

  /** Deletes a listing with its evidence; false if there was none. */
  public boolean remove(Cidr network) {
    AtomicReference<Boolean> existed = new AtomicReference<>(false);
    store.update(network, existing -> {
      existed.set(existing.isPresent());
      return existing.isPresent() ? new BlocklistStore.Update.Delete() : new BlocklistStore.Update.Keep();
    });
    return existed.get();
  }

  /** The most specific listing that is served for {@code address} now. */
  public Optional<Listing> active(InetAddress address) {
    Instant now = clock.instant();
    return store.covering(address).stream().filter(l -> l.activeAt(now)).findFirst();
  }

  /** Every listing that ever covered {@code address}, most specific first (for the lookup page). */
  public List<Listing> history(InetAddress address) {
    return store.covering(address);
  }

  public Optional<Listing> find(Cidr network) {
    return store.find(network);
  }

  /** Listings in a state (all states when empty), newest first, a page at a time. */
  public List<Listing> list(Optional<ListingState> state, int limit, int offset) {
    return store.list(state, limit, offset);
  }

  /** How many listings are in each state. */
  public java.util.Map<ListingState, Long> counts() {
    return store.counts();
  }

  /**
   * False-positive and delisting reports with a status ({@code open}, {@code accepted},
   * {@code declined}; all of them when empty), newest first.
   */
  public List<FalsePositiveReport> reports(Optional<String> status, int limit) {
    return store.reports(status, limit);
  }

  /** Imports many networks at once with one shared piece of evidence. */
  public int importAll(List<Cidr> networks, Category category, Evidence evidence) {
    return store.listAll(networks, category, evidence, clock.instant().plus(rules.settings().expiry()));
  }

  /** Expires listings past their expiry; returns how many. */
  public int expireDue() {
    return store.expire(clock.instant());
  }

  /** Records a false-positive report for operator review (merged into an open one from the same contact). */
  public Filed reportFalsePositive(String address, String contact, String message) {
    return file(FalsePositiveReport.Kind.FALSE_POSITIVE, address, contact, message);
  }

  private Filed file(FalsePositiveReport.Kind kind, String address, String contact, String message) {
    String token = References.token();
    FalsePositiveReport stored = store.fileReport(new FalsePositiveReport(0, clock.instant(), kind, address, contact,
        message, "open", "", token));
    boolean merged = !stored.token().equals(token);
    log.info("{} {} about {} from {}{}", kind.label(), stored.id(), address, contact,
        merged ? " (repeated; merged into the open one)" : "");
    return new Filed(stored, merged);
  }

  /** The report or request whose status page has this token. */
  public Optional<FalsePositiveReport> reportByToken(String token) {
    return References.isToken(token) ? store.reportByToken(token) : Optional.empty();
  }

  /** The address of a report's status page (empty for reports made before status pages existed). */
  public Optional<String> statusUrl(FalsePositiveReport report) {
    return report.token().isEmpty() ? Optional.empty() : Optional.of(notifier.statusUrl(report.token()));
  }

  /**
   * The operator answers an open false-positive report or delisting request: accepting delists
   * the address (whatever its self-service count), declining leaves it listed; either way the
   * reporter is told by mail. The one way the CLI, the API and the admin pages answer.
   *
   * @param operator who answered, for the listing's notes
   * @return the answer, or empty when there is no such report or it was answered already
   * @throws IllegalArgumentException when a declined report has no message
   */
  public Optional<Answered> answerReport(long id, boolean accepted, String message, String operator) {
    Optional<FalsePositiveReport> found = store.report(id).filter(FalsePositiveReport::open);
    if (found.isEmpty()) {
      return Optional.empty();
    }
    String answer = message == null ? "" : message.strip();
    if (!accepted && answer.isEmpty()) {
      throw new IllegalArgumentException("a declined report needs a message for the reporter");
    }
    if (answer.length() > 2000) {
      throw new IllegalArgumentException("the message has at most 2000 characters");
    }
    FalsePositiveReport report = found.get();
    if (!store.answerReport(id, accepted ? "accepted" : "declined", answer, clock.instant())) {
      return Optional.empty();
    }
    Optional<Listing> delisted = Optional.empty();
    if (accepted) {
      Optional<Listing> listing = Addresses.parseLiteral(report.address()).flatMap(this::active);
      if (listing.isPresent()) {
        delisted = operatorDelist(listing.get().network(), operator, report.kind().label() + " #" + id);
      }
    }
    log.info("{} {} {} by {}{}", report.kind().label(), id, accepted ? "accepted" : "declined", operator,
        delisted.map(l -> "; " + l.network() + " delisted").orElse(""));
    tellReporter(report, accepted, answer, delisted);
    return Optional.of(new Answered(report, accepted, delisted));
  }

  private void tellReporter(FalsePositiveReport r, boolean accepted, String answer, Optional<Listing> delisted) {
    String what = r.kind() == FalsePositiveReport.Kind.DELISTING ? "delisting request" : "report";
    StringBuilder body = new StringBuilder()
        .append("Hello,\n\n")
        .append("your ").append(what).append(" #").append(r.id()).append(" about ").append(r.address())
        .append(" was ").append(accepted ? "accepted" : "declined").append(" by the blocklist's operator.\n\n");
    if (accepted) {
      body.append(delisted.isPresent() ? r.address() + " is delisted: DNS answers change within a second; caches "
          + "elsewhere may keep the listing until their TTL ends. New evidence lists it again."
          : r.address() + " was no longer listed when the answer was given.").append("\n");
    } else {
      body.append("The listing stays as it is.\n");
    }
    if (!answer.isEmpty()) {
      body.append("\nThe operator's answer:\n\n").append(answer).append("\n");
    }
    statusUrl(r).ifPresent(url -> body.append("\nThe ").append(what).append(": ").append(url).append("\n"));
    body.append("\nThis message was sent automatically in answer to your ").append(what)
        .append("; to reach the operator, reply to it.\n");
    notifier.tell(r.contact(), "Your " + what + " #" + r.id() + " about " + r.address() + " was "
        + (accepted ? "accepted" : "declined"), body.toString());
  }

  /**
   * Why the listed party may not delist {@code address} itself (limit used, permanent or network
   * listing), or empty when it may or when nothing is listed.
   */
  public Optional<String> selfServiceRefusal(InetAddress address) {
    Instant now = clock.instant();
    return active(address).flatMap(l -> rules.selfServiceRefusal(l, now));
  }

  /**
   * Records a delisting request for operator review, for an address that may no longer delist
   * itself (merged into an open one from the same contact); empty when the address is not listed
   * or may still delist itself.
   */
  public Optional<Filed> requestDelisting(InetAddress address, String contact, String message) {
    if (selfServiceRefusal(address).isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(file(FalsePositiveReport.Kind.DELISTING, Addresses.toText(address), contact, message));
  }
}
