package org.portcullis.dnsbl;

import java.util.List;

/**
 * One zone's answer about one client.
 *
 * @param zone the zone asked
 * @param outcome what it said
 * @param query the name asked, e.g. {@code 9.113.0.203.zen.example}
 * @param answers the A answers, as text
 * @param labels the labels of the answers that count (SBL, XBL...)
 * @param txt the zone's TXT reason for a listing (printable ASCII, at most 200 characters), or empty
 */
public record ZoneResult(DnsblZone zone, Outcome outcome, String query, List<String> answers, List<String> labels,
    String txt) {

  public ZoneResult {
    answers = List.copyOf(answers);
    labels = List.copyOf(labels);
  }

  public enum Outcome {
    LISTED,
    NOT_LISTED,
    /** The zone answered 127.255.255.x: it refuses to answer us. Never a listing. */
    ZONE_ERROR,
    /** No answer (timeout, SERVFAIL): unknown, never a pass. */
    UNKNOWN,
    /** The zone is suspended by its health check and was not asked. */
    SUSPENDED
  }

  public boolean listed() {
    return outcome == Outcome.LISTED;
  }
}
