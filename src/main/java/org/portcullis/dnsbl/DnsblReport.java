package org.portcullis.dnsbl;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The DNS list lookups for one client, started when it connected: one future per zone, in the
 * configured order. Futures complete with a {@link ZoneResult}; they never fail.
 */
public record DnsblReport(List<CompletableFuture<ZoneResult>> results) {

  public DnsblReport {
    results = List.copyOf(results);
  }
}
