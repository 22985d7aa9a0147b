package org.portcullis.blocklist;

import java.time.Duration;

/**
 * The provider's rules (seed 000), from {@code [blocklist]}.
 *
 * @param expiry how long a listing lasts after its last evidence (48 hours by default)
 * @param selfServiceLimit how many times the listed party may delist itself before only an
 *     operator can (5 by default)
 * @param selfServiceCooldown how long after a self-service delisting of a listing the next one
 *     is refused (60 minutes by default), so that a stranger cannot keep a spam source delisted by
 *     pressing the button after every relisting
 */
public record BlocklistRules(Duration expiry, int selfServiceLimit, Duration selfServiceCooldown) {

  public static final BlocklistRules DEFAULTS = new BlocklistRules(Duration.ofHours(48), 5);

  public BlocklistRules(Duration expiry, int selfServiceLimit) {
    this(expiry, selfServiceLimit, Duration.ofMinutes(60));
  }

  public BlocklistRules {
    if (selfServiceCooldown.isNegative()) {
      throw new IllegalArgumentException("selfServiceCooldown must not be negative, not " + selfServiceCooldown);
    }
    if (expiry.isNegative() || expiry.isZero()) {
      throw new IllegalArgumentException("expiry must be positive, not " + expiry);
    }
    if (selfServiceLimit < 0) {
      throw new IllegalArgumentException("selfServiceLimit must be at least 0, not " + selfServiceLimit);
    }
  }
}
