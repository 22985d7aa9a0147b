package org.portcullis.diagnose;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;
import org.portcullis.dns.DnsAnswer;
import org.portcullis.dns.DnsRecord;
import org.portcullis.dns.DnsResolver;
import org.portcullis.dns.DnsStatus;
import org.portcullis.dns.DnsType;
import org.portcullis.dns.ReverseName;
import org.portcullis.mail.PublicAddresses;

/**
 * {@code ttl.ns}, {@code ttl.mx}, {@code ttl.a} and {@code ttl.ptr}: seed 001 asks for TTLs of
 * 43200 s (12 hours) on the records receivers check, so that a short outage of the sender's DNS
 * does not make its mail look forged. The TTLs are read from the zone's authoritative servers, asked
 * directly: a recursive resolver's cache hands out TTLs already counted down. The zone is found by
 * walking up from the name until a name has NS records; its servers are asked in turn, public
 * addresses only (unless allowed for tests). A short TTL warns, with the honest caveat that many
 * large senders use shorter ones; no answer is unknown.
 */
public final class TtlProbe implements Probe {

  /** Seed 001's figure. */
  public static final long WANTED_SECONDS = 43_200;
  private static final int SERVERS_MAX = 3;

  private final int port;
  private final boolean allowPrivate;
  private final Function<InetSocketAddress, DnsResolver> direct;

  /**
   * @param port the port authoritative servers are asked on (53; another in tests)
   * @param allowPrivate ask servers on private and loopback addresses too (tests only)
   * @param direct a resolver that asks only the given server
   */
  public TtlProbe(int port, boolean allowPrivate, Function<InetSocketAddress, DnsResolver> direct) {
    this.port = port;
    this.allowPrivate = allowPrivate;
    this.direct = direct;
  }

  @Override
  public List<Finding> run(Subject subject, Lookups lookups, long deadlineNanos) {
    List<Finding> out = new ArrayList<>();
    subject.domain().ifPresent(domain -> {
      out.add(ttl(subject, "ttl.ns", domain, DnsType.NS, domain, lookups, deadlineNanos));
      out.add(ttl(subject, "ttl.mx", domain, DnsType.MX, domain, lookups, deadlineNanos));
    });
    // The server's own name: the PTR name, else the HELO name.
    Optional<String> host = Optional.ofNullable(lookups.reverse(subject.ip(), deadlineNanos))
        .flatMap(r -> r.names().stream().findFirst()).or(subject::helo).map(h -> h.toLowerCase(Locale.ROOT));
    host.ifPresent(h -> out.add(ttl(subject, "ttl.a", h, subject.ip() instanceof java.net.Inet6Address
        ? DnsType.AAAA : DnsType.A, h, lookups, deadlineNanos)));
    String reverse = ReverseName.of(subject.ip());
    out.add(ttl(subject, "ttl.ptr", reverse, DnsType.PTR, reverse, lookups, deadlineNanos));
    return out;
  }

  private Finding ttl(Subject subject, String id, String name, DnsType type, String zoneOf, Lookups lookups,
      long deadlineNanos) {
    Values v = new Values(subject).put("name", name).put("type", type.name()).put("wanted", String.valueOf(WANTED_SECONDS));
    Optional<Zone> zone = zone(zoneOf, lookups, deadlineNanos);
    if (zone.isEmpty()) {
      return v.put("why", "no name server was found for " + name).finding(id, Status.UNKNOWN);
    }
    v.fact("zone", zone.get().name()).fact("name servers", String.join(", ", zone.get().servers()));
    List<String> tried = new ArrayList<>();
    for (InetSocketAddress server : zone.get().addresses()) {
      DnsAnswer answer = direct.apply(server).lookupBy(name, type, deadlineNanos);
      String at = server.getAddress().getHostAddress();
      if (answer.status() == DnsStatus.NOERROR) {
        long seconds = answer.ttlSeconds();
        v.put("seconds", String.valueOf(seconds)).put("server", at)
            .fact(type + " " + name, answer.records().stream().map(DnsRecord::toString).toList() + " TTL " + seconds
                + " s (from " + at + ")");
        return v.finding(id, seconds >= WANTED_SECONDS ? Status.PASS : Status.WARN);
      }
      if (answer.status().isEmptyAnswer()) {
        return v.put("why", name + " has no " + type + " record at " + at + " (" + answer.status() + ")")
            .finding(id, Status.INFO);
      }
      tried.add(at + ": " + answer.status());
    }
    return v.put("why", tried.isEmpty() ? "its name servers have no public address" : String.join("; ", tried))
        .finding(id, Status.UNKNOWN);
  }

  /** The zone holding {@code name}, its name servers and their addresses to ask. */
  private record Zone(String name, List<String> servers, List<InetSocketAddress> addresses) {}

  private Optional<Zone> zone(String name, Lookups lookups, long deadlineNanos) {
    String at = name.toLowerCase(Locale.ROOT);
    while (at.contains(".")) {
      DnsAnswer ns = lookups.answer(at, DnsType.NS, deadlineNanos);
      List<DnsRecord.Name> servers = ns.recordsOf(DnsRecord.Name.class);
      if (!servers.isEmpty()) {
        List<InetSocketAddress> addresses = new ArrayList<>();
        for (DnsRecord.Name server : servers) {
          for (DnsAnswer a : lookups.addresses(server.name(), deadlineNanos)) {
            for (DnsRecord.Address address : a.recordsOf(DnsRecord.Address.class)) {
              InetAddress ip = address.address();
              if ((allowPrivate || PublicAddresses.isPublic(ip)) && addresses.size() < SERVERS_MAX) {
                addresses.add(new InetSocketAddress(ip, port));
              }
            }
          }
        }
        return Optional.of(new Zone(at, servers.stream().map(DnsRecord.Name::name).toList(), addresses));
      }
      if (!ns.status().isDefinite()) {
        return Optional.empty();
      }
      at = at.substring(at.indexOf('.') + 1);
    }
    return Optional.empty();
  }
}
