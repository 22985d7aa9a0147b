package org.portcullis.policy.checks;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.portcullis.blocklist.LiveListings;
import org.portcullis.dkim.DkimVerifier;
import org.portcullis.dmarc.DmarcEvaluator;
import org.portcullis.dmarc.DmarcTally;
import org.portcullis.dnsbl.DnsblReport;
import org.portcullis.greylist.Greylist;
import org.portcullis.lists.AccessLists;
import org.portcullis.mail.EmailAddress;
import org.portcullis.policy.Check;
import org.portcullis.policy.CheckMode;
import org.portcullis.policy.ClientLookup;
import org.portcullis.policy.LocalSite;
import org.portcullis.policy.ProtocolProblem;
import org.portcullis.policy.RejectAction;
import org.portcullis.policy.TagKind;
import org.portcullis.scan.ClamdScanner;
import org.portcullis.scan.RspamdScanner;
import org.portcullis.scan.SpamdScanner;
import org.portcullis.spf.SpfEvaluator;

/**
 * Every check the gateway has, in chain order, with its default mode and rejection action and how
 * to build it. Within a phase, checks run in this order; the first decisive verdict wins.
 */
public final class CheckCatalog {

  /**
   * What a check may need to be built.
   *
   * @param dnsbl the DNS list lookups started at connect (empty: no zones configured)
   * @param listings our own blocklist (empty: disabled or no store, as in policy-test)
   */
  public record Parameters(LocalSite site, List<String> genericPtrPatterns, org.portcullis.policy.RecipientDirectory recipients,
      Optional<ClientLookup<DnsblReport>> dnsbl, double dnsblThreshold, String dnsblReply,
      Optional<LiveListings> listings, String blocklistZone, String publicUrl, Set<EmailAddress> spamTraps,
      boolean trapsAtData, Optional<Greylist> greylist, Optional<AccessLists> lists, Optional<SpfEvaluator> spf,
      boolean spfRejectsFail, boolean spfChecksHelo, Optional<DkimVerifier> dkim, Set<String> dkimRequiredFrom,
      Optional<DmarcEvaluator> dmarc, DmarcCheck.Settings dmarcSettings, java.util.function.DoubleSupplier dmarcSample,
      Optional<DmarcTally> dmarcTally, ScanCheck.Scanners scanners, Verifiers verifiers,
      Optional<org.portcullis.probe.RetryProbes> probes) {}

  /**
   * Who verifies addresses ({@code [verify]}).
   *
   * @param recipients our recipients, at the next hop or in the directory (empty: not verified)
   * @param senders strangers' senders, by callout (empty: {@code verify.sender = false})
   * @param timeout {@code verify.timeout-seconds}: the longest a check waits for an answer
   * @param share verifications one client network may have in flight (a quarter of {@code verify.concurrency})
   */
  public record Verifiers(Optional<org.portcullis.verify.AddressVerifier> recipients,
      Optional<org.portcullis.verify.AddressVerifier> senders, java.time.Duration timeout,
      org.portcullis.verify.NetworkShare share) {
    public static final Verifiers NONE = new Verifiers(Optional.empty(), Optional.empty(),
        java.time.Duration.ofSeconds(10), org.portcullis.verify.NetworkShare.of(20));
  }

  /**
   * A check's name, defaults and factory.
   *
   * @param tagKind what its findings say when it is softened to tag: spam signs, but a HELO/PTR
   *     mismatch is information (RFC 5321 4.1.4)
   */
  public record Entry(String name, CheckMode mode, RejectAction onReject, Function<Parameters, Check> factory,
      TagKind tagKind) {}

  public static final List<Entry> ENTRIES = List.of(
      entry(PregreetCheck.NAME, RejectAction.REJECT, p -> new PregreetCheck()),
      entry(PipeliningCheck.NAME, RejectAction.REJECT, p -> new PipeliningCheck()),
      entry(DenyListCheck.NAME, RejectAction.REJECT, p -> new DenyListCheck(p.lists())),
      entry(OwnBlocklistCheck.NAME, RejectAction.REJECT,
          p -> new OwnBlocklistCheck(p.listings(), p.blocklistZone(), p.publicUrl())),
      entry(DnsblCheck.NAME, RejectAction.REJECT, p -> new DnsblCheck(p.dnsbl(), p.dnsblThreshold(), p.dnsblReply())),
      entry(ClientPtrCheck.NAME, RejectAction.REJECT, p -> new ClientPtrCheck()),
      entry(ClientFcrdnsCheck.NAME, RejectAction.REJECT, p -> new ClientFcrdnsCheck()),
      entry(ClientGenericPtrCheck.NAME, RejectAction.REJECT, p -> new ClientGenericPtrCheck(p.genericPtrPatterns())),
      entry(HeloRequiredCheck.NAME, RejectAction.REJECT, p -> new HeloRequiredCheck()),
      entry(HeloSyntaxCheck.NAME, RejectAction.REJECT, p -> new HeloSyntaxCheck()),
      entry(HeloFqdnCheck.NAME, RejectAction.REJECT, p -> new HeloFqdnCheck()),
      entry(HeloLiteralCheck.NAME, RejectAction.REJECT, p -> new HeloLiteralCheck()),
      entry(HeloOursCheck.NAME, RejectAction.REJECT, p -> new HeloOursCheck(p.site())),
      entry(HeloResolvesCheck.NAME, RejectAction.TEMPFAIL, p -> new HeloResolvesCheck()),
      entry(HeloPtrMatchCheck.NAME, RejectAction.TAG, p -> new HeloPtrMatchCheck()),
      entry(RelayControlCheck.NAME, RejectAction.REJECT, p -> new RelayControlCheck(p.site())),
      // Before the recipient checks: a probe address is no mailbox, and the probe is its own greylisting.
      entry(RetryProbeCheck.NAME, RejectAction.REJECT, p -> new RetryProbeCheck(p.probes())),
      entry(SpamTrapCheck.NAME, RejectAction.REJECT,
          p -> new SpamTrapCheck(new java.util.LinkedHashSet<>(p.spamTraps()), p.trapsAtData(), p.blocklistZone(),
              p.publicUrl())),
      entry(RecipientKnownCheck.NAME, RejectAction.REJECT, p -> new RecipientKnownCheck(p.site(), p.recipients())),
      entry(RecipientVerifyCheck.NAME, RejectAction.REJECT,
          p -> new RecipientVerifyCheck(p.site(), p.verifiers().recipients(), p.verifiers().timeout(),
              p.verifiers().share())),
      entry(EnvelopeSyntaxCheck.NAME, RejectAction.REJECT, p -> new EnvelopeSyntaxCheck()),
      entry(SenderIpLiteralCheck.NAME, RejectAction.REJECT, p -> new SenderIpLiteralCheck()),
      entry(SenderClaimsLocalCheck.NAME, RejectAction.REJECT, p -> new SenderClaimsLocalCheck(p.site())),
      entry(SenderDomainCheck.NAME, RejectAction.REJECT, p -> new SenderDomainCheck()),
      entry(NullSenderCheck.NAME, RejectAction.REJECT, p -> new NullSenderCheck()),
      entry(MailFromSelfCheck.NAME, RejectAction.REJECT, p -> new MailFromSelfCheck()),
      entry(SpfCheck.NAME, RejectAction.REJECT, p -> new SpfCheck(p.spf(), p.spfRejectsFail(), p.spfChecksHelo(),
          p.site().hostname())),
      entry(DkimCheck.NAME, RejectAction.REJECT, p -> new DkimCheck(p.dkim(), p.dkimRequiredFrom())),
      entry(DmarcCheck.NAME, RejectAction.REJECT, p -> new DmarcCheck(p.dmarc(), p.site(), p.dmarcSettings(), p.dmarcSample(), p.dmarcTally())),
      entry(ClamdScanner.NAME, RejectAction.REJECT,
          p -> new ScanCheck(ClamdScanner.NAME, p.scanners().clamd(), p.scanners().onFailure(), true)),
      entry(SpamdScanner.NAME, RejectAction.REJECT,
          p -> new ScanCheck(SpamdScanner.NAME, p.scanners().spamd(), p.scanners().onFailure(), false)),
      entry(RspamdScanner.NAME, RejectAction.REJECT,
          p -> new ScanCheck(RspamdScanner.NAME, p.scanners().rspamd(), p.scanners().onFailure(), false)),
      entry(GreylistCheck.NAME, RejectAction.TEMPFAIL,
          p -> new GreylistCheck(p.greylist(), p.dnsbl(), p.genericPtrPatterns())),
      // After greylisting: a sender that never retries never makes us call anyone.
      entry(SenderVerifyCheck.NAME, RejectAction.REJECT,
          p -> new SenderVerifyCheck(p.site(), p.verifiers().senders(), p.verifiers().timeout(),
              p.verifiers().share())),
      // Asked by the protocol layer when it meets the problem, not run in the chain's order.
      entry(ConnectionLimitCheck.NAME, RejectAction.REJECT, p -> new ConnectionLimitCheck()),
      entry(ProtocolProblem.MalformedAddress.CHECK, RejectAction.REJECT,
          p -> new MalformedAddressCheck(ProtocolProblem.MalformedAddress.CHECK)),
      entry(ProtocolProblem.MalformedAddress.CHECK_FULL_ADDRESS, RejectAction.REJECT,
          p -> new MalformedAddressCheck(ProtocolProblem.MalformedAddress.CHECK_FULL_ADDRESS)),
      entry(SenderLoginCheck.NAME, RejectAction.REJECT, p -> new SenderLoginCheck()));

  /** Checks whose mode and action cannot be changed, each with the reason given when one tries. */
  private static final Map<String, String> FIXED_BECAUSE = Map.of(
      RelayControlCheck.NAME, "turning it off or softening it would make an open relay",
      ConnectionLimitCheck.NAME, "the limits keep one sender from tying up the server; change "
          + "limits.connections-per-client-max or limits.connections-per-network-max instead",
      ProtocolProblem.MalformedAddress.CHECK, "the server cannot go on with an address it cannot read",
      ProtocolProblem.MalformedAddress.CHECK_FULL_ADDRESS, "the server cannot route an address without a domain");

  /** Checks whose mode and action cannot be changed: relaying is never opened by configuration. */
  public static final Set<String> FIXED = FIXED_BECAUSE.keySet();

  /** Checks asked by the protocol layer: exceptions, allow entries and whitelists do not apply to them. */
  public static final Set<String> PROTOCOL = Set.of(ConnectionLimitCheck.NAME, ProtocolProblem.MalformedAddress.CHECK,
      ProtocolProblem.MalformedAddress.CHECK_FULL_ADDRESS, SenderLoginCheck.NAME);

  /** Checks that no exception, allow entry or whitelist can skip. */
  public static final Set<String> UNSKIPPABLE = union(Set.of(RelayControlCheck.NAME, DenyListCheck.NAME), PROTOCOL);

  /** Checks that may never reject: RFC 5321 4.1.4 forbids refusing mail for a HELO/PTR mismatch. */
  public static final Set<String> NEVER_REJECT = Set.of(HeloPtrMatchCheck.NAME);

  /** Checks with a {@code patterns} key. */
  public static final Set<String> WITH_PATTERNS = Set.of(ClientGenericPtrCheck.NAME);

  private CheckCatalog() {}

  /** Why a fixed check's mode and action cannot be changed; empty for every other check. */
  public static Optional<String> whyFixed(String name) {
    return Optional.ofNullable(FIXED_BECAUSE.get(name));
  }

  private static Set<String> union(Set<String> a, Set<String> b) {
    Set<String> all = new java.util.HashSet<>(a);
    all.addAll(b);
    return Set.copyOf(all);
  }

  private static Entry entry(String name, RejectAction onReject, Function<Parameters, Check> factory) {
    return new Entry(name, CheckMode.ENFORCE, onReject, factory,
        name.equals(HeloPtrMatchCheck.NAME) ? TagKind.INFO : TagKind.SPAM);
  }

  public static List<String> names() {
    return ENTRIES.stream().map(Entry::name).toList();
  }

  public static Optional<Entry> find(String name) {
    return ENTRIES.stream().filter(e -> e.name().equals(name)).findFirst();
  }
}
