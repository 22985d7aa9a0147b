package org.portcullis.policy.checks;

import java.util.List;
import org.portcullis.dns.DnsAnswer;
import org.portcullis.dns.HostAddresses;
import org.portcullis.mail.HeloName;
import org.portcullis.policy.CheckContext;
import org.portcullis.policy.Phase;
import org.portcullis.policy.Verdict;

/**
 * {@code helo-resolves}: a fully qualified HELO name should have an A or AAAA record (the
 * operators' best practice "Server Identification (HELO) 'should' resolve"; Postfix {@code
 * reject_unknown_helo_hostname}).
 *
 * <p>Phase HELO. Lookups: A and AAAA of the HELO name. Verdicts: neither exists (NXDOMAIN or
 * NODATA): 550 5.7.1, softened to a temporary failure by default ({@code on-reject = "tempfail"},
 * as Postfix does, because the sender's DNS may be in flux); a failed lookup: 450 4.7.1. Non-FQDN
 * names are left to {@code helo-fqdn}. LAN and authenticated clients are not judged.
 */
public final class HeloResolvesCheck extends HeloNameCheck {

  public static final String NAME = "helo-resolves";

  public HeloResolvesCheck() {
    super(NAME);
  }

  @Override
  protected Verdict judgeHelo(CheckContext context, HeloName helo) {
    if (!helo.isFullyQualified()) {
      return Verdict.CONTINUE;
    }
    String name = helo.normalized();
    List<DnsAnswer> answers = context.await(HostAddresses.lookup(context.dns(), name));
    boolean found = answers.stream().anyMatch(a -> !a.records().isEmpty());
    if (found) {
      return Verdict.CONTINUE;
    }
    boolean definite = answers.stream().allMatch(a -> a.status().isDefinite());
    var facts = Observed.client(context).fact("HELO given", helo.raw())
        .fact("addresses of " + name, Observed.answersText(answers));
    if (!definite) {
      return Verdict.tempfail("4.7.1", "HELO name " + helo.raw() + ": address lookup failed temporarily",
          facts.rule("The A/AAAA lookup of the HELO name did not get an answer; an unknown result is never "
                  + "treated as a pass.",
              "Nothing to do if your DNS is healthy: your server retries. Otherwise check the name servers "
                  + "that serve " + name + "."));
    }
    return Verdict.reject("5.7.1", "HELO name " + helo.raw() + " does not resolve to an address",
        facts.rule("The name a server gives in HELO/EHLO should exist in DNS (mail operators' best practice \"Server "
                + "Identification (HELO) should resolve\"). A name with no A or AAAA record cannot be checked "
                + "and is typical of made-up identities.",
            "Publish an A (and/or AAAA) record for " + name + " pointing at the server's public address, "
                + "make the PTR record of that address name " + name + ", and use a TTL of at least a few "
                + "hours. Or greet with a name that already has these records."));
  }
}
