package org.portcullis.policy.checks;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.portcullis.dns.ReverseDns;
import org.portcullis.dnsbl.DnsblReport;
import org.portcullis.dnsbl.DnsblZone;
import org.portcullis.dnsbl.ZoneResult;
import org.portcullis.greylist.Greylist;
import org.portcullis.greylist.GreylistEntry;
import org.portcullis.greylist.GreylistRules;
import org.portcullis.greylist.Triplet;
import org.portcullis.mail.EnhancedStatus;
import org.portcullis.mail.MailPath;
import org.portcullis.mail.Recipient;
import org.portcullis.policy.CheckContext;
import org.portcullis.policy.ClientLookup;
import org.portcullis.policy.Explanation;
import org.portcullis.policy.Phase;
import org.portcullis.policy.RefusalKind;
import org.portcullis.policy.Verdict;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code greylist}: RFC 6647 greylisting ("your server must retry").
 *
 * <p>Phases RCPT and DATA. The triplet is (client network or forward-confirmed PTR organisation,
 * normalised sender, recipient). A new triplet is deferred with {@code 451 4.7.1}; a retry after
 * {@code greylist.delay} and within {@code greylist.retry-window} passes, and is remembered for
 * {@code greylist.passed-lifetime}; a client with {@code greylist.auto-whitelist-passes} passed
 * triplets passes for every sender. Bounces (null sender) are judged at DATA, so sender-verify
 * callouts keep working. Skipped for LAN and authenticated clients, clients on a DNS allowlist,
 * and, with {@code greylist.only-suspicious}, clients that look clean. A store error is a
 * temporary failure (the chain's rule for exceptions), never a pass.
 */
public final class GreylistCheck extends CatalogCheck {

  private static final Logger log = LoggerFactory.getLogger("portcullis.greylist");
  private static final EnhancedStatus GREYLISTED = EnhancedStatus.parse("4.7.1");

  public static final String NAME = "greylist";

  private final Greylist greylist;
  private final ClientLookup<DnsblReport> dnsbl;
  private final ClientGenericPtrCheck generic;

  public GreylistCheck(Optional<Greylist> greylist, Optional<ClientLookup<DnsblReport>> dnsbl,
      List<String> genericPatterns) {
    super(NAME, Judges.STRANGERS, Phase.RCPT, Phase.DATA);
    this.greylist = greylist.filter(g -> g.settings().enabled()).orElse(null);
    this.dnsbl = dnsbl.orElse(null);
    this.generic = new ClientGenericPtrCheck(genericPatterns);
  }

  @Override
  protected Verdict judge(CheckContext context) {
    if (greylist == null) {
      return Verdict.CONTINUE;
    }
    boolean bounce = context.session().sender().map(MailPath::isNull).orElse(false);
    boolean atData = bounce && greylist.settings().nullSenderAtData();
    Recipient recipient;
    if (context.phase() == Phase.RCPT) {
      if (atData || context.recipient().isEmpty()) {
        return Verdict.CONTINUE;
      }
      recipient = context.recipient().get();
    } else {
      if (!atData || context.session().acceptedRecipients().isEmpty()) {
        return Verdict.CONTINUE;
      }
      recipient = context.session().acceptedRecipients().getFirst();
    }
    List<ZoneResult> lists = dnsblResults(context);
    if (lists.stream().anyMatch(r -> r.listed() && r.zone().type() == DnsblZone.Type.ALLOW)) {
      return Verdict.CONTINUE;
    }
    Optional<String> confirmed = Optional.empty();
    if (greylist.settings().groupByPtrDomain() || greylist.settings().onlySuspicious()) {
      ReverseDns rdns = context.await(context.session().client().reverseDns());
      confirmed = rdns.status() == ReverseDns.Status.CONFIRMED ? Optional.of(rdns.displayName()) : Optional.empty();
      if (greylist.settings().onlySuspicious() && !suspicious(context, confirmed, lists)) {
        return Verdict.CONTINUE;
      }
    }
    String client = Triplet.client(context.session().client().address(), confirmed, greylist.settings());
    if (greylist.clientWhitelisted(client)) {
      return Verdict.CONTINUE;
    }
    Triplet triplet = new Triplet(client, Triplet.sender(context.session().sender().flatMap(MailPath::mailbox)),
        Triplet.recipient(recipient.address()));
    Greylist.Outcome outcome = greylist.attempt(triplet);
    if (outcome.decision() instanceof GreylistRules.Decision.Defer defer) {
      long seconds = Math.max(1, defer.retryIn().toSeconds());
      Explanation explanation = Observed.client(context)
          .fact("triplet", "client " + triplet.client() + ", sender " + triplet.sender() + ", recipient "
              + triplet.recipient())
          .fact("first seen", defer.entry().firstSeen().toString())
          .fact("this attempt", defer.reason() + " (attempt " + defer.entry().attempts() + ")")
          .fact("a retry passes", "from " + defer.entry().firstSeen().plus(greylist.settings().delay()) + " until "
              + defer.entry().firstSeen().plus(greylist.settings().retryWindow()))
          .rule("Greylisting (RFC 6647): mail from a sender, client and recipient not seen together before is "
                  + "deferred once. Real mail servers retry (RFC 5321 4.5.4.1); most spam software does not.",
              "Nothing to do for a standards-compliant server: it retries, and the retry after "
                  + delay(greylist.settings().delay()) + " is accepted; later mail from the same sender passes "
                  + "at once. If your server never retries, its queue handling is broken; if it retries from "
                  + "many different addresses, give them reverse DNS names in one domain.");
      return new Verdict.Tempfail(RefusalKind.LOCAL_ERROR, GREYLISTED,
          "Greylisted, retry in " + seconds + (seconds == 1 ? " second" : " seconds"), explanation);
    }
    if (outcome.decision() instanceof GreylistRules.Decision.Pass pass && pass.firstPass()) {
      // Deferrals are logged with their reference by the renderer; a first pass is logged here.
      GreylistEntry entry = pass.entry();
      log.info("greylist pass client={} triplet=\"{} {} {}\" after={}s attempts={}{}",
          context.session().client().addressText(), triplet.client(), triplet.sender(), triplet.recipient(),
          Duration.between(entry.firstSeen(), entry.lastSeen()).toSeconds(), entry.attempts(),
          outcome.clientWhitelisted() ? " client-whitelisted (" + outcome.clientPasses() + " passes)" : "");
    }
    return Verdict.CONTINUE;
  }

  private List<ZoneResult> dnsblResults(CheckContext context) {
    if (dnsbl == null) {
      return List.of();
    }
    Optional<DnsblReport> report = context.session().client().started(dnsbl);
    if (report.isEmpty()) {
      return List.of();
    }
    return report.get().results().stream().map(context::await).toList();
  }

  private boolean suspicious(CheckContext context, Optional<String> confirmed, List<ZoneResult> lists) {
    if (confirmed.isEmpty()) {
      return true;
    }
    if (generic.genericReason(confirmed.get(), context.session().client().address()).isPresent()) {
      return true;
    }
    return lists.stream().anyMatch(r -> r.listed() && r.zone().type() != DnsblZone.Type.ALLOW);
  }

  private static String delay(Duration d) {
    long n = d.toSeconds() % 60 == 0 ? d.toMinutes() : d.toSeconds();
    return n + (d.toSeconds() % 60 == 0 ? " minute" : " second") + (n == 1 ? "" : "s");
  }
}
