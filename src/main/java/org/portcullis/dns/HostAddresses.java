package org.portcullis.dns;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/** Looks up the addresses of a host name (HELO names, sender domains without MX). */
public final class HostAddresses {

  private HostAddresses() {}

  /**
   * The addresses of a name: the A answer, and the AAAA answer only when the A lookup found none
   * (a name with an IPv4 address is known to resolve; asking for AAAA too would cost a query for
   * every client).
   */
  public static CompletableFuture<List<DnsAnswer>> lookup(DnsResolver dns, String name) {
    return dns.lookup(name, DnsType.A).thenCompose(a -> a.status() == DnsStatus.NOERROR
        ? CompletableFuture.completedFuture(List.of(a))
        : dns.lookup(name, DnsType.AAAA).thenApply(aaaa -> List.of(a, aaaa)));
  }

}
