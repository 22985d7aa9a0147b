package org.portcullis.app;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.portcullis.blocklist.Blocklist;
import org.portcullis.blocklist.ListingState;
import org.portcullis.config.PortcullisConfig;
import org.portcullis.diagnose.CalloutProbe;
import org.portcullis.diagnose.Diagnosis;
import org.portcullis.diagnose.DnsListProbe;
import org.portcullis.diagnose.ForwardConfirmedProbe;
import org.portcullis.diagnose.FqdnProbe;
import org.portcullis.diagnose.GenericNameProbe;
import org.portcullis.diagnose.GreylistHistoryProbe;
import org.portcullis.diagnose.HeloMatchProbe;
import org.portcullis.diagnose.MxProbe;
import org.portcullis.diagnose.OwnListProbe;
import org.portcullis.diagnose.PtrProbe;
import org.portcullis.diagnose.SameAddressProbe;
import org.portcullis.diagnose.SmtpProbe;
import org.portcullis.diagnose.SpfProbe;
import org.portcullis.diagnose.SpfRecordProbe;
import org.portcullis.diagnose.TtlProbe;
import org.portcullis.dns.DnsResolver;
import org.portcullis.dns.DnsjavaResolver;
import org.portcullis.greylist.GreylistSettings;
import org.portcullis.greylist.GreylistStore;
import org.portcullis.greylist.Triplet;
import org.portcullis.policy.checks.ClientGenericPtrCheck;
import org.portcullis.spf.SpfEvaluator;

/**
 * The diagnosis as the gateway would judge: its resolver, its {@code client-generic-ptr}
 * patterns, its DNS lists and SPF evaluator with their settings, in the order of seed 001's list.
 */
public final class Diagnoses {

  private Diagnoses() {}

  /** Without our own blocklist and greylist (benchmarks, and tests of the DNS probes). */
  public static Diagnosis of(PortcullisConfig config, DnsResolver dns, Clock clock) {
    return of(config, dns, clock, Optional.empty(), Optional.empty());
  }

  /**
   * @param own our own blocklist, asked when {@code blocklist.enabled}
   * @param greylist our greylist's records, read for the server's history when {@code greylist.enabled}
   */
  public static Diagnosis of(PortcullisConfig config, DnsResolver dns, Clock clock, Optional<Blocklist> own,
      Optional<GreylistStore> greylist) {
    List<Diagnosis.Entry> probes = new ArrayList<>();
    probes.add(new Diagnosis.Entry(PtrProbe.ID, new PtrProbe()));
    probes.add(new Diagnosis.Entry(ForwardConfirmedProbe.ID, new ForwardConfirmedProbe()));
    probes.add(new Diagnosis.Entry(GenericNameProbe.ID, new GenericNameProbe(new ClientGenericPtrCheck(
        config.policy().checks().get(ClientGenericPtrCheck.NAME).patterns()))));
    probes.add(new Diagnosis.Entry(FqdnProbe.ID, new FqdnProbe()));
    probes.add(new Diagnosis.Entry(HeloMatchProbe.ID, new HeloMatchProbe()));
    SpfEvaluator spf = new SpfEvaluator(dns, config.spf().timeout());
    probes.add(new Diagnosis.Entry(SpfRecordProbe.ID, new SpfRecordProbe()));
    probes.add(new Diagnosis.Entry("spf.mailfrom", new SpfProbe(spf, false)));
    probes.add(new Diagnosis.Entry("spf.helo", new SpfProbe(spf, true)));
    probes.add(new Diagnosis.Entry(MxProbe.ID, new MxProbe()));
    probes.add(new Diagnosis.Entry("ttl", new TtlProbe(config.diagnose().dnsPort(),
        config.diagnose().allowPrivateTargets(), server -> new DnsjavaResolver(List.of(server),
            java.time.Duration.ofSeconds(2), 1, 0))));
    probes.add(new Diagnosis.Entry(SameAddressProbe.ID, new SameAddressProbe()));
    PortcullisConfig.Diagnose d = config.diagnose();
    probes.add(new Diagnosis.Entry("smtp.banner", new SmtpProbe(new SmtpProbe.Settings(d.smtpPort(),
        d.connectTimeout(), d.bannerTimeout(), d.allowPrivateTargets(), config.server().hostname()))));
    probes.add(new Diagnosis.Entry("callout", new CalloutProbe(new CalloutProbe.Settings(d.smtpPort(),
        d.connectTimeout(), d.bannerTimeout(), d.allowPrivateTargets(), config.server().hostname()))));
    Policies.dnsblLookups(config, dns, clock).ifPresent(lists -> probes.add(new Diagnosis.Entry("dnsbl",
        new DnsListProbe(lists))));
    own.filter(b -> config.blocklist().enabled()).ifPresent(b -> probes.add(new Diagnosis.Entry(OwnListProbe.ID,
        new OwnListProbe(config.blocklist().zone(), config.web().publicUrl(), ip -> listed(b, ip)))));
    greylist.filter(g -> config.greylist().enabled()).ifPresent(g -> probes.add(new Diagnosis.Entry(
        GreylistHistoryProbe.ID, new GreylistHistoryProbe((ip, ptr) -> history(g, config.greylist(), ip, ptr, clock),
            clock))));
    return new Diagnosis(probes, dns, config.diagnose().timeout(), clock);
  }

  /** The greylist's records under the key greylisting files this client under. */
  private static GreylistHistoryProbe.History history(GreylistStore store, GreylistSettings settings,
      java.net.InetAddress ip, Optional<String> confirmedPtr, Clock clock) {
    String key = Triplet.client(ip, confirmedPtr, settings);
    return new GreylistHistoryProbe.History(key, store.history(key, clock.instant().minus(GreylistHistoryProbe.WINDOW),
        10_000).stream().map(e -> new GreylistHistoryProbe.Delivery(e.firstSeen(), e.lastSeen(), e.passed(),
            e.attempts())).toList());
  }

  private static Optional<OwnListProbe.Listed> listed(Blocklist blocklist, java.net.InetAddress ip) {
    return blocklist.active(ip).map(l -> new OwnListProbe.Listed(l.network().toString(), l.category().label(),
        l.firstListed(), l.lastEvidence(), l.state() != ListingState.PERMANENT
            && l.selfDelistings() < blocklist.settings().selfServiceLimit() && l.network().isHost()));
  }
}
