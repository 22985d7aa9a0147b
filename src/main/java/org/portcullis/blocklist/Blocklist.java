package org.portcullis.blocklist;

import java.net.InetAddress;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicReference;
import org.portcullis.mail.Addresses;
import org.portcullis.mail.Cidr;

/**
 * Our own blocklist: the provider side of seed 000. Lists sources on evidence, expires them by
 * themselves, lets the listed party delist itself within a limit, and lets the operator delist,
 * list permanently and annotate. The rules are {@link ListingRules}; the rows are in a
 * {@link BlocklistStore}; time comes from the injected clock.
 *
 * <p>Thread-safe. Every change is one store transaction, so the CLI and a running server can
 * change listings at the same time.
 */
public final class Blocklist {

  private final BlocklistStore store;
  private final ListingRules rules;
  private final Clock clock;

  public Blocklist(BlocklistStore store, BlocklistRules rules, Clock clock) {
    this.store = store;
    this.rules = new ListingRules(rules);
    this.clock = clock;
  }

  public BlocklistRules rules() {
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
   * The listed party asks to be delisted (self-service): allowed immediately, counted, and
   * refused past the limit.
   */
  public ListingRules.SelfDelisting selfDelist(InetAddress address) {
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
              new Listing.Note(now, "self-service", "delisted by the listed party (" + d.listing().selfDelistings()
                  + " of " + rules.settings().selfServiceLimit() + ")")))
          : new BlocklistStore.Update.Keep();
    });
    return outcome.get();
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

  /** Imports many networks at once with one shared piece of evidence. */
  public int importAll(List<Cidr> networks, Category category, Evidence evidence) {
    return store.listAll(networks, category, evidence, clock.instant().plus(rules.settings().expiry()));
  }

  /** Expires listings past their expiry; returns how many. */
  public int expireDue() {
    return store.expire(clock.instant());
  }

  /** Records a false-positive report for operator review; returns its id. */
  public long reportFalsePositive(String address, String contact, String message) {
    return store.fileReport(new FalsePositiveReport(0, clock.instant(), FalsePositiveReport.Kind.FALSE_POSITIVE, address,
        contact, message, "open", ""));
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
   * itself; returns its id, or empty when the address is not listed or may still delist itself.
   */
  public OptionalLong requestDelisting(InetAddress address, String contact, String message) {
    if (selfServiceRefusal(address).isEmpty()) {
      return OptionalLong.empty();
    }
    return OptionalLong.of(store.fileReport(new FalsePositiveReport(0, clock.instant(),
        FalsePositiveReport.Kind.DELISTING, Addresses.toText(address), contact, message, "open", "")));
  }
}
