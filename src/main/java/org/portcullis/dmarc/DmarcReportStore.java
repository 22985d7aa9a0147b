package org.portcullis.dmarc;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;

/** The aggregate reports others sent us about our domains. */
public interface DmarcReportStore {

  /** One row of a stored report, with who reported it and the day its period began (UTC). */
  record StoredRow(String organisation, LocalDate day, AggregateReport.Row row) {}

  /** Stores a report; false when one with the same organisation and report id is stored already. */
  boolean add(AggregateReport report, Instant receivedAt);

  /** The rows of reports about {@code domain} whose period began at or after {@code since}, newest first. */
  List<StoredRow> rows(String domain, Instant since);
}
