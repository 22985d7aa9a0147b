package org.portcullis.blocklist;

import java.time.Instant;
import java.util.Locale;
import java.util.Optional;

/**
 * Something a listed party asks the operator to review: a "this is a mistake" report
 * ("report the case"), or a delisting request from an address that may no longer delist itself
 * (self-service limit used, permanent or network listing).
 *
 * @param id the store's id
 * @param at when it was filed
 * @param kind what is asked
 * @param address the listed address it is about
 * @param contact how to reach the reporter (an email address)
 * @param message what the reporter says
 * @param status {@code open}, {@code accepted} or {@code declined}
 * @param answer the operator's answer, or empty
 * @param token the key of the report's status page (unguessable), empty for reports made before it existed
 */
public record FalsePositiveReport(long id, Instant at, Kind kind, String address, String contact, String message,
    String status, String answer, String token) {

  public boolean open() {
    return status.equals("open");
  }

  /** What the listed party asks for; accepting either delists the address. */
  public enum Kind {
    /** The listing is wrong. */
    FALSE_POSITIVE,
    /** The cause is fixed; please delist (self-service is no longer allowed). */
    DELISTING;

    /** {@code false-positive} or {@code delisting}. */
    public String label() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    public static Optional<Kind> fromLabel(String label) {
      for (Kind k : values()) {
        if (k.label().equals(label)) {
          return Optional.of(k);
        }
      }
      return Optional.empty();
    }

    /** How the review queue names it. */
    public String title() {
      return this == FALSE_POSITIVE ? "False-positive report" : "Delisting request";
    }
  }
}
