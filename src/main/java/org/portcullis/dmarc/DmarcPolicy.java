package org.portcullis.dmarc;

import java.util.Locale;
import java.util.Optional;

/** What a domain asks receivers to do with mail that fails DMARC (RFC 7489 6.3 {@code p=}). */
public enum DmarcPolicy {
  NONE, QUARANTINE, REJECT;

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The next lower policy, for mail {@code pct} left out (RFC 7489 6.6.4). */
  DmarcPolicy lower() {
    return this == REJECT ? QUARANTINE : NONE;
  }

  static Optional<DmarcPolicy> parse(String value) {
    for (DmarcPolicy p : values()) {
      if (p.label().equalsIgnoreCase(value.strip())) {
        return Optional.of(p);
      }
    }
    return Optional.empty();
  }
}
