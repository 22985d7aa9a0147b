package org.portcullis.quarantine;

import java.time.Instant;
import java.util.Optional;

/** Where digest settings and the links digests hand out live. Implementations are thread-safe. */
public interface DigestStore {

  /**
   * What a link may do.
   *
   * @param entry the quarantined message it acts on; empty for a login ticket
   * @param action release, delete, or login
   */
  record Link(String mailbox, String entry, String action, Instant expires, boolean used) {}

  Optional<DigestSettings> settings(String mailbox);

  void set(String mailbox, DigestSettings settings);

  /** The mailboxes at {@code domain} (exactly, lower case) with a setting of their own, sorted, with it. */
  java.util.SortedMap<String, DigestSettings> settingsAt(String domain);

  Optional<Instant> lastSent(String mailbox);

  void sent(String mailbox, Instant at);

  /** Stores a link under the hash of its token. */
  void addLink(String tokenHash, Link link);

  Optional<Link> link(String tokenHash);

  /** Marks a link used, atomically: false if it already was. */
  boolean use(String tokenHash);

  /** Forgets links that expired before {@code before}; returns how many. */
  int pruneLinks(Instant before);
}
