package org.portcullis.policy;

import java.util.Locale;

/**
 * What a tag says about a message. Spam signs (DNS lists, our blocklist, generic reverse DNS,
 * any check softened to tag) mark it as suspect: {@code tagging.subject-prefix} applies. An
 * information tag (the HELO name differs from the PTR name) only records a fact that RFC 5321
 * 4.1.4 forbids acting on alone: no prefix. A quarantine tag holds the message instead of delivering
 * it; it keeps its header, so that a released message says why it was held.
 */
public enum TagKind {
  SPAM, INFO,
  /** Not a mark but a hold: the message goes to the quarantine instead of being delivered. */
  QUARANTINE;

  /** {@code spam} or {@code info}, as the header writes it. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
