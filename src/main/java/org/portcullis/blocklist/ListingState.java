package org.portcullis.blocklist;

import java.util.Locale;

/** Where a listing stands. Only {@link #LISTED} and {@link #PERMANENT} listings are served. */
public enum ListingState {
  /** Listed until its expiry, 48 hours (by default) after its last evidence. */
  LISTED,
  /** Removed by the listed party or an operator; new evidence lists it again. */
  DELISTED,
  /** Expired by itself: no new evidence within the expiry period. */
  EXPIRED,
  /** Listed by an operator without expiry; only an operator removes it. */
  PERMANENT;

  public boolean active() {
    return this == LISTED || this == PERMANENT;
  }

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static ListingState fromLabel(String label) {
    return valueOf(label.toUpperCase(Locale.ROOT));
  }
}
