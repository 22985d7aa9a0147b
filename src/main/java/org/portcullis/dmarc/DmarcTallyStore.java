package org.portcullis.dmarc;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;

/** Where the DMARC tally is kept between the day's messages and the day's reports. */
public interface DmarcTallyStore {

  /** Adds each row's count to what is stored for it. */
  void add(Map<DmarcTally.Row, Long> counts);

  /** The domains whose policy applied to some message of {@code day}, sorted. */
  List<String> policyDomains(LocalDate day);

  /** The rows of one day under one domain's policy, with their counts, by source address. */
  List<Map.Entry<DmarcTally.Row, Long>> rows(LocalDate day, String policyDomain);

  /** Whether the report on {@code day} for {@code policyDomain} was sent (or found to be unwanted). */
  boolean reported(LocalDate day, String policyDomain);

  /**
   * Records that the report was dealt with.
   *
   * @param reportId our id for it
   * @param destinations where it went, comma-separated; empty when the domain no longer asks for reports
   */
  void markReported(LocalDate day, String policyDomain, String reportId, String destinations, Instant at);

  /** Deletes the days before {@code day}, rows and sent reports; returns how many tally rows went. */
  int prune(LocalDate day);
}
