package org.portcullis.correspondents;

import java.time.Instant;

/** Where correspondents are kept: pairs of (our user, the address it wrote to). Thread-safe. */
public interface CorrespondentStore {

  /** Our {@code user} wrote to {@code correspondent} at {@code at} (lower case addresses); a repeat moves the time on. */
  void wrote(String user, String correspondent, Instant at);

  /** Whether {@code user} wrote to {@code correspondent} at or after {@code since}. */
  boolean wroteTo(String user, String correspondent, Instant since);

  /** We delivered mail to the server at {@code address} (its text form) at {@code at}; a repeat moves the time on. */
  void deliveredTo(String address, Instant at);

  /** Whether we delivered mail to the server at {@code address} at or after {@code since}. */
  boolean deliveredToSince(String address, Instant since);

  /**
   * Forgets pairs and servers last written to before {@code before}, and the oldest of each beyond
   * {@code keep}; returns how many.
   */
  int prune(Instant before, long keep);

  long count();
}
