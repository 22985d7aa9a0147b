package org.portcullis.delivery;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.portcullis.dnsbl.DnsblLookups;
import org.portcullis.dnsbl.DnsblZone;
import org.portcullis.dnsbl.ZoneResult;

/**
 * Checks the pool's own addresses against the DNS blocklists the gateway uses for its clients
 * (the same {@code [[dnsbl.zones]]}): an address on a block list is suspended; one on none (every
 * zone answering) is resumed; an unknown answer changes nothing. Run periodically by the gateway.
 */
public final class SourceHealth implements Runnable {

  private final SourcePool pool;
  private final DnsblLookups lists;

  public SourceHealth(SourcePool pool, DnsblLookups lists) {
    this.pool = pool;
    this.lists = lists;
  }

  @Override
  public void run() {
    for (InetAddress address : pool.addresses()) {
      List<ZoneResult> results = new ArrayList<>();
      for (CompletableFuture<ZoneResult> f : lists.start(address).results()) {
        results.add(f.join());
      }
      List<String> listings = results.stream()
          .filter(r -> r.listed() && r.zone().type() == DnsblZone.Type.BLOCK)
          .map(r -> "listed on " + r.zone().publicName() + " (" + String.join(", ", r.answers()) + ")"
              + (r.txt().isEmpty() ? "" : ": " + r.txt()))
          .toList();
      if (!listings.isEmpty()) {
        pool.listed(address, String.join("; ", listings));
      } else if (results.stream().allMatch(r -> r.outcome() != ZoneResult.Outcome.UNKNOWN)) {
        pool.clean(address);
      }
    }
  }
}
