package org.portcullis.policy;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Short, unique, time-ordered identifiers for refusals ({@code ref=...}) and queued messages.
 *
 * <p>Twelve Crockford base-32 characters (no I, L, O, U): 40 bits of milliseconds since
 * 2024-01-01 (good until 2058) and 20 bits of a per-process sequence that starts at a random
 * value. Unique within a process as long as fewer than a million are made per millisecond;
 * nodes sharing a store are told apart by the random start. Thread-safe.
 */
public final class References {

  private static final String ALPHABET_TEXT = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
  private static final char[] ALPHABET = ALPHABET_TEXT.toCharArray();
  private static final long EPOCH_MILLIS = 1_704_067_200_000L;
  public static final int LENGTH = 12;

  private final Clock clock;
  private final AtomicLong sequence = new AtomicLong(new SecureRandom().nextInt(1 << 20));

  public References(Clock clock) {
    this.clock = clock;
  }

  public String next() {
    long millis = Math.max(0, clock.millis() - EPOCH_MILLIS) & ((1L << 40) - 1);
    long value = (millis << 20) | (sequence.getAndIncrement() & 0xFFFFF);
    char[] out = new char[LENGTH];
    for (int i = LENGTH - 1; i >= 0; i--) {
      out[i] = ALPHABET[(int) (value & 31)];
      value >>>= 5;
    }
    return new String(out);
  }

  /** True if {@code text} has the shape of a reference (length and alphabet), case-insensitive. */
  public static boolean isWellFormed(String text) {
    if (text == null || text.length() != LENGTH) {
      return false;
    }
    for (int i = 0; i < text.length(); i++) {
      char c = Character.toUpperCase(text.charAt(i));
      if (ALPHABET_TEXT.indexOf(c) < 0) {
        return false;
      }
    }
    return true;
  }
}
