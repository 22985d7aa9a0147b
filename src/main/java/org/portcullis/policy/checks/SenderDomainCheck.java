package org.portcullis.policy.checks;

import java.util.List;
import org.portcullis.dns.DnsAnswer;
import org.portcullis.dns.DnsRecord;
import org.portcullis.dns.DnsStatus;
import org.portcullis.dns.DnsType;
import org.portcullis.dns.HostAddresses;
import org.portcullis.mail.EmailAddress;
import org.portcullis.policy.CheckContext;
import org.portcullis.policy.Explanation;
import org.portcullis.policy.Phase;
import org.portcullis.policy.Verdict;

/**
 * {@code sender-domain}: the sender's domain must be able to receive replies: it needs an MX
 * record, or an A/AAAA record (the implicit MX of RFC 5321 5.1), and no null MX (RFC 7505).
 * Postfix {@code reject_unknown_sender_domain}; the operators' best practice "Valid MAIL FROM:
 * Address".
 *
 * <p>Phase MAIL. Lookups: MX, then A and AAAA if there is no MX. Verdicts: NXDOMAIN: 550 5.1.8;
 * the domain exists with neither MX nor address: 550 5.1.8; null MX: 550 5.7.27; a failed lookup
 * (SERVFAIL, timeout): 450 4.1.8. The null sender and LAN/authenticated clients are not judged;
 * address literals are left to {@code sender-ip-literal}.
 */
public final class SenderDomainCheck extends SenderCheck {

  public static final String NAME = "sender-domain";

  public SenderDomainCheck() {
    super(NAME, Phase.MAIL);
  }

  @Override
  protected Verdict judgeSender(CheckContext context, EmailAddress sender) {
    if (sender.isDomainLiteral()) {
      return Verdict.CONTINUE;
    }
    EmailAddress address = sender;
    String domain = java.net.IDN.toASCII(address.domain());
    DnsAnswer mx = context.await(context.dns().lookup(domain, DnsType.MX));
    Explanation.Builder facts = Observed.client(context).fact("sender", "<" + address + ">")
        .fact("MX of " + domain, Observed.ptrAnswerText(mx));
    if (mx.status() == DnsStatus.NOERROR) {
      List<DnsRecord.Mx> records = mx.recordsOf(DnsRecord.Mx.class);
      if (records.size() == 1 && records.getFirst().isNullMx()) {
        return Verdict.reject("5.7.27", "Sender address <" + address + "> is in a domain that accepts no mail (null MX)",
            facts.rule("The domain " + domain + " publishes a null MX (RFC 7505): it says it never receives "
                    + "mail, so bounces and replies to this sender could never be delivered. RFC 7505 4.2 lets "
                    + "receivers refuse such senders.",
                "Send from an address whose domain can receive mail, or remove the null MX record of "
                    + domain + " and publish the real MX."));
      }
      return Verdict.CONTINUE;
    }
    if (!mx.status().isDefinite()) {
      return temporary(address, facts);
    }
    if (mx.status() == DnsStatus.NXDOMAIN) {
      return Verdict.reject("5.1.8", "Sender address <" + address + ">: domain " + domain + " does not exist",
          facts.rule("Mail must come from a domain that exists, so that replies and bounces can reach the "
                  + "sender (RFC 5321 3.3, mail operators' best practice \"Valid MAIL FROM: Address\"). DNS says "
                  + domain + " does not exist (NXDOMAIN).",
              "Check the sender address for typing errors, and configure the mail client or server to use "
                  + "a real address. If the domain is new, make sure it is registered and delegated, and "
                  + "publish MX records for it."));
    }
    List<DnsAnswer> addresses = context.await(HostAddresses.lookup(context.dns(), domain));
    facts.fact("addresses of " + domain, Observed.answersText(addresses));
    if (addresses.stream().anyMatch(a -> !a.records().isEmpty())) {
      return Verdict.CONTINUE;
    }
    if (!addresses.stream().allMatch(a -> a.status().isDefinite())) {
      return temporary(address, facts);
    }
    return Verdict.reject("5.1.8", "Sender address <" + address + ">: domain " + domain + " has no MX or A record",
        facts.rule("A sender domain must be able to receive replies and bounces: it needs an MX record, or at "
                + "least an A/AAAA record (RFC 5321 5.1). " + domain + " exists but has neither.",
            "Publish MX records for " + domain + " naming the servers that receive its mail (and A/AAAA "
                + "records for those servers), with a TTL of at least a few hours. A temporary DNS failure "
                + "is retried automatically; this one is not temporary."));
  }

  private static Verdict temporary(EmailAddress address, Explanation.Builder facts) {
    return Verdict.tempfail("4.1.8", "Sender address <" + address + ">: domain lookup failed temporarily",
        facts.rule("The DNS lookup of the sender's domain did not get an answer (timeout or server failure); "
                + "an unknown result is never treated as a pass.",
            "Nothing to do if the domain's DNS is healthy: your server retries and the message goes through "
                + "once the lookup answers. If it persists, check the domain's name servers."));
  }
}
