package org.portcullis.dmarc;

import java.time.Instant;
import java.util.List;

/**
 * A DMARC aggregate report another receiver sent us about mail that claimed one of our domains
 * (RFC 7489 7.2, appendix C), as {@link AggregateReports} read it.
 *
 * @param organisation who sent the report ({@code org_name})
 * @param reportId their id for it
 * @param begin start of the period covered
 * @param end end of the period covered
 * @param domain the domain the report is about ({@code policy_published/domain})
 * @param policy the policy they saw published ({@code p})
 * @param rows one per source address and result
 */
public record AggregateReport(String organisation, String reportId, Instant begin, Instant end, String domain,
    String policy, List<Row> rows) {

  public AggregateReport {
    rows = List.copyOf(rows);
  }

  /**
   * One {@code record} element.
   *
   * @param source the sending address
   * @param count messages
   * @param disposition what the receiver did: none, quarantine, reject
   * @param dkim the DMARC-aligned DKIM result, pass or fail
   * @param spf the DMARC-aligned SPF result, pass or fail
   * @param headerFrom the author domain of the messages
   */
  public record Row(String source, long count, String disposition, String dkim, String spf, String headerFrom) {}

  /** Messages in the report. */
  public long messages() {
    return rows.stream().mapToLong(Row::count).sum();
  }
}
