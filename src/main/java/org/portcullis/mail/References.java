package org.portcullis.mail;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Short identifiers in Crockford base 32 (no I, L, O, U), of two kinds.
 *
 * <ul>
 *   <li>{@link #unguessable()}: refusal references ({@code /ref/<ref>}, {@code portcullis why}).
 *       Strangers see them and the page behind one shows a client's address, HELO, sender and
 *       recipient, so they are {@value #LENGTH} characters of {@link SecureRandom}: 80 bits, no
 *       clock and no counter, so holding two of them tells nothing about the ones between. The
 *       store's primary key refuses a duplicate.
 *   <li>{@link #timeOrdered(Clock)}: queue ids ({@code queued as ...}). Twelve characters: 40 bits
 *       of milliseconds since 2024-01-01 and 20 bits of a sequence that starts at a random value,
 *       so ids sort by arrival. They open nothing a stranger could read.
 * </ul>
 *
 * <p>Thread-safe.
 */
public final class References {

  private static final String ALPHABET_TEXT = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
  private static final char[] ALPHABET = ALPHABET_TEXT.toCharArray();
  private static final long EPOCH_MILLIS = 1_704_067_200_000L;
  /** The length of a refusal reference: 16 characters, 80 random bits. */
  public static final int LENGTH = 16;
  /** The length of a queue id (and of references made before issue 12). */
  public static final int QUEUE_ID_LENGTH = 12;

  private final Clock clock;
  private final AtomicLong sequence;
  private final SecureRandom random;

  private References(Clock clock, SecureRandom random) {
    this.clock = clock;
    this.random = random;
    this.sequence = new AtomicLong(random.nextInt(1 << 20));
  }

  private static final SecureRandom TOKENS = new SecureRandom();

  /**
   * A token for a link only its holder should open (a request's status page): 128 bits from
   * {@link SecureRandom}, 22 characters of URL-safe base 64.
   */
  public static String token() {
    byte[] bits = new byte[16];
    TOKENS.nextBytes(bits);
    return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(bits);
  }

  /** True if {@code text} has the shape of a {@link #token()}. */
  public static boolean isToken(String text) {
    if (text == null || text.length() != 22) {
      return false;
    }
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (!(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_')) {
        return false;
      }
    }
    return true;
  }

  /** Refusal references: 80 bits from {@link SecureRandom}. */
  public static References unguessable() {
    return new References(null, new SecureRandom());
  }

  /** Queue ids: time-ordered, unique within a process up to a million per millisecond. */
  public static References timeOrdered(Clock clock) {
    return new References(clock, new SecureRandom());
  }

  public String next() {
    if (clock == null) {
      byte[] bits = new byte[10];
      random.nextBytes(bits);
      char[] out = new char[LENGTH];
      long high = 0;
      for (int i = 0; i < 5; i++) {
        high = (high << 8) | (bits[i] & 0xFF);
      }
      long low = 0;
      for (int i = 5; i < 10; i++) {
        low = (low << 8) | (bits[i] & 0xFF);
      }
      for (int i = 7; i >= 0; i--) {
        out[i] = ALPHABET[(int) (high & 31)];
        high >>>= 5;
        out[8 + i] = ALPHABET[(int) (low & 31)];
        low >>>= 5;
      }
      return new String(out);
    }
    long millis = Math.max(0, clock.millis() - EPOCH_MILLIS) & ((1L << 40) - 1);
    long value = (millis << 20) | (sequence.getAndIncrement() & 0xFFFFF);
    char[] out = new char[QUEUE_ID_LENGTH];
    for (int i = QUEUE_ID_LENGTH - 1; i >= 0; i--) {
      out[i] = ALPHABET[(int) (value & 31)];
      value >>>= 5;
    }
    return new String(out);
  }

  /**
   * True if {@code text} has the shape of a refusal reference (16 characters, or 12 for those made
   * before issue 12) in the alphabet, case-insensitive.
   */
  public static boolean isWellFormed(String text) {
    return text != null && (text.length() == LENGTH || text.length() == QUEUE_ID_LENGTH) && inAlphabet(text);
  }

  /** True if {@code text} has the shape of a queue id. */
  public static boolean isQueueId(String text) {
    return text != null && text.length() == QUEUE_ID_LENGTH && inAlphabet(text);
  }

  private static boolean inAlphabet(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = Character.toUpperCase(text.charAt(i));
      if (ALPHABET_TEXT.indexOf(c) < 0) {
        return false;
      }
    }
    return true;
  }
}
