package org.portcullis.app;

import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.portcullis.config.PortcullisConfig;
import org.portcullis.dns.DnsResolver;
import org.portcullis.mail.Addresses;
import org.portcullis.policy.CheckSettings;
import org.portcullis.policy.LocalSite;
import org.portcullis.policy.PolicyChain;
import org.portcullis.policy.PolicyEngine;
import org.portcullis.policy.References;
import org.portcullis.policy.RefusalLog;
import org.portcullis.policy.ReplyRenderer;
import org.portcullis.policy.checks.CheckCatalog;

/** Builds the policy engine of a listener from the configuration. */
public final class Policies {

  private Policies() {}

  /** Who we are: host name, domains, LAN, our own addresses (interfaces and the listen address). */
  public static LocalSite site(PortcullisConfig config) {
    Set<InetAddress> local = new HashSet<>(interfaceAddresses());
    InetAddress listen = config.smtp().listen().getAddress();
    if (listen != null && !listen.isAnyLocalAddress()) {
      local.add(Addresses.unmap(listen));
    }
    return new LocalSite(config.server().hostname(), new LinkedHashSet<>(config.mail().acceptedDomains()),
        config.mail().lanNetworks(), local, new LinkedHashSet<>(config.mail().alwaysReachable()),
        config.delivery().smarthost().isPresent());
  }

  public static PolicyChain chain(PortcullisConfig config, LocalSite site) {
    CheckCatalog.Parameters parameters = new CheckCatalog.Parameters(site,
        config.policy().checks().get("client-generic-ptr").patterns(), new LinkedHashSet<>(config.mail().knownRecipients()));
    List<PolicyChain.Entry> entries = new ArrayList<>();
    for (CheckCatalog.Entry entry : CheckCatalog.ENTRIES) {
      PortcullisConfig.CheckConfig settings = config.policy().checks().get(entry.name());
      entries.add(new PolicyChain.Entry(entry.factory().apply(parameters),
          new CheckSettings(settings.mode(), settings.onReject(), settings.timeout())));
    }
    return new PolicyChain(entries);
  }

  public static PolicyEngine engine(PortcullisConfig config, DnsResolver dns, RefusalLog refusals, Clock clock) {
    LocalSite site = site(config);
    ReplyRenderer renderer = new ReplyRenderer(config.server().hostname(), new References(clock), refusals, clock);
    return new PolicyEngine(chain(config, site), renderer, config.policy().exceptions(), site, dns, clock,
        config.smtp().delayReject());
  }

  private static Set<InetAddress> interfaceAddresses() {
    Set<InetAddress> out = new HashSet<>();
    try {
      Enumeration<NetworkInterface> interfaces = NetworkInterface.getNetworkInterfaces();
      while (interfaces != null && interfaces.hasMoreElements()) {
        Enumeration<InetAddress> addresses = interfaces.nextElement().getInetAddresses();
        while (addresses.hasMoreElements()) {
          InetAddress address = addresses.nextElement();
          if (!address.isLinkLocalAddress()) {
            out.add(Addresses.unmap(address));
          }
        }
      }
    } catch (SocketException e) {
      // no interface list: only the listen address counts as ours
    }
    return out;
  }
}
