package org.portcullis.blocklist;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The blocklist's rules (listing, expiry, relisting, self-service delisting with its limit and
 * cooldown) as pure functions of (listing, event, now) under {@link BlocklistSettings}: no I/O, no
 * clock of their own, so each rule is tested with any instant.
 */
public final class ListingRules {

  private final BlocklistSettings rules;

  public ListingRules(BlocklistSettings rules) {
    this.rules = rules;
  }

  public BlocklistSettings settings() {
    return rules;
  }

  /**
   * New evidence: lists a new source; extends an active listing's expiry; relists a delisted or
   * expired one (the self-service count is kept: it is what the limit counts). A permanent
   * listing stays permanent.
   */
  public Listing onEvidence(Optional<Listing> existing, org.portcullis.mail.Cidr network, Category category,
      Evidence evidence, Instant now) {
    Instant expires = now.plus(rules.expiry());
    if (existing.isEmpty()) {
      return new Listing(0, network, category, ListingState.LISTED, now, now, Optional.of(expires), 0,
          List.of(evidence), List.of());
    }
    Listing l = existing.get();
    List<Evidence> evidence2 = new ArrayList<>(l.evidence());
    evidence2.add(evidence);
    if (l.state() == ListingState.PERMANENT) {
      return new Listing(l.id(), l.network(), l.category(), ListingState.PERMANENT, l.firstListed(), now,
          Optional.empty(), l.selfDelistings(), evidence2, l.notes());
    }
    Category kept = l.activeAt(now) ? l.category() : category;
    return new Listing(l.id(), l.network(), kept, ListingState.LISTED, l.firstListed(), now, Optional.of(expires),
        l.selfDelistings(), evidence2, l.notes());
  }

  /** What the listed party asking to be delisted gets. */
  public sealed interface SelfDelisting {
    /** Delisted now; {@code remaining} more self-service delistings are allowed. */
    record Delisted(Listing listing, int remaining) implements SelfDelisting {}

    /** Refused: only the operator can delist; {@code why} says so in words the party can act on. */
    record Refused(Listing listing, String why) implements SelfDelisting {}

    /** Nothing to delist. */
    record NotListed() implements SelfDelisting {}
  }

  public SelfDelisting selfDelist(Optional<Listing> existing, Instant now) {
    if (existing.isEmpty() || !existing.get().activeAt(now)) {
      return new SelfDelisting.NotListed();
    }
    Listing l = existing.get();
    Optional<String> refusal = selfServiceRefusal(l, now).or(() -> cooldownRefusal(l, now));
    if (refusal.isPresent()) {
      return new SelfDelisting.Refused(l, refusal.get());
    }
    Listing delisted = new Listing(l.id(), l.network(), l.category(), ListingState.DELISTED, l.firstListed(),
        l.lastEvidence(), Optional.empty(), l.selfDelistings() + 1, l.evidence(), l.notes());
    return new SelfDelisting.Delisted(delisted, rules.selfServiceLimit() - delisted.selfDelistings());
  }

  /**
   * Why the listed party may not delist {@code l} itself, in words it can act on; empty when it may
   * (or when {@code l} is not active).
   */
  public Optional<String> selfServiceRefusal(Listing l, Instant now) {
    if (!l.activeAt(now)) {
      return Optional.empty();
    }
    if (l.state() == ListingState.PERMANENT) {
      return Optional.of("this listing was made permanent by the operator; contact the operator");
    }
    if (!l.network().isHost()) {
      return Optional.of("network listings (" + l.network() + ") are removed by the operator only; contact the operator");
    }
    if (l.selfDelistings() >= rules.selfServiceLimit()) {
      return Optional.of("this address has used all " + rules.selfServiceLimit()
          + " self-service delistings; fix the cause and contact the operator, who can delist it");
    }
    return Optional.empty();
  }

  /**
   * Why the listed party may not delist {@code l} itself yet: it did so less than the cooldown
   * ago (its last self-service note). Empty when it may. A wait, not a reason to ask the operator.
   */
  public Optional<String> cooldownRefusal(Listing l, Instant now) {
    Optional<Instant> last = l.notes().stream().filter(n -> n.author().equals(SELF_SERVICE)).map(Listing.Note::at)
        .max(Instant::compareTo);
    if (last.isEmpty() || rules.selfServiceCooldown().isZero()) {
      return Optional.empty();
    }
    Instant next = last.get().plus(rules.selfServiceCooldown());
    if (!now.isBefore(next)) {
      return Optional.empty();
    }
    long minutes = Math.max(1, (java.time.Duration.between(now, next).toSeconds() + 59) / 60);
    return Optional.of("this listing was delisted by self-service less than " + rules.selfServiceCooldown().toMinutes()
        + " minutes ago and listed again since; try again in " + minutes + (minutes == 1 ? " minute" : " minutes")
        + ", after fixing what got it listed again");
  }

  /** The author of the notes self-service delistings leave. */
  public static final String SELF_SERVICE = "self-service";

  /** The operator delists, whatever the state or count. */
  public Listing operatorDelist(Listing l) {
    return new Listing(l.id(), l.network(), l.category(), ListingState.DELISTED, l.firstListed(), l.lastEvidence(),
        Optional.empty(), l.selfDelistings(), l.evidence(), l.notes());
  }

  /** The operator lists permanently: no expiry, no self-service. */
  public Listing listPermanently(Optional<Listing> existing, org.portcullis.mail.Cidr network, Category category,
      Instant now) {
    if (existing.isEmpty()) {
      return new Listing(0, network, category, ListingState.PERMANENT, now, now, Optional.empty(), 0, List.of(),
          List.of());
    }
    Listing l = existing.get();
    return new Listing(l.id(), l.network(), category, ListingState.PERMANENT, l.firstListed(), l.lastEvidence(),
        Optional.empty(), l.selfDelistings(), l.evidence(), l.notes());
  }

  /** Expiry by itself: a listed (not permanent) listing past its expiry becomes expired. */
  public Optional<Listing> expire(Listing l, Instant now) {
    if (l.state() != ListingState.LISTED || l.activeAt(now)) {
      return Optional.empty();
    }
    return Optional.of(new Listing(l.id(), l.network(), l.category(), ListingState.EXPIRED, l.firstListed(),
        l.lastEvidence(), Optional.empty(), l.selfDelistings(), l.evidence(), l.notes()));
  }
}
