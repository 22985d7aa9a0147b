package org.portcullis.blocklist;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.portcullis.mail.Cidr;

/**
 * A listed source: an address or network, why, since when, until when, and its evidence.
 *
 * @param id the store's id
 * @param network the address ({@code /32}, {@code /128}) or network listed
 * @param category why it is listed (its DNS answer)
 * @param state where it stands
 * @param firstListed when it was first listed
 * @param lastEvidence when the latest evidence arrived
 * @param expires when it expires by itself; empty for permanent and inactive listings
 * @param selfDelistings how many times the listed party delisted itself
 * @param evidence its evidence, oldest first (may be a recent slice; see the store)
 * @param notes operator notes, oldest first
 */
public record Listing(long id, Cidr network, Category category, ListingState state, Instant firstListed,
    Instant lastEvidence, Optional<Instant> expires, int selfDelistings, List<Evidence> evidence, List<Note> notes) {

  public Listing {
    evidence = List.copyOf(evidence);
    notes = List.copyOf(notes);
  }

  /** An operator's note on a listing. */
  public record Note(Instant at, String author, String text) {}

  /**
   * The listing as plain values for JSON (the CLI's {@code --json} and the API): times in ISO 8601,
   * states and categories by label; evidence and notes only with {@code details}.
   */
  public java.util.Map<String, Object> toMap(boolean details) {
    java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
    m.put("network", network.toString());
    m.put("category", category.label());
    m.put("state", state.label());
    m.put("firstListed", firstListed.toString());
    m.put("lastEvidence", lastEvidence.toString());
    m.put("expires", expires.map(Instant::toString).orElse(null));
    m.put("selfDelistings", selfDelistings);
    if (details) {
      m.put("evidence", evidence);
      m.put("notes", notes);
    }
    return m;
  }

  /** Whether the listing is served at {@code now}: listed and not past its expiry, or permanent. */
  public boolean activeAt(Instant now) {
    return switch (state) {
      case PERMANENT -> true;
      case LISTED -> expires.map(now::isBefore).orElse(true);
      case DELISTED, EXPIRED -> false;
    };
  }
}
