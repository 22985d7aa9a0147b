package org.portcullis.delivery;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import org.portcullis.dns.DnsAnswer;
import org.portcullis.dns.DnsRecord;
import org.portcullis.dns.DnsResolver;
import org.portcullis.dns.DnsStatus;
import org.portcullis.dns.DnsType;

/**
 * Where mail for a domain goes (RFC 5321 5.1): its MX hosts, lowest preference first (hosts of
 * equal preference in random order, to spread load), each with its IPv4 then IPv6 addresses; the
 * domain itself when it has no MX records (the implicit MX); nowhere for a null MX (RFC 7505).
 * A DNS failure is {@link Route.Unknown}: a temporary problem, never a bounce. Thread-safe.
 */
public final class NextHops {

  /** More MX hosts than this are not tried in one attempt (Postfix: smtp_mx_address_limit). */
  public static final int HOSTS_MAX = 10;

  /** An MX host and its addresses. */
  public record Host(String name, int preference, List<InetAddress> addresses) {}

  /** What the domain's DNS says. */
  public sealed interface Route {
    /** Hosts to try in order; at least one has addresses. */
    record Hosts(List<Host> hosts) implements Route {}

    /** The domain says it takes no mail (a sole {@code MX 0 .}). */
    record NullMx() implements Route {}

    /** The domain does not exist, or no MX host has an address: a permanent failure. */
    record Nowhere(String detail) implements Route {}

    /** DNS did not answer definitely: try again later. */
    record Unknown(String detail) implements Route {}
  }

  private final DnsResolver dns;

  public NextHops(DnsResolver dns) {
    this.dns = dns;
  }

  /** Where mail for {@code domain} goes now; waits for the resolver, whose lookups have their own timeouts. */
  public Route route(String domain) {
    DnsAnswer mx = dns.lookup(domain, DnsType.MX).join();
    List<DnsRecord.Mx> records = mx.recordsOf(DnsRecord.Mx.class);
    if (mx.status() == DnsStatus.NXDOMAIN) {
      return new Route.Nowhere("the domain " + domain + " does not exist (NXDOMAIN)");
    }
    if (!mx.status().isDefinite()) {
      return new Route.Unknown("MX lookup for " + domain + " failed: " + mx.status());
    }
    if (records.isEmpty()) {
      return resolve(List.of(new DnsRecord.Mx(0, domain)), domain);
    }
    List<DnsRecord.Mx> real = records.stream().filter(r -> !r.isNullMx()).toList();
    if (real.isEmpty()) {
      return new Route.NullMx();
    }
    return resolve(ordered(real), domain);
  }

  /** By preference, shuffled within each preference. */
  private static List<DnsRecord.Mx> ordered(List<DnsRecord.Mx> records) {
    List<DnsRecord.Mx> shuffled = new ArrayList<>(records);
    Collections.shuffle(shuffled, ThreadLocalRandom.current());
    shuffled.sort((a, b) -> Integer.compare(a.preference(), b.preference()));
    return shuffled.size() > HOSTS_MAX ? shuffled.subList(0, HOSTS_MAX) : shuffled;
  }

  private Route resolve(List<DnsRecord.Mx> mxs, String domain) {
    List<CompletableFuture<DnsAnswer>> v4 = new ArrayList<>();
    List<CompletableFuture<DnsAnswer>> v6 = new ArrayList<>();
    for (DnsRecord.Mx mx : mxs) {
      v4.add(dns.lookup(mx.exchange(), DnsType.A));
      v6.add(dns.lookup(mx.exchange(), DnsType.AAAA));
    }
    List<Host> hosts = new ArrayList<>();
    List<String> unknown = new ArrayList<>();
    for (int i = 0; i < mxs.size(); i++) {
      List<InetAddress> addresses = new ArrayList<>();
      for (DnsAnswer answer : List.of(v4.get(i).join(), v6.get(i).join())) {
        answer.recordsOf(DnsRecord.Address.class).forEach(a -> addresses.add(a.address()));
        if (!answer.status().isDefinite()) {
          unknown.add(answer.summary());
        }
      }
      if (!addresses.isEmpty()) {
        hosts.add(new Host(mxs.get(i).exchange(), mxs.get(i).preference(), List.copyOf(addresses)));
      }
    }
    if (!hosts.isEmpty()) {
      return new Route.Hosts(List.copyOf(hosts));
    }
    if (!unknown.isEmpty()) {
      return new Route.Unknown("address lookups failed: " + String.join("; ", unknown));
    }
    return new Route.Nowhere("no address for the mail hosts of " + domain + " ("
        + String.join(", ", mxs.stream().map(DnsRecord.Mx::exchange).toList()) + ")");
  }
}
