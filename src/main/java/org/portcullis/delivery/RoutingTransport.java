package org.portcullis.delivery;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import org.portcullis.queue.QueuedMessage;

/**
 * Routes each recipient by domain: our accepted domains to the inbound transport (Maildir or the
 * next-hop mail store), every other domain (mail our LAN and logged-in users send) to the
 * outbound one (their MX hosts, or the smarthost). Without an outbound route, remote recipients
 * are deferred; relay control refuses them at RCPT in that case, so this only happens for mail
 * queued under an older configuration. Thread-safe.
 */
public final class RoutingTransport implements Transport {

  private final Predicate<String> local;
  private final Transport inbound;
  private final Optional<Transport> outbound;

  public RoutingTransport(Predicate<String> isLocalDomain, Transport inbound, Optional<Transport> outbound) {
    this.local = isLocalDomain;
    this.inbound = inbound;
    this.outbound = outbound;
  }

  @Override
  public String name() {
    return inbound.name() + outbound.map(o -> "+outbound:" + o.name()).orElse("");
  }

  @Override
  public void sync() throws java.io.IOException {
    inbound.sync();
    if (outbound.isPresent()) {
      outbound.get().sync();
    }
  }

  @Override
  public void close() {
    inbound.close();
    outbound.ifPresent(Transport::close);
  }

  @Override
  public Map<Integer, DeliveryOutcome> deliver(QueuedMessage message, List<Integer> recipients, byte[] content) {
    List<Integer> here = new ArrayList<>();
    List<Integer> there = new ArrayList<>();
    for (int index : recipients) {
      (local.test(message.envelope().recipients().get(index).address().domain()) ? here : there).add(index);
    }
    Map<Integer, DeliveryOutcome> outcomes = new LinkedHashMap<>();
    if (!here.isEmpty()) {
      outcomes.putAll(inbound.deliver(message, here, content));
    }
    if (!there.isEmpty()) {
      if (outbound.isPresent()) {
        outcomes.putAll(outbound.get().deliver(message, there, content));
      } else {
        there.forEach(i -> outcomes.put(i, new DeliveryOutcome.Deferred(
            "no route to remote domains: delivery.outbound is \"none\"")));
      }
    }
    return outcomes;
  }
}
