package org.portcullis.policy.checks;

import org.portcullis.dns.ReverseDns;
import org.portcullis.mail.HeloName;
import org.portcullis.policy.CheckContext;
import org.portcullis.policy.Phase;
import org.portcullis.policy.Verdict;

/**
 * {@code helo-ptr-match}: records when the HELO name differs from the client's verified PTR name.
 *
 * <p>RFC 5321 4.1.4: a mismatch is not by itself a reason to refuse mail, so this check may only
 * tag (the default) or temporarily fail; configuration refuses {@code on-reject = "reject"} for
 * it. Phase HELO. Lookup: the session's reverse DNS. Not judged: LAN and authenticated clients,
 * address literals, clients without a confirmed PTR name (other checks judge those).
 */
public final class HeloPtrMatchCheck extends HeloNameCheck {

  public static final String NAME = "helo-ptr-match";

  public HeloPtrMatchCheck() {
    super(NAME);
  }

  @Override
  protected Verdict judgeHelo(CheckContext context, HeloName helo) {
    if (!helo.isDomain()) {
      return Verdict.CONTINUE;
    }
    ReverseDns rdns = context.await(context.session().client().reverseDns());
    if (rdns.confirmedName().isEmpty() || rdns.confirmedName().get().equals(helo.normalized())) {
      return Verdict.CONTINUE;
    }
    String ptr = rdns.confirmedName().get();
    return Verdict.reject("5.7.1", "HELO name " + helo.raw() + " does not match reverse DNS name " + ptr,
        Observed.reverseDns(Observed.client(context).fact("HELO given", helo.raw()), rdns).rule(
            "The HELO name, the PTR name and the MX name of a mail server should be the same; many receivers "
                + "treat a mismatch as a sign of a misconfigured or forged sender. "
                + "RFC 5321 4.1.4 forbids refusing mail for this alone, so it only marks the message.",
            "Configure the server to greet with " + ptr + " (its PTR name), or change the PTR record to "
                + "the name it greets with; keep both resolving to the server's address."))
        .withFinding("HELO name " + helo.raw() + " differs from the reverse DNS name " + ptr
            + " (information only: RFC 5321 4.1.4)");
  }
}
