package org.portcullis.dns;

import java.util.concurrent.CompletableFuture;

/**
 * The gateway's only way to ask DNS. Checks see this interface, never dnsjava or
 * {@code InetAddress.getByName}.
 *
 * <p>Contract: implementations are thread-safe; {@link #lookup} never blocks and its future never
 * completes exceptionally: timeouts, server failures and malformed answers are reported as a
 * {@link DnsAnswer} with the matching {@link DnsStatus}, so that callers must decide what
 * "unknown" means (it never means "pass").
 */
public interface DnsResolver {

  /**
   * Looks up {@code name} (with or without the trailing dot, any case) for records of {@code type}.
   */
  CompletableFuture<DnsAnswer> lookup(String name, DnsType type);
}
