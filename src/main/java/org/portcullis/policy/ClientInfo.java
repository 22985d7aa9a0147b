package org.portcullis.policy;

import java.net.InetAddress;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.portcullis.dns.ReverseDns;
import org.portcullis.mail.Addresses;

/**
 * Who is connected: the client's address (after PROXY or XCLIENT), whether it is on a LAN
 * network, and its reverse DNS, looked up as soon as the client connects.
 *
 * @param address the client address, IPv4-mapped addresses unmapped
 * @param port the client's source port (0 when unknown)
 * @param lan whether the address is on a configured LAN network (trusted to relay)
 * @param reverseDns the PTR and forward-confirmation lookups, started at connect
 * @param nameOverride a client name given by XCLIENT NAME, which replaces the DNS result in logs
 * @param lookups the {@link ClientLookup}s started at connect, with their handles
 */
public record ClientInfo(InetAddress address, int port, boolean lan,
    CompletableFuture<ReverseDns> reverseDns, Optional<String> nameOverride, Map<ClientLookup<?>, Object> lookups) {

  public ClientInfo {
    address = Addresses.unmap(address);
    lookups = Map.copyOf(lookups);
  }

  /** A client without early lookups beyond reverse DNS. */
  public ClientInfo(InetAddress address, int port, boolean lan, CompletableFuture<ReverseDns> reverseDns,
      Optional<String> nameOverride) {
    this(address, port, lan, reverseDns, nameOverride, Map.of());
  }

  /** The handle of a lookup started at connect, if that lookup is configured. */
  @SuppressWarnings("unchecked")
  public <T> Optional<T> started(ClientLookup<T> lookup) {
    return Optional.ofNullable((T) lookups.get(lookup));
  }

  /** The address as text: {@code 192.0.2.1} or {@code 2001:db8::1}. */
  public String addressText() {
    return Addresses.toText(address);
  }

  /**
   * The client's verified name if the reverse DNS lookup has finished, else "unknown"; never
   * waits. Used for log lines and Received headers.
   */
  public String nameOrUnknown() {
    if (nameOverride.isPresent()) {
      return nameOverride.get();
    }
    ReverseDns done = reverseDns.getNow(null);
    return done == null ? "unknown" : done.displayName();
  }
}
