package org.portcullis.greylist;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * Where triplets are kept durably. {@link Greylist} keeps the working set in memory and writes
 * behind in batches, so a store sees one read per triplet not in memory and one batched write per
 * flush. Implemented by each store; thread-safe; failures throw {@code StoreException}.
 */
public interface GreylistStore {

  /** The triplet's entry, if the store has one. */
  Optional<GreylistEntry> find(Triplet triplet);

  /** Writes (inserts or replaces) all these entries in one transaction. */
  void saveAll(Map<Triplet, GreylistEntry> entries);

  /** Passed triplets of this client, counting only those seen since {@code since}. */
  int clientPasses(String client, Instant since);

  /**
   * The entries of this client's triplets seen since {@code since}, at most {@code limit} of them,
   * the latest first (the diagnosis's greylisting history).
   */
  java.util.List<GreylistEntry> history(String client, Instant since, int limit);

  /** How many triplets the store holds. */
  long count();

  /** Calls {@code each} with every triplet and its entry (used to fill memory at start). */
  void forEach(java.util.function.BiConsumer<Triplet, GreylistEntry> each);

  /** Deletes triplets not seen since {@code before}; returns how many. */
  int prune(Instant before);
}
