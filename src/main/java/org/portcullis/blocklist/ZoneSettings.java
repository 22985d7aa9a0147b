package org.portcullis.blocklist;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import org.portcullis.mail.Cidr;

/**
 * What the DNSBL server serves and where, from {@code [dnsbl-server]}.
 *
 * @param enabled whether to run it at all
 * @param listen the UDP and TCP address (default 127.0.0.1:5300)
 * @param zone the zone served, e.g. {@code bl.example.test}
 * @param nameServers the NS names at the apex (the first is the SOA's primary)
 * @param hostmaster the SOA's responsible mailbox as an address ({@code hostmaster@example.test})
 * @param ttl the TTL of A and TXT answers
 * @param negativeTtl the SOA minimum: how long resolvers cache "not listed"
 * @param txtTemplate the TXT text: {@code {category}} is the category's description, {@code $}
 *     the queried address (as in rbldnsd)
 * @param axfrClients who may transfer the zone (secondaries such as rbldnsd mirrors, NSD, BIND)
 * @param udpThreads threads receiving UDP (0: one per core)
 * @param batched whether to use recvmmsg/sendmmsg (Linux) rather than one system call per packet
 * @param tcpConnectionsMax concurrent TCP connections
 * @param tcpIdleTimeout how long a TCP connection may wait for a query, and how long one query may take to
 *     arrive whole (a total: a client dripping a byte at a time is cut off)
 * @param tcpConnectionsPerClientMax concurrent TCP connections from one address
 */
public record ZoneSettings(boolean enabled, InetSocketAddress listen, String zone, List<String> nameServers,
    String hostmaster, Duration ttl, Duration negativeTtl, String txtTemplate, List<Cidr> axfrClients,
    int udpThreads, boolean batched, int tcpConnectionsMax, Duration tcpIdleTimeout, int tcpConnectionsPerClientMax) {

  public static final String DEFAULT_TXT = "Listed on {zone} as {category}; see {portal}/lookup/$";

  public ZoneSettings {
    nameServers = List.copyOf(nameServers);
    axfrClients = List.copyOf(axfrClients);
    if (nameServers.isEmpty()) {
      throw new IllegalArgumentException("the zone needs at least one name server");
    }
  }
}
