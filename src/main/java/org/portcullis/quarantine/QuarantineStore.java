package org.portcullis.quarantine;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Where the quarantine's metadata lives. Implementations are thread-safe. */
public interface QuarantineStore {

  void add(QuarantineEntry entry);

  Optional<QuarantineEntry> find(String id);

  /**
   * The newest entries first.
   *
   * @param recipientDomain only messages with a recipient at this domain (lower case), if given
   * @param state only entries in this state, if given
   */
  List<QuarantineEntry> list(Optional<String> recipientDomain, Optional<QuarantineEntry.State> state, int limit);

  /**
   * Moves an entry from one state to another, atomically: false if it was not in {@code from} (so two
   * releases of one message cannot both proceed).
   */
  boolean transition(String id, QuarantineEntry.State from, QuarantineEntry.State to, Instant at, String by);

  /** Entries received before {@code before}, whatever their state, for retention. */
  List<QuarantineEntry> receivedBefore(Instant before, int limit);

  /** The recipients of an entry that are in {@code state}, in envelope order. */
  List<String> recipientsIn(String id, QuarantineEntry.State state);

  /** Moves one recipient of an entry from one state to another, atomically: false if it was not in {@code from}. */
  boolean transitionRecipient(String id, String recipient, QuarantineEntry.State from, QuarantineEntry.State to);

  /**
   * Sets the entry's state from its recipients': held while any is held, releasing while any is
   * being released, else released if any was, else deleted.
   *
   * @return the state it now has
   */
  QuarantineEntry.State settle(String id, Instant at, String by);

  /** Every recipient address that has a message held for it. */
  List<String> heldRecipients();

  /** The messages held for {@code recipient} received after {@code since}, oldest first. */
  List<QuarantineEntry> heldFor(String recipient, Instant since, int limit);

  /** How many entries are in {@code state}. */
  long count(QuarantineEntry.State state);

  /** Forgets an entry. */
  void remove(String id);
}
