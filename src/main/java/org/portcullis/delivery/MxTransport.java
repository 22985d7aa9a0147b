package org.portcullis.delivery;

import static org.portcullis.delivery.DeliveryOutcome.toAll;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import javax.net.ssl.SSLContext;
import org.portcullis.dns.DnsResolver;
import org.portcullis.mail.Addresses;
import org.portcullis.mail.EnhancedStatus;
import org.portcullis.queue.QueuedMessage;

/**
 * Delivers mail for other domains straight to their mail servers (RFC 5321 5.1): the MX hosts in
 * preference order, the domain itself without MX, nothing for a null MX (RFC 7505, a bounce at
 * once); each address of a host in turn until one takes the transaction; STARTTLS whenever
 * offered (opportunistic, RFC 7435); connections kept for the next message; at most
 * {@code destinationConcurrency} deliveries to one domain at once. A connection failure or a
 * refused greeting moves on to the next address or host; once a server has greeted, its replies
 * decide each recipient's outcome. Connections come from the {@link SourcePool}'s healthy
 * addresses, around those a destination refused as blacklisted. Thread-safe.
 */
public final class MxTransport implements Transport, AutoCloseable {

  /**
   * @param helo our name in EHLO
   * @param port the port servers listen on (25; another only in tests and labs)
   * @param connectTimeout how long to wait for a connection
   * @param readTimeout how long to wait for each reply
   * @param destinationConcurrency deliveries to one domain at once
   * @param connectionReuseTime how long an idle connection is kept for the next message (0: never)
   */
  public record Settings(String helo, int port, Duration connectTimeout, Duration readTimeout,
      int destinationConcurrency, Duration connectionReuseTime) {}

  private final java.util.function.BiConsumer<String, InetAddress> delivered;
  private final NextHops hops;
  private final Settings settings;
  private final SourcePool pool;
  private final Optional<SSLContext> tls;
  private final ConnectionCache cache;
  private final Map<String, Semaphore> destinations = new ConcurrentHashMap<>();

  /** @param pool the source addresses to connect from (an empty pool: the system picks) */
  public MxTransport(DnsResolver dns, Settings settings, SourcePool pool) {
    this(dns, settings, pool, (domain, server) -> { });
  }

  /** @param delivered told of each server that took mail (for {@code correspondents.trust-delivery-hosts}) */
  public MxTransport(DnsResolver dns, Settings settings, SourcePool pool,
      java.util.function.BiConsumer<String, InetAddress> delivered) {
    this.delivered = delivered;
    this.hops = new NextHops(dns);
    this.settings = settings;
    this.pool = pool;
    this.tls = OpportunisticTls.context();
    this.cache = new ConnectionCache(settings.connectionReuseTime(), settings.destinationConcurrency());
  }

  @Override
  public String name() {
    return "mx";
  }

  @Override
  public Map<Integer, DeliveryOutcome> deliver(QueuedMessage message, List<Integer> recipients, byte[] content) {
    Map<String, List<Integer>> byDomain = new LinkedHashMap<>();
    for (int index : recipients) {
      String domain = message.envelope().recipients().get(index).address().domain().toLowerCase(Locale.ROOT);
      byDomain.computeIfAbsent(domain, d -> new ArrayList<>()).add(index);
    }
    Map<Integer, DeliveryOutcome> outcomes = new LinkedHashMap<>();
    byDomain.forEach((domain, indexes) -> outcomes.putAll(toDomain(domain, message, indexes, content)));
    return outcomes;
  }

  private Map<Integer, DeliveryOutcome> toDomain(String domain, QueuedMessage message, List<Integer> recipients,
      byte[] content) {
    Semaphore slots = destinations.computeIfAbsent(domain, d -> new Semaphore(settings.destinationConcurrency()));
    try {
      slots.acquire();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return toAll(recipients, new DeliveryOutcome.Deferred("delivery interrupted by shutdown"));
    }
    try {
      return switch (hops.route(domain)) {
        case NextHops.Route.NullMx n -> toAll(recipients, new DeliveryOutcome.Failed("the domain " + domain
            + " accepts no mail: its DNS has a null MX (RFC 7505)", new EnhancedStatus(5, 1, 10), Optional.empty()));
        case NextHops.Route.Nowhere w -> toAll(recipients, new DeliveryOutcome.Failed(w.detail(),
            w.detail().contains("NXDOMAIN") ? new EnhancedStatus(5, 1, 2) : new EnhancedStatus(5, 4, 4),
            Optional.empty()));
        case NextHops.Route.Unknown u -> toAll(recipients, new DeliveryOutcome.Deferred(u.detail(),
            new EnhancedStatus(4, 4, 3), Optional.empty()));
        case NextHops.Route.Hosts h -> toHosts(domain, h.hosts(), message, recipients, content);
      };
    } finally {
      slots.release();
    }
  }

  /**
   * Delivers from the pool's healthy source addresses in turn: a recipient refused because the
   * source is blacklisted is tried again at once from the next address (the refusal suspends the
   * address for this domain). When no address is left the recipients wait until the first
   * suspension ends (what a blacklisted sender is told: "wait a few minutes and send again"), within the give-up time; the
   * deferral, and the bounce if it comes to that, names each source tried and its refusal.
   */
  private Map<Integer, DeliveryOutcome> toHosts(String domain, List<NextHops.Host> hosts, QueuedMessage message,
      List<Integer> recipients, byte[] content) {
    List<Optional<InetAddress>> sources = pool.candidates(domain);
    if (sources.isEmpty()) {
      return toAll(recipients, allSuspended(domain, Optional.empty()));
    }
    Map<Integer, DeliveryOutcome> outcomes = new LinkedHashMap<>();
    List<Integer> todo = recipients;
    DeliveryOutcome blacklisting = null;
    for (Optional<InetAddress> source : sources) {
      Map<Integer, DeliveryOutcome> got = fromSource(domain, hosts, source, message, todo, content);
      List<Integer> refused = todo.stream().filter(i -> blacklisting(got.get(i))).toList();
      todo.stream().filter(i -> !refused.contains(i)).forEach(i -> outcomes.put(i, got.get(i)));
      if (refused.isEmpty() || source.isEmpty()) {
        refused.forEach(i -> outcomes.put(i, got.get(i)));
        return outcomes;
      }
      blacklisting = got.get(refused.getFirst());
      pool.refused(source.get(), domain, blacklisting.remote().map(r -> r.mta() + " said: " + r.reply())
          .orElse(blacklisting.detail()));
      todo = refused;
    }
    DeliveryOutcome suspended = allSuspended(domain, blacklisting.remote());
    todo.forEach(i -> outcomes.put(i, suspended));
    return outcomes;
  }

  /** Every source is suspended for {@code domain}: a deferral until the first suspension ends, naming each. */
  private DeliveryOutcome allSuspended(String domain, Optional<DeliveryOutcome.Remote> remote) {
    List<SourcePool.Suspension> held = pool.suspendedFor(domain);
    Optional<java.time.Instant> firstEnd = held.stream().flatMap(s -> s.until().stream()).min(java.time.Instant::compareTo);
    StringBuilder detail = new StringBuilder("every source address is suspended for ").append(domain);
    firstEnd.ifPresent(end -> detail.append(" (the first suspension ends ").append(end).append(')'));
    detail.append(':');
    java.util.Set<InetAddress> named = new java.util.HashSet<>();
    for (SourcePool.Suspension s : held) {
      if (named.add(s.address())) {
        detail.append(' ').append(Addresses.toText(s.address())).append(' ')
            .append(s.fromHealthCheck() ? "(listed: " : "(refused: ").append(s.reason()).append(");");
      }
    }
    detail.setLength(detail.length() - 1);
    return new DeliveryOutcome.Deferred(detail.toString(), new EnhancedStatus(4, 7, 1), remote, firstEnd);
  }

  private boolean blacklisting(DeliveryOutcome outcome) {
    return !(outcome instanceof DeliveryOutcome.Delivered)
        && outcome.remote().map(r -> pool.isBlacklisting(r.reply())).orElse(false);
  }

  private Map<Integer, DeliveryOutcome> fromSource(String domain, List<NextHops.Host> hosts,
      Optional<InetAddress> source, QueuedMessage message, List<Integer> recipients, byte[] content) {
    DeliveryOutcome problem = new DeliveryOutcome.Deferred("no mail host of " + domain + " could be reached",
        new EnhancedStatus(4, 4, 1), Optional.empty());
    hosts:
    for (NextHops.Host host : hosts) {
      for (InetAddress address : host.addresses()) {
        if (source.isPresent() && source.get().getClass() != address.getClass()) {
          continue; // an IPv4 source cannot reach an IPv6 server, nor the other way round
        }
        InetSocketAddress server = new InetSocketAddress(address, settings.port());
        String where = host.name() + "[" + Addresses.toText(address) + "]:" + settings.port();
        for (int attempt = 0; attempt < 2; attempt++) {
          Optional<SmtpConnection> cached = cache.take(server, source);
          SmtpConnection c;
          if (cached.isPresent()) {
            c = cached.get();
          } else {
            try {
              switch (SmtpConnection.open(server, host.name(), source, settings.helo(), tls, settings.connectTimeout(),
                  settings.readTimeout())) {
                case SmtpConnection.Opened.Ready ready -> c = ready.connection();
                case SmtpConnection.Opened.Refused refused -> {
                  problem = DeliveryOutcome.of(refused.remote(), false);
                  continue hosts; // a server that will not talk: its other addresses are the same server
                }
                case SmtpConnection.Opened.Unusable unusable -> {
                  problem = new DeliveryOutcome.Deferred(unusable.why(), new EnhancedStatus(4, 7, 0),
                      Optional.empty());
                  continue hosts; // only a secured next hop is unusable; an MX never is
                }
              }
            } catch (java.io.IOException e) {
              problem = new DeliveryOutcome.Deferred("connect to " + where + " failed: " + e.getMessage(),
                  new EnhancedStatus(4, 4, 1), Optional.empty());
              break;
            }
            if (c.serverName().equalsIgnoreCase(settings.helo())) {
              c.quit();
              return toAll(recipients, new DeliveryOutcome.Failed("mail for " + domain + " loops back to myself ("
                  + where + " greets as " + settings.helo() + ")", new EnhancedStatus(5, 4, 6), Optional.empty()));
            }
          }
          try {
            SmtpTransaction.Result result = SmtpTransaction.run(c, message, recipients, content);
            if (result.outcomes().values().stream().anyMatch(o -> o instanceof DeliveryOutcome.Delivered)) {
              delivered.accept(domain, address);
            }
            if (result.reusable()) {
              cache.put(c, source);
            } else {
              c.quit();
            }
            return result.outcomes();
          } catch (SmtpTransaction.Broken broken) {
            c.close();
            if (broken.afterContent) {
              return toAll(recipients, new DeliveryOutcome.Deferred(broken.getMessage()
                  + "; it may be delivered twice", new EnhancedStatus(4, 4, 2), Optional.empty()));
            }
            problem = new DeliveryOutcome.Deferred(broken.getMessage(), new EnhancedStatus(4, 4, 2), Optional.empty());
            if (cached.isEmpty()) {
              break; // a fresh connection that broke: try the next address
            }
            // a kept connection the server had closed: once more with a new one
          }
        }
      }
    }
    return toAll(recipients, problem);
  }


  @Override
  public void close() {
    cache.close();
  }
}
