package org.portcullis.correspondents;

import java.time.Instant;

/** Where correspondents are kept: pairs of (our user, the address it wrote to). Thread-safe. */
public interface CorrespondentStore {

  /** Our {@code user} wrote to {@code correspondent} at {@code at} (lower case addresses); a repeat moves the time on. */
  void wrote(String user, String correspondent, Instant at);

  /** Whether {@code user} wrote to {@code correspondent} at or after {@code since}. */
  boolean wroteTo(String user, String correspondent, Instant since);

  /** Forgets pairs last written before {@code before}, and the oldest beyond {@code keep}; returns how many. */
  int prune(Instant before, long keep);

  long count();
}
