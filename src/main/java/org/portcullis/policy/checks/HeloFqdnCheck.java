package org.portcullis.policy.checks;

import org.portcullis.mail.EnhancedStatus;
import org.portcullis.mail.HeloName;
import org.portcullis.policy.CheckContext;
import org.portcullis.policy.Phase;
import org.portcullis.policy.RefusalKind;
import org.portcullis.policy.Verdict;

/**
 * {@code helo-fqdn}: a HELO domain must be fully qualified ({@code mail.example.com}, not
 * {@code localhost} or {@code SERVER01}); Postfix {@code reject_non_fqdn_helo_hostname}.
 *
 * <p>Phase HELO. No lookups. Verdict: 504 5.5.2. Address literals pass (RFC 5321 allows them for
 * hosts without a name); invalid syntax is left to {@code helo-syntax}. LAN and authenticated
 * clients are not judged.
 */
public final class HeloFqdnCheck extends HeloNameCheck {

  public static final String NAME = "helo-fqdn";

  public HeloFqdnCheck() {
    super(NAME);
  }

  @Override
  protected Verdict judgeHelo(CheckContext context, HeloName helo) {
    if (!helo.isDomain() || helo.isFullyQualified()) {
      return Verdict.CONTINUE;
    }
    String name = helo.raw();
    return new Verdict.Reject(RefusalKind.PARAMETER, EnhancedStatus.SYNTAX_ERROR,
        "HELO name " + name + " is not a fully qualified domain name",
        Observed.client(context).fact("HELO given", name)
            .fact("expected", "a fully qualified host name such as mail.example.com")
            .rule("RFC 5321 4.1.1.1 requires the client's fully qualified domain name in HELO/EHLO. A bare "
                    + "host name (" + name + ") means nothing outside the sender's own network and is typical "
                    + "of infected PCs and misconfigured servers (mail operators' best practice \"Server Identification\").",
                "Configure the server to greet with its fully qualified host name, the name in its PTR record "
                    + "(for example mail.your-domain.example). In Postfix this is myhostname, in Exchange the "
                    + "FQDN of the send connector."));
  }
}
