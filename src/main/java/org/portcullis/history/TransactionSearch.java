package org.portcullis.history;

import java.time.Instant;
import java.util.Optional;

/**
 * What to look for among recent transactions; each given field narrows the search.
 *
 * @param client a client address (exact)
 * @param sender text within the sender
 * @param recipient text within the recipients
 * @param verdict accepted, refused, deferred or greylisted
 * @param since the earliest time
 */
public record TransactionSearch(Optional<String> client, Optional<String> sender, Optional<String> recipient,
    Optional<String> verdict, Instant since, int limit) {

  public static final java.util.List<String> VERDICTS = java.util.List.of("accepted", "refused", "deferred", "greylisted");

  public TransactionSearch {
    if (verdict.isPresent() && !VERDICTS.contains(verdict.get())) {
      throw new IllegalArgumentException("verdict must be one of " + String.join(", ", VERDICTS));
    }
    if (limit < 1 || limit > 10_000) {
      throw new IllegalArgumentException("limit must be 1..10000");
    }
  }
}
