package org.portcullis.policy;

import java.net.InetAddress;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.portcullis.dns.DnsResolver;
import org.portcullis.dns.ReverseDns;

/**
 * The policy of one listener: its chain, exceptions and identity. Makes a {@link SessionPolicy}
 * per connection and starts the client's DNS lookups as soon as it connects. Immutable and
 * thread-safe.
 */
public final class PolicyEngine {

  private final PolicyChain chain;
  private final ReplyRenderer renderer;
  private final List<ExceptionRule> exceptions;
  private final LocalSite site;
  private final DnsResolver dns;
  private final Clock clock;
  private final boolean delayReject;
  private final List<ClientLookup<?>> lookups;
  private final LiveExceptions live;

  public PolicyEngine(PolicyChain chain, ReplyRenderer renderer, List<ExceptionRule> exceptions, LocalSite site,
      DnsResolver dns, Clock clock, boolean delayReject) {
    this(chain, renderer, exceptions, site, dns, clock, delayReject, List.of());
  }

  /**
   * @param lookups work to start for every remote client at connect (not for LAN clients)
   */
  public PolicyEngine(PolicyChain chain, ReplyRenderer renderer, List<ExceptionRule> exceptions, LocalSite site,
      DnsResolver dns, Clock clock, boolean delayReject, List<ClientLookup<?>> lookups) {
    this(chain, renderer, exceptions, LiveExceptions.NONE, site, dns, clock, delayReject, lookups);
  }

  /**
   * @param live exceptions that change at run time (allow entries, whitelists)
   * @param lookups work to start for every remote client at connect (not for LAN clients)
   */
  public PolicyEngine(PolicyChain chain, ReplyRenderer renderer, List<ExceptionRule> exceptions, LiveExceptions live,
      LocalSite site, DnsResolver dns, Clock clock, boolean delayReject, List<ClientLookup<?>> lookups) {
    this.live = live;
    this.lookups = List.copyOf(lookups);
    this.chain = chain;
    this.renderer = renderer;
    this.exceptions = List.copyOf(exceptions);
    this.site = site;
    this.dns = dns;
    this.clock = clock;
    this.delayReject = delayReject;
  }

  /** A client whose reverse DNS is looked up now, in the background. */
  public ClientInfo client(InetAddress address, int port) {
    boolean lan = site.isLan(address);
    return new ClientInfo(address, port, lan, ReverseDns.lookup(dns, address), Optional.empty(), start(address, lan));
  }

  private Map<ClientLookup<?>, Object> start(InetAddress address, boolean lan) {
    if (lan || lookups.isEmpty()) {
      return Map.of();
    }
    Map<ClientLookup<?>, Object> started = new HashMap<>();
    for (ClientLookup<?> lookup : lookups) {
      started.put(lookup, lookup.start().apply(address));
    }
    return started;
  }

  /**
   * A client whose name a trusted proxy asserted (XCLIENT NAME): a name, or empty for "none",
   * with {@code temporary} for "lookup failed".
   */
  public ClientInfo assertedClient(InetAddress address, int port, Optional<String> name, boolean temporary) {
    boolean lan = site.isLan(address);
    return new ClientInfo(address, port, lan,
        CompletableFuture.completedFuture(ReverseDns.asserted(address, name, temporary)), name, start(address, lan));
  }

  /** A client whose reverse DNS is already known (a Postfix policy request reports it). */
  public ClientInfo reportedClient(InetAddress address, int port, ReverseDns reverseDns) {
    boolean lan = site.isLan(address);
    return new ClientInfo(address, port, lan, CompletableFuture.completedFuture(reverseDns), Optional.empty(),
        start(address, lan));
  }

  public SessionPolicy newSession(ClientInfo client, ProtocolFacts protocol) {
    return new SessionPolicy(chain, renderer, exceptions, live, site, dns, clock, delayReject, client, protocol);
  }

  public LocalSite site() {
    return site;
  }

  public Clock clock() {
    return clock;
  }
}
