package org.portcullis.blocklist;

import java.time.Duration;

/**
 * The provider's rules (seed 000), from {@code [blocklist]}.
 *
 * @param expiry how long a listing lasts after its last evidence (48 hours by default)
 * @param selfServiceLimit how many times the listed party may delist itself before only an
 *     operator can (5 by default)
 */
public record BlocklistRules(Duration expiry, int selfServiceLimit) {

  public static final BlocklistRules DEFAULTS = new BlocklistRules(Duration.ofHours(48), 5);

  public BlocklistRules {
    if (expiry.isNegative() || expiry.isZero()) {
      throw new IllegalArgumentException("expiry must be positive, not " + expiry);
    }
    if (selfServiceLimit < 0) {
      throw new IllegalArgumentException("selfServiceLimit must be at least 0, not " + selfServiceLimit);
    }
  }
}
