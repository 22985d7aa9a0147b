package org.portcullis.dns;

import java.net.InetAddress;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.portcullis.mail.Addresses;

/**
 * What DNS says about a client address: its PTR names, and whether one of them resolves back to
 * the address (forward-confirmed reverse DNS, "FCrDNS").
 *
 * @param address the client address
 * @param ptr the PTR answer
 * @param forward the A/AAAA answers of each PTR name looked at (at most {@link #MAX_NAMES})
 * @param confirmedName the first PTR name whose addresses include the client address
 */
public record ReverseDns(InetAddress address, DnsAnswer ptr, Map<String, List<DnsAnswer>> forward,
    Optional<String> confirmedName) {

  /** How many PTR names are followed forward, as Postfix does, to bound the work per client. */
  public static final int MAX_NAMES = 4;

  /** The verdict on the reverse DNS as a whole. */
  public enum Status {
    /** Has a PTR name that resolves back to the address. */
    CONFIRMED,
    /** Has PTR names but none resolves back to the address (all forward lookups answered). */
    NOT_CONFIRMED,
    /** No PTR record (NXDOMAIN or NODATA). */
    NO_PTR,
    /** A lookup failed (timeout, SERVFAIL): unknown, to be retried. */
    UNKNOWN
  }

  public ReverseDns {
    forward = Map.copyOf(forward);
  }

  /**
   * Starts the PTR lookup and the forward lookups of each name; never fails. Only the client's
   * own address family is looked up forward (A for IPv4 clients, AAAA for IPv6), as Postfix does.
   */
  public static CompletableFuture<ReverseDns> lookup(DnsResolver dns, InetAddress address) {
    InetAddress client = Addresses.unmap(address);
    DnsType family = client.getAddress().length == 4 ? DnsType.A : DnsType.AAAA;
    return dns.lookup(ReverseName.of(client), DnsType.PTR).thenCompose(ptr -> {
      if (ptr.status() != DnsStatus.NOERROR) {
        return CompletableFuture.completedFuture(new ReverseDns(client, ptr, Map.of(), Optional.empty()));
      }
      List<String> names = ptr.recordsOf(DnsRecord.Name.class).stream()
          .map(DnsRecord.Name::name).distinct().limit(MAX_NAMES).toList();
      Map<String, CompletableFuture<DnsAnswer>> pending = new LinkedHashMap<>();
      for (String name : names) {
        pending.put(name, dns.lookup(name, family));
      }
      return CompletableFuture.allOf(pending.values().toArray(CompletableFuture[]::new)).thenApply(done -> {
        Map<String, List<DnsAnswer>> forward = new LinkedHashMap<>();
        Optional<String> confirmed = Optional.empty();
        for (var entry : pending.entrySet()) {
          List<DnsAnswer> answers = List.of(entry.getValue().join());
          forward.put(entry.getKey(), answers);
          if (confirmed.isEmpty() && contains(answers, client)) {
            confirmed = Optional.of(entry.getKey());
          }
        }
        return new ReverseDns(client, ptr, forward, confirmed);
      });
    });
  }

  /**
   * The reverse DNS as Postfix reports it to a policy service: {@code client_name} is the
   * forward-confirmed name, {@code reverse_client_name} the PTR name whether confirmed or not;
   * either is {@code unknown} when there is none. Postfix does not say whether "unknown" was a
   * lookup failure, so it counts as no name.
   */
  public static ReverseDns reported(InetAddress address, Optional<String> confirmed, Optional<String> ptrName) {
    Optional<String> verified = confirmed.filter(n -> !n.equalsIgnoreCase("unknown"));
    Optional<String> unverified = ptrName.filter(n -> !n.equalsIgnoreCase("unknown"));
    if (verified.isPresent() || unverified.isEmpty()) {
      return asserted(address, verified, false);
    }
    InetAddress client = Addresses.unmap(address);
    String host = unverified.get().toLowerCase(java.util.Locale.ROOT);
    DnsAnswer ptr = new DnsAnswer(ReverseName.of(client), DnsType.PTR, DnsStatus.NOERROR,
        List.of(new DnsRecord.Name(host)), 0);
    DnsType type = client.getAddress().length == 4 ? DnsType.A : DnsType.AAAA;
    DnsAnswer forward = new DnsAnswer(host, type, DnsStatus.NXDOMAIN, List.of(), 0);
    return new ReverseDns(client, ptr, Map.of(host, List.of(forward)), Optional.empty());
  }

  /**
   * A reverse DNS result asserted by a trusted proxy (Postfix XCLIENT NAME) instead of looked up:
   * a name means "verified", empty means "no PTR", {@code temporary} means "lookup failed".
   */
  public static ReverseDns asserted(InetAddress address, Optional<String> name, boolean temporary) {
    InetAddress client = Addresses.unmap(address);
    String ptrName = ReverseName.of(client);
    if (temporary) {
      return new ReverseDns(client, DnsAnswer.failure(ptrName, DnsType.PTR, DnsStatus.TIMEOUT), Map.of(), Optional.empty());
    }
    if (name.isEmpty()) {
      return new ReverseDns(client, new DnsAnswer(ptrName, DnsType.PTR, DnsStatus.NXDOMAIN, List.of(), 0),
          Map.of(), Optional.empty());
    }
    String host = name.get().toLowerCase(java.util.Locale.ROOT);
    DnsAnswer ptr = new DnsAnswer(ptrName, DnsType.PTR, DnsStatus.NOERROR, List.of(new DnsRecord.Name(host)), 0);
    DnsType type = client.getAddress().length == 4 ? DnsType.A : DnsType.AAAA;
    DnsAnswer forward = new DnsAnswer(host, type, DnsStatus.NOERROR, List.of(new DnsRecord.Address(client)), 0);
    return new ReverseDns(client, ptr, Map.of(host, List.of(forward)), Optional.of(host));
  }

  /** True if any of the answers holds the address. */
  public static boolean contains(List<DnsAnswer> answers, InetAddress address) {
    InetAddress wanted = Addresses.unmap(address);
    for (DnsAnswer answer : answers) {
      for (DnsRecord.Address record : answer.recordsOf(DnsRecord.Address.class)) {
        if (Addresses.unmap(record.address()).equals(wanted)) {
          return true;
        }
      }
    }
    return false;
  }

  public Status status() {
    if (confirmedName.isPresent()) {
      return Status.CONFIRMED;
    }
    if (ptr.status().isEmptyAnswer()) {
      return Status.NO_PTR;
    }
    if (!ptr.status().isDefinite()) {
      return Status.UNKNOWN;
    }
    for (List<DnsAnswer> answers : forward.values()) {
      for (DnsAnswer answer : answers) {
        if (!answer.status().isDefinite()) {
          return Status.UNKNOWN;
        }
      }
    }
    return Status.NOT_CONFIRMED;
  }

  /** The PTR names in the order DNS gave them. */
  public List<String> names() {
    return ptr.recordsOf(DnsRecord.Name.class).stream().map(DnsRecord.Name::name).toList();
  }

  /** The name to show for the client: the confirmed name, else "unknown" as Postfix logs it. */
  public String displayName() {
    return confirmedName.orElse("unknown");
  }
}
