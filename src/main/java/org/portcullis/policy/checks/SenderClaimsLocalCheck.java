package org.portcullis.policy.checks;

import org.portcullis.mail.EmailAddress;
import org.portcullis.policy.CheckContext;
import org.portcullis.policy.LocalSite;
import org.portcullis.policy.Phase;
import org.portcullis.policy.Verdict;

/**
 * {@code sender-claims-local}: a sender address in one of our own domains may only come from our
 * LAN or an authenticated client ("Reject non-local senders claiming to be local",
 * "Known Sender Forgery - Anti Phishing").
 *
 * <p>Phase MAIL. No lookups. Verdict: 550 5.7.1. Remote staff send through the submission port
 * with authentication; exceptions can exempt a partner's relay by IP.
 */
public final class SenderClaimsLocalCheck extends SenderCheck {

  public static final String NAME = "sender-claims-local";

  private final LocalSite site;

  public SenderClaimsLocalCheck(LocalSite site) {
    super(NAME, Phase.MAIL);
    this.site = site;
  }

  @Override
  protected Verdict judgeSender(CheckContext context, EmailAddress sender) {
    if (!site.isAcceptedDomain(sender.domain())) {
      return Verdict.CONTINUE;
    }
    EmailAddress address = sender;
    return Verdict.reject("5.7.1",
        "Sender address <" + address + "> is in our own domain but you are not on our network or logged in",
        Observed.client(context).fact("sender", "<" + address + ">")
            .fact("our domains", site.acceptedDomainsText())
            .fact("client is", "outside our LAN networks and not authenticated")
            .rule("Mail from an address of our own domain can only come from our own servers and users. From "
                    + "anywhere else it is a forgery, the classic trick of phishing (mail operators' best practices \"Reject "
                    + "non-local senders claiming to be local\", \"Known Sender Forgery\").",
                "If you are one of our users working remotely, send through the submission port (587) with "
                    + "authentication (your mail client's outgoing server settings), or connect through the "
                    + "company network. If you are a service sending on our behalf, ask our postmaster to add "
                    + "an exception for your server."));
  }
}
