package org.portcullis.greylist;

import java.time.Instant;
import java.util.Optional;
import java.util.function.Function;

/**
 * Where triplets and auto-whitelisted clients are kept. Implemented by each store; thread-safe;
 * failures throw {@code StoreException} (which the check turns into a temporary failure).
 */
public interface GreylistStore {

  /**
   * In one transaction: reads the triplet's entry, asks {@code decide}, writes the entry it
   * returns, and, on a first pass, counts a pass for the client.
   */
  GreylistRules.Decision update(Triplet triplet, Function<Optional<GreylistEntry>, GreylistRules.Decision> decide,
      Instant now);

  /** Passed triplets of this client, counting only those seen since {@code since}. */
  int clientPasses(String client, Instant since);

  /** Deletes triplets not seen since {@code before}; returns how many. */
  int prune(Instant before);
}
