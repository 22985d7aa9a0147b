package org.portcullis.greylist;

import java.time.Duration;

/**
 * Greylisting (RFC 6647), from {@code [greylist]}.
 *
 * @param enabled whether the {@code greylist} check greylists at all
 * @param delay how long a new triplet is deferred (5 minutes)
 * @param retryWindow how long after the first attempt a retry still passes (2 days)
 * @param passedLifetime how long a passed triplet, and an auto-whitelisted client, is remembered
 *     after it was last seen (35 days)
 * @param autoWhitelistPasses passed triplets after which a client passes for every sender (5; 0 off)
 * @param ipv4Prefix the client network of a triplet (/24)
 * @param ipv6Prefix the client network of an IPv6 triplet (/64)
 * @param groupByPtrDomain use the forward-confirmed PTR's organisational domain as the client,
 *     so that a sender's pool of servers counts as one
 * @param onlySuspicious greylist only clients that look suspicious (no forward-confirmed PTR,
 *     generic PTR, listed on a DNS list), as rspamd can
 * @param nullSenderAtData greylist bounces (null sender) at DATA, not RCPT, so that sender-verify
 *     callouts, which stop before DATA, still work
 * @param memoryEntries triplets kept in memory; others are read back from the store when seen
 */
public record GreylistSettings(boolean enabled, Duration delay, Duration retryWindow, Duration passedLifetime,
    int autoWhitelistPasses, int ipv4Prefix, int ipv6Prefix, boolean groupByPtrDomain, boolean onlySuspicious,
    boolean nullSenderAtData, int memoryEntries) {

  public static final GreylistSettings DEFAULTS = new GreylistSettings(false, Duration.ofMinutes(5), Duration.ofDays(2),
      Duration.ofDays(35), 5, 24, 64, true, false, true);

  public GreylistSettings {
    if (delay.isNegative() || retryWindow.compareTo(delay) <= 0) {
      throw new IllegalArgumentException("the retry window must be longer than the delay");
    }
    if (memoryEntries < 1) {
      throw new IllegalArgumentException("memory entries must be at least 1");
    }
  }

  /** Settings with the default number of triplets in memory. */
  public GreylistSettings(boolean enabled, Duration delay, Duration retryWindow, Duration passedLifetime,
      int autoWhitelistPasses, int ipv4Prefix, int ipv6Prefix, boolean groupByPtrDomain, boolean onlySuspicious,
      boolean nullSenderAtData) {
    this(enabled, delay, retryWindow, passedLifetime, autoWhitelistPasses, ipv4Prefix, ipv6Prefix, groupByPtrDomain,
        onlySuspicious, nullSenderAtData, Greylist.DEFAULT_MEMORY_ENTRIES);
  }
}
