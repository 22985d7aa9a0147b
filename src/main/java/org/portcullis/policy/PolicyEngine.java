package org.portcullis.policy;

import java.net.InetAddress;
import java.time.Clock;
import java.util.List;
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

  public PolicyEngine(PolicyChain chain, ReplyRenderer renderer, List<ExceptionRule> exceptions, LocalSite site,
      DnsResolver dns, Clock clock, boolean delayReject) {
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
    return new ClientInfo(address, port, site.isLan(address), ReverseDns.lookup(dns, address), Optional.empty());
  }

  /**
   * A client whose name a trusted proxy asserted (XCLIENT NAME): a name, or empty for "none",
   * with {@code temporary} for "lookup failed".
   */
  public ClientInfo assertedClient(InetAddress address, int port, Optional<String> name, boolean temporary) {
    return new ClientInfo(address, port, site.isLan(address),
        CompletableFuture.completedFuture(ReverseDns.asserted(address, name, temporary)), name);
  }

  public SessionPolicy newSession(ClientInfo client, ProtocolFacts protocol) {
    return new SessionPolicy(chain, renderer, exceptions, site, dns, clock, delayReject, client, protocol);
  }

  public LocalSite site() {
    return site;
  }



  public Clock clock() {
    return clock;
  }
}
