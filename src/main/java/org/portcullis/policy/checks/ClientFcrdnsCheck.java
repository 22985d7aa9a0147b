package org.portcullis.policy.checks;

import org.portcullis.dns.ReverseDns;
import org.portcullis.policy.CheckContext;
import org.portcullis.policy.Verdict;

/**
 * {@code client-fcrdns}: one of the client's PTR names must resolve back to the client address
 * (forward-confirmed reverse DNS; Postfix {@code reject_unknown_client_hostname}).
 *
 * <p>Phase CONNECT. Lookups: PTR, then A and AAAA of up to four PTR names. Verdicts: all answered
 * and none contains the address: 550 5.7.25; a lookup failed and none confirmed: 450 4.7.25; no
 * PTR at all is left to {@code client-ptr}. LAN and authenticated clients are not judged.
 */
public final class ClientFcrdnsCheck extends ReverseDnsCheck {

  public static final String NAME = "client-fcrdns";

  public ClientFcrdnsCheck() {
    super(NAME);
  }

  @Override
  protected Verdict judgeReverseDns(CheckContext context, ReverseDns rdns, String ip) {
    return switch (rdns.status()) {
      case CONFIRMED, NO_PTR -> Verdict.CONTINUE;
      case NOT_CONFIRMED -> Verdict.reject("5.7.25",
          "Client host [" + ip + "]: reverse DNS name " + String.join(", ", rdns.names())
              + " does not resolve back to " + ip,
          Observed.reverseDns(Observed.client(context), rdns).rule(
              "The name in a mail server's PTR record must resolve back to the same address "
                  + "(forward-confirmed reverse DNS, FCrDNS; RFC 7372 4.7.25/5.7.25). A PTR name anyone "
                  + "can set proves nothing unless the owner of that name confirms the address.",
              "Make the A (or AAAA) record of " + String.join(" or ", rdns.names()) + " include " + ip
                  + ", or change the PTR record of " + ip + " (through whoever controls the address) to a "
                  + "name whose A/AAAA record is " + ip + ". Use that same name in HELO/EHLO."));
      case UNKNOWN -> Verdict.tempfail("4.7.25",
          "Client host [" + ip + "]: cannot confirm reverse DNS name (temporary DNS failure)",
          Observed.reverseDns(Observed.client(context), rdns).rule(
              "A forward lookup of the client's PTR name failed (timeout or server failure); an unknown "
                  + "result is never treated as a pass.",
              "Nothing to do if your DNS is healthy: your server retries and the message goes through once "
                  + "the lookups answer. Otherwise check the name servers of " + String.join(", ", rdns.names()) + "."));
    };
  }
}
