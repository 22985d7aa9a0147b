package org.portcullis.blocklist;

import java.time.Duration;

/**
 * The blocklist's settings, from {@code [blocklist]}: how long a listing lasts, how often the listed
 * party may delist itself, and how wide a reported network may be. {@link ListingRules} applies them.
 *
 * @param expiry how long a listing lasts after its last evidence (48 hours by default)
 * @param selfServiceLimit how many times the listed party may delist itself before only an
 *     operator can (5 by default)
 * @param selfServiceCooldown how long after a self-service delisting of a listing the next one
 *     is refused (60 minutes by default), so that a stranger cannot keep a spam source delisted by
 *     pressing the button after every relisting
 * @param reportPrefixMaxIpv4 the widest IPv4 network a report or listing through the API may name
 *     (24: a /24); the CLI lists wider only with {@code --force}
 * @param reportPrefixMaxIpv6 the same for IPv6 (48)
 */
public record BlocklistSettings(Duration expiry, int selfServiceLimit, Duration selfServiceCooldown,
    int reportPrefixMaxIpv4, int reportPrefixMaxIpv6) {

  public static final BlocklistSettings DEFAULTS = new BlocklistSettings(Duration.ofHours(48), 5);

  public BlocklistSettings(Duration expiry, int selfServiceLimit) {
    this(expiry, selfServiceLimit, Duration.ofMinutes(60));
  }

  public BlocklistSettings(Duration expiry, int selfServiceLimit, Duration selfServiceCooldown) {
    this(expiry, selfServiceLimit, selfServiceCooldown, 24, 48);
  }

  /** Why {@code network} is too wide to be reported or listed without {@code --force}; empty when it is not. */
  public java.util.Optional<String> tooWide(org.portcullis.mail.Cidr network) {
    int max = network.isIpv6() ? reportPrefixMaxIpv6 : reportPrefixMaxIpv4;
    return network.prefixLength() >= max ? java.util.Optional.empty()
        : java.util.Optional.of(network + " is wider than /" + max + " (blocklist.report-prefix-max-ipv"
            + (network.isIpv6() ? "6" : "4") + "); list wider networks from the CLI with --force");
  }

  public BlocklistSettings {
    if (reportPrefixMaxIpv4 < 0 || reportPrefixMaxIpv4 > 32 || reportPrefixMaxIpv6 < 0 || reportPrefixMaxIpv6 > 128) {
      throw new IllegalArgumentException("report prefix limits must be 0..32 and 0..128");
    }
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
