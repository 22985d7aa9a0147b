package org.portcullis.dkim;

import java.util.List;
import java.util.Locale;

/**
 * The DKIM signatures of one message and what each gave, in the order they appear (newest first).
 *
 * @param signatures one entry per signature verified (at most {@link DkimVerifier#SIGNATURES_MAX})
 * @param notVerified signatures beyond the limit, left unverified
 * @param lookups the key-record queries made, with what each gave
 */
public record DkimOutcome(List<DkimSignature> signatures, int notVerified, List<String> lookups) {

  public DkimOutcome {
    signatures = List.copyOf(signatures);
    lookups = List.copyOf(lookups);
  }

  /** A message without DKIM-Signature fields. */
  public static DkimOutcome none() {
    return new DkimOutcome(List.of(), 0, List.of());
  }

  /** Whether some signature by {@code domain} (any case) passed. */
  public boolean passedFor(String domain) {
    String wanted = domain.toLowerCase(Locale.ROOT);
    return signatures.stream().anyMatch(s -> s.passed() && s.domain().toLowerCase(Locale.ROOT).equals(wanted));
  }

  /** The domains of the signatures that passed, lower case, in order. */
  public List<String> passingDomains() {
    return signatures.stream().filter(DkimSignature::passed).map(s -> s.domain().toLowerCase(Locale.ROOT))
        .distinct().toList();
  }
}
