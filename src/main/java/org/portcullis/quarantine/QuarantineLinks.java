package org.portcullis.quarantine;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The links a digest hands a mailbox: 128 random bits each (URL-safe base 64), kept only as their
 * SHA-256, valid until they expire. An action link (release, delete) works once; a login ticket
 * opens the mailbox's own quarantine until it expires. Thread-safe.
 */
public final class QuarantineLinks {

  public static final String RELEASE = "release";
  public static final String DELETE = "delete";
  /** Release, and put the sender on the mailbox's whitelist. */
  public static final String RELEASE_ALLOW = "release-allow";
  /** Delete, and deny the sender's mail to the mailbox from now on. */
  public static final String DENY = "deny";
  /** The actions a link or a ticket's button may take. */
  public static final java.util.List<String> ACTIONS = java.util.List.of(RELEASE, RELEASE_ALLOW, DELETE, DENY);
  public static final String LOGIN = "login";
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9_-]{22}");

  private final DigestStore store;
  private final Clock clock;

  public QuarantineLinks(DigestStore store, Clock clock) {
    this.store = store;
    this.clock = clock;
  }

  /** A new token for {@code action} on {@code entry} (empty for a login ticket) by {@code mailbox}. */
  public String issue(String mailbox, String entry, String action, Duration valid) {
    byte[] bits = new byte[16];
    RANDOM.nextBytes(bits);
    String token = Base64.getUrlEncoder().withoutPadding().encodeToString(bits);
    store.addLink(hash(token), new DigestStore.Link(mailbox, entry, action, clock.instant().plus(valid), false));
    return token;
  }

  /** The link a token stands for, if it is one, has not expired and (for an action) was not used. */
  public Optional<DigestStore.Link> resolve(String token) {
    if (token == null || !TOKEN.matcher(token).matches()) {
      return Optional.empty();
    }
    return store.link(hash(token)).filter(l -> clock.instant().isBefore(l.expires()))
        .filter(l -> l.action().equals(LOGIN) || !l.used());
  }

  /** Uses an action link up; false if it was used already (two clicks: one acts). */
  public boolean use(String token) {
    return store.use(hash(token));
  }

  static String hash(String token) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
          .digest(token.getBytes(StandardCharsets.US_ASCII)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }
}
