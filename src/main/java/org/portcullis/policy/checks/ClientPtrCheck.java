package org.portcullis.policy.checks;

import org.portcullis.dns.ReverseDns;
import org.portcullis.dns.ReverseName;
import org.portcullis.policy.CheckContext;
import org.portcullis.policy.Verdict;

/**
 * {@code client-ptr}: the client's IP address must have a PTR record (the operators' best practice
 * "Server IP must resolve"; a refused sender is told "Check your rDNS").
 *
 * <p>Phase CONNECT. Lookup: the session's reverse DNS (PTR), started at connect. Verdicts: no PTR
 * (NXDOMAIN or NODATA) rejects with 550 5.7.25 (RFC 7372); a failed lookup (timeout, SERVFAIL) is
 * a 450 4.7.25 temporary failure; LAN and authenticated clients are not judged. No keys beyond the
 * common ones.
 */
public final class ClientPtrCheck extends ReverseDnsCheck {

  public static final String NAME = "client-ptr";

  public ClientPtrCheck() {
    super(NAME);
  }

  @Override
  protected Verdict judgeReverseDns(CheckContext context, ReverseDns rdns, String ip) {
    return switch (rdns.status()) {
      case CONFIRMED, NOT_CONFIRMED -> Verdict.CONTINUE;
      case NO_PTR -> Verdict.reject("5.7.25",
          "Client host [" + ip + "] has no reverse DNS (PTR) record",
          Observed.reverseDns(Observed.client(context), rdns).rule(
              "A mail server's IP address must have a reverse DNS (PTR) record naming the server "
                  + "(RFC 1912 2.1; RFC 7372 names this refusal; mail operators' best practice \"Server IP must resolve\"). "
                  + "Connections from addresses without one are nearly always infected or misconfigured machines.",
              "Ask whoever controls the IP address " + ip + " (your ISP or hosting provider) for a PTR "
                  + "record that names your mail server's hostname, for example mail.your-domain.example. "
                  + "That name must resolve back to " + ip + " (an A or AAAA record) and be the name the "
                  + "server uses in HELO/EHLO. Give DNS records a TTL of at least a few hours. Until then, "
                  + "send through your provider's mail server."));
      case UNKNOWN -> Verdict.tempfail("4.7.25",
          "Client host [" + ip + "]: reverse DNS lookup failed temporarily",
          Observed.reverseDns(Observed.client(context), rdns).rule(
              "The PTR lookup of the client address did not get an answer (timeout or server failure). "
                  + "An unknown result is never treated as a pass; the server answers with a temporary failure.",
              "Nothing to do if your DNS is healthy: your server retries and the message goes through once "
                  + "the lookup answers. If it keeps failing, check that the name servers for your "
                  + "reverse zone (" + ReverseName.of(rdns.address()) + ") answer."));
    };
  }
}
