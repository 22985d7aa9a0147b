package org.portcullis.policy.checks;

import org.portcullis.mail.EmailAddress;
import org.portcullis.mail.EnhancedStatus;
import org.portcullis.policy.CheckContext;
import org.portcullis.policy.Explanation;
import org.portcullis.policy.LocalSite;
import org.portcullis.policy.Phase;
import org.portcullis.policy.RefusalKind;
import org.portcullis.policy.Verdict;

/**
 * {@code relay-control}: never an open relay. Recipients must be in an accepted domain unless the
 * client is on our LAN or authenticated; the classic relay tricks are refused for
 * everyone: percent hack ({@code user%other@ours}), bang paths ({@code other!user@ours}), quoted
 * local parts hiding an {@code @} ({@code "user@other"@ours}), and address literals as recipient
 * domains. Source routes ({@code @ours:user@other}) are ignored as RFC 5321 says, so the real
 * mailbox decides. Syntax tricks ({@code user@other@ours}, trailing dots) never get past the
 * parser.
 *
 * <p>Phase RCPT. No lookups. Verdict: 554 5.7.1. Trusted clients may relay only when an outbound
 * route exists ({@code delivery.smarthost}). This check cannot be turned off or observed
 * (configuration refuses it).
 */
public final class RelayControlCheck extends CatalogCheck {

  public static final String NAME = "relay-control";

  private final LocalSite site;

  public RelayControlCheck(LocalSite site) {
    super(NAME, Judges.EVERYONE, Phase.RCPT);
    this.site = site;
  }

  @Override
  protected Verdict judge(CheckContext context) {
    if (context.recipient().isEmpty()) {
      return Verdict.CONTINUE;
    }
    EmailAddress rcpt = context.recipient().get().address();
    if (!rcpt.hasRoutingCharacters() && !rcpt.isDomainLiteral() && site.isAcceptedDomain(rcpt.domain())) {
      return Verdict.CONTINUE; // the common case, decided before any explanation is built
    }
    Explanation.Builder facts = Observed.client(context).fact("recipient", "<" + rcpt + ">")
        .fact("our domains", site.acceptedDomainsText());
    if (rcpt.hasRoutingCharacters()) {
      return refuse("Relay access denied: routing characters (%, ! or @) in the local part of <" + rcpt + ">",
          facts.fact("why", "the local part \"" + rcpt.localPart() + "\" hides another destination").rule(
              "Addresses such as user%other@ours, other!user@ours and \"user@other\"@ours ask a server to pass "
                  + "mail on to another destination: old relay tricks that spammers still probe for. This server "
                  + "never relays through them (RFC 5321 3.6, RFC 2505 2.6).",
              "Address the recipient directly, user@domain. To send to other domains through this server, "
                  + "authenticate on the submission port (587)."));
    }
    if (rcpt.isDomainLiteral()) {
      return refuse("Relay access denied: address literal <" + rcpt + "> as recipient domain",
          facts.rule("This server takes mail only for its own domains; an address literal names no domain of "
                  + "ours, and accepting it would make the server relay to arbitrary hosts.",
              "Address the recipient at one of our domains (" + site.acceptedDomainsText() + ")."));
    }
    if (context.session().mayRelay()) {
      if (site.outboundRoute()) {
        return Verdict.CONTINUE;
      }
      return refuse("Relay access denied for <" + rcpt + ">: this gateway has no outbound route",
          facts.fact("client is", "trusted to relay (LAN or authenticated)").rule(
              "This gateway only delivers mail for its own domains until an outbound route is configured; "
                  + "accepting mail it cannot deliver would only bounce it later.",
              "The administrator can set delivery.smarthost (the server that sends mail out). Until then, "
                  + "send mail for other domains through your usual outgoing server."));
    }
    return refuse("Relay access denied for <" + rcpt + ">",
        facts.fact("client is", "outside our LAN networks and not authenticated").rule(
            "This server only accepts mail for its own domains from the outside. Passing mail on to other "
                + "domains (relaying) is only for our own users: from our LAN, or authenticated on the "
                + "submission port. A server that relays for anyone is an open relay and is abused by spammers "
                + "(RFC 5321 3.6, RFC 2505).",
            "If you meant to write to a recipient at " + rcpt.domain() + ", send to that domain's own mail "
                + "servers (its MX), not to this one. If you are one of our users, authenticate on the "
                + "submission port (587) to send to other domains."));
  }

  private static Verdict refuse(String reason, Explanation explanation) {
    return new Verdict.Reject(RefusalKind.TRANSACTION, EnhancedStatus.POLICY, reason, explanation);
  }
}
