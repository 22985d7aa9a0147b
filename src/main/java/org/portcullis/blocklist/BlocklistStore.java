package org.portcullis.blocklist;

import java.net.InetAddress;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.portcullis.mail.Cidr;

/**
 * Where listings, their evidence and false-positive reports are kept. Implemented by each store
 * (SQLite now, PostgreSQL later); {@link Blocklist} owns the rules, this only keeps rows.
 *
 * <p>Contract: thread-safe, and safe across processes sharing the store (the CLI and a running
 * server): {@link #update} is one transaction that reads, applies the change and writes, so two
 * writers never lose each other's evidence. Every change to a listing gets a new, increasing
 * change number, which {@link #changesSince} reports, so a running server sees listings added
 * by another process. Failures throw {@code StoreException}.
 */
public interface BlocklistStore {

  /** What {@link #update} does with the listing it read. */
  sealed interface Update {
    /** Write this listing (new when its id is 0) and append the evidence and note given. */
    record Save(Listing listing, Optional<Evidence> evidence, Optional<Listing.Note> note) implements Update {}

    /** Leave everything as it is. */
    record Keep() implements Update {}

    /** Delete the listing and its evidence. */
    record Delete() implements Update {}
  }

  /**
   * In one transaction: reads the listing of exactly {@code network} (with its evidence), asks
   * {@code change} what to do, and does it.
   *
   * @return the listing as stored afterwards (empty when there is none)
   */
  Optional<Listing> update(Cidr network, Function<Optional<Listing>, Update> change);

  /** The listing of exactly this network, with its evidence and notes. */
  Optional<Listing> find(Cidr network);

  /**
   * The listings whose network contains {@code address}, most specific first, with their
   * evidence and notes, whatever their state.
   */
  List<Listing> covering(InetAddress address);

  /** Listings (without evidence) by state, newest evidence first; {@code state} empty for all. */
  List<Listing> list(Optional<ListingState> state, int limit, int offset);

  /** How many listings there are in each state. */
  java.util.Map<ListingState, Long> counts();

  /**
   * Lists many networks in one transaction (an import), each with the same category and
   * evidence; existing listings get the evidence appended and are relisted.
   *
   * @return how many listings were written
   */
  int listAll(List<Cidr> networks, Category category, Evidence evidence, Instant expires);

  /** Marks listings past their expiry as expired; returns how many. */
  int expire(Instant now);

  /** One listing change, for the in-memory index. */
  record Change(long sequence, Cidr network, Category category, boolean active) {}

  /** Changes with a sequence number above {@code after}, oldest first, at most {@code max}. */
  List<Change> changesSince(long after, int max);

  /**
   * Stores a report (its id is assigned) and returns it; if an open report of the same kind about
   * the same address from the same contact exists, returns that one instead (merged, not queued twice).
   */
  FalsePositiveReport fileReport(FalsePositiveReport report);

  List<FalsePositiveReport> reports(Optional<String> status, int limit);

  Optional<FalsePositiveReport> report(long id);

  /** The report whose status page has this token. */
  Optional<FalsePositiveReport> reportByToken(String token);

  /**
   * Answers an open report: sets its status ({@code accepted} or {@code declined}) and the
   * operator's answer; false if there is no such report or it was answered already.
   */
  boolean answerReport(long id, String status, String answer, Instant at);
}
