package org.portcullis.policy;

import java.net.InetAddress;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import org.portcullis.mail.Addresses;
import org.portcullis.mail.Cidr;
import org.portcullis.mail.EmailAddress;

/**
 * Who "we" are: our host name, the domains we accept mail for, our LAN networks (trusted to relay) and
 * our own addresses. Immutable.
 *
 * @param hostname our fully qualified host name (greeting, Received, HELO-impersonation check)
 * @param acceptedDomains the domains we take mail for, lower case
 * @param lanNetworks networks whose clients may relay and are trusted as local
 * @param localAddresses the addresses of this host
 * @param alwaysReachable local parts that are reachable at every accepted domain whatever the
 *     chain says about the client (RFC 5321 4.5.1: postmaster; RFC 2142: abuse)
 * @param outboundRoute whether mail to other domains can leave (by MX or a smarthost)
 */
public record LocalSite(String hostname, Set<String> acceptedDomains, List<Cidr> lanNetworks,
    Set<InetAddress> localAddresses, Set<String> alwaysReachable, boolean outboundRoute) {

  public LocalSite {
    hostname = hostname.toLowerCase(Locale.ROOT);
    acceptedDomains = acceptedDomains.stream().map(d -> d.toLowerCase(Locale.ROOT)).collect(Collectors.toUnmodifiableSet());
    lanNetworks = List.copyOf(lanNetworks);
    localAddresses = localAddresses.stream().map(Addresses::unmap).collect(Collectors.toUnmodifiableSet());
    alwaysReachable = alwaysReachable.stream().map(d -> d.toLowerCase(Locale.ROOT)).collect(Collectors.toUnmodifiableSet());
  }

  public boolean isAcceptedDomain(String domain) {
    return acceptedDomains.contains(domain.toLowerCase(Locale.ROOT));
  }

  public boolean isLan(InetAddress address) {
    for (Cidr network : lanNetworks) {
      if (network.contains(address)) {
        return true;
      }
    }
    return false;
  }

  public boolean isLocalAddress(InetAddress address) {
    return localAddresses.contains(Addresses.unmap(address));
  }

  /** True for postmaster@ (and the other always-reachable local parts) at one of our domains. */
  public boolean isAlwaysReachable(EmailAddress address) {
    return isAcceptedDomain(address.domain()) && !address.hasRoutingCharacters()
        && alwaysReachable.contains(address.localPartLowerCase());
  }

  /** The accepted domains as a sorted, comma-separated list for explanations. */
  public String acceptedDomainsText() {
    return acceptedDomains.stream().sorted().collect(Collectors.joining(", "));
  }
}
