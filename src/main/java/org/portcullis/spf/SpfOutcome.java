package org.portcullis.spf;

import java.util.List;

/**
 * What evaluating one identity gave.
 *
 * @param identity {@code mailfrom} or {@code helo}
 * @param domain the domain whose policy was asked
 * @param explanation the domain's explanation for a fail ({@code exp=}), or why the result is an
 *     error, in words; empty for other results
 * @param lookups the DNS queries made, in order, with what each gave ({@code "TXT example.com: 1 record"})
 * @param record the domain's SPF record as published, or empty when none was found
 */
public record SpfOutcome(SpfResult result, String identity, String domain, String explanation, List<String> lookups,
    String record) {

  public SpfOutcome {
    lookups = List.copyOf(lookups);
  }
}
