package org.portcullis.policy;

import java.net.InetAddress;
import java.util.function.Function;

/**
 * Work to start for a client the moment it connects, so that its answer is ready (or nearly)
 * when a check needs it: DNSBL queries, for one. The engine starts every configured lookup in
 * {@link PolicyEngine#client}; a check reads its result with {@link ClientInfo#started}.
 *
 * @param name what it is, for logs
 * @param start starts the work for an address and returns its handle (usually futures); must
 *     not block
 */
public record ClientLookup<T>(String name, Function<InetAddress, T> start) {}
