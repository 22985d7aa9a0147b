package org.portcullis.delivery;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.portcullis.mail.EnhancedStatus;
import org.portcullis.queue.QueuedMessage;

/**
 * Per-domain routes for remote mail ({@code [[delivery.routes]]}, Postfix's transport map): each
 * recipient goes by the first route whose pattern its domain matches ({@code example.com} that
 * domain, {@code .example.com} its subdomains), else by the default outbound transport.
 * Thread-safe.
 */
public final class DomainRoutes implements Transport {

  /** A pattern and where its domains go. */
  public record Route(String pattern, Transport transport) {
    public Route {
      pattern = pattern.toLowerCase(Locale.ROOT);
    }

    boolean matches(String domain) {
      String d = domain.toLowerCase(Locale.ROOT);
      return pattern.startsWith(".") ? d.endsWith(pattern) : d.equals(pattern);
    }
  }

  private final List<Route> routes;
  private final Optional<Transport> fallback;

  public DomainRoutes(List<Route> routes, Optional<Transport> fallback) {
    this.routes = List.copyOf(routes);
    this.fallback = fallback;
  }

  @Override
  public String name() {
    return "routes(" + routes.size() + ")" + fallback.map(f -> "+" + f.name()).orElse("");
  }

  /** Each transport once, though several routes (and the fallback) may share one. */
  private List<Transport> transports() {
    java.util.Set<Transport> all = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
    routes.forEach(r -> all.add(r.transport()));
    fallback.ifPresent(all::add);
    return List.copyOf(all);
  }

  @Override
  public void sync() throws java.io.IOException {
    for (Transport t : transports()) {
      t.sync();
    }
  }

  @Override
  public void close() {
    transports().forEach(Transport::close);
  }

  @Override
  public Map<Integer, DeliveryOutcome> deliver(QueuedMessage message, List<Integer> recipients, byte[] content) {
    Map<Transport, List<Integer>> byTransport = new LinkedHashMap<>();
    Map<Integer, DeliveryOutcome> outcomes = new LinkedHashMap<>();
    for (int index : recipients) {
      String domain = message.envelope().recipients().get(index).address().domain();
      Optional<Transport> via = routes.stream().filter(r -> r.matches(domain)).map(Route::transport).findFirst()
          .or(() -> fallback);
      if (via.isEmpty()) {
        outcomes.put(index, new DeliveryOutcome.Deferred("no route to " + domain + ": delivery.outbound is \"none\" "
            + "and no [[delivery.routes]] entry matches", new EnhancedStatus(4, 4, 4), Optional.empty()));
      } else {
        byTransport.computeIfAbsent(via.get(), t -> new ArrayList<>()).add(index);
      }
    }
    byTransport.forEach((transport, indexes) -> outcomes.putAll(transport.deliver(message, indexes, content)));
    return outcomes;
  }
}
