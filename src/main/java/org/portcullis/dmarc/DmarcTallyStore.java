package org.portcullis.dmarc;

import java.time.LocalDate;
import java.util.List;
import java.util.Map;

/** Where the DMARC tally is kept between the day's messages and the day's reports. */
public interface DmarcTallyStore {

  /** Adds each row's count to what is stored for it. */
  void add(Map<DmarcTally.Row, Long> counts);

  /** The rows of one day for one author domain, with their counts. */
  List<Map.Entry<DmarcTally.Row, Long>> day(LocalDate day, String headerFrom);

  /** Deletes the days before {@code day}; returns how many rows went. */
  int prune(LocalDate day);
}
