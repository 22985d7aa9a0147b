package org.portcullis.history;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The gateway's traffic a minute at a time (messages accepted, recipients refused, deferred,
 * greylisted, refusals by check), kept so the dashboard's charts survive a restart. Thread-safe;
 * failures throw {@code StoreException}.
 */
public interface TrafficLog {

  /** One minute's counts by series name; series with no events may be left out. */
  record Minute(Instant at, Map<String, Long> counts) {}

  /** Saves a minute (replacing one saved for the same instant). */
  void save(Minute minute);

  /** The minutes at or after {@code since}, oldest first. */
  List<Minute> since(Instant since);

  /** Deletes the minutes before {@code olderThan}; returns how many rows went. */
  int prune(Instant olderThan);
}
