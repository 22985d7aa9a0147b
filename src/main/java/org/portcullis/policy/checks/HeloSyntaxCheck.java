package org.portcullis.policy.checks;

import org.portcullis.mail.EnhancedStatus;
import org.portcullis.mail.HeloName;
import org.portcullis.policy.CheckContext;
import org.portcullis.policy.Phase;
import org.portcullis.policy.RefusalKind;
import org.portcullis.policy.Verdict;

/**
 * {@code helo-syntax}: the HELO/EHLO argument must be a valid domain name or address literal
 * (RFC 5321 4.1.1.1; the operators' best practice "Server Identification (HELO) must be valid").
 *
 * <p>Phase HELO. No lookups. Verdict: 501 5.5.2 for a bare IP address without brackets, or text
 * that is not a domain (underscores, empty labels, trailing dots, spaces). LAN and authenticated
 * clients are not judged.
 */
public final class HeloSyntaxCheck extends HeloNameCheck {

  public static final String NAME = "helo-syntax";

  public HeloSyntaxCheck() {
    super(NAME);
  }

  @Override
  protected Verdict judgeHelo(CheckContext context, HeloName name) {
    String ip = context.session().client().addressText();
    return switch (name.kind()) {
      case DOMAIN, ADDRESS_LITERAL -> Verdict.CONTINUE;
      case BARE_IP -> new Verdict.Reject(RefusalKind.SYNTAX, EnhancedStatus.SYNTAX_ERROR,
          "Invalid HELO name " + name.raw() + ": an IP address must be written as [" + name.raw() + "]",
          Observed.client(context).fact("HELO given", name.raw()).fact("expected", "a host name, or [" + ip + "]")
              .rule("The HELO/EHLO argument is the client's fully qualified host name; only a host without "
                      + "a name may use its address, and then in brackets as an address literal "
                      + "(RFC 5321 4.1.1.1 and 4.1.3).",
                  "Configure the server to greet with its fully qualified host name, the same name its PTR "
                      + "record gives, for example EHLO mail.your-domain.example."));
      case INVALID -> new Verdict.Reject(RefusalKind.SYNTAX, EnhancedStatus.SYNTAX_ERROR,
          "Invalid HELO name " + name.raw(),
          Observed.client(context).fact("HELO given", name.raw().isEmpty() ? "(empty)" : name.raw())
              .fact("expected", "a fully qualified host name such as mail.example.com")
              .rule("The HELO/EHLO argument must be a syntactically valid domain name (letters, digits and "
                      + "hyphens, dot-separated, no underscores or trailing dot) or an address literal "
                      + "(RFC 5321 4.1.1.1, 4.1.2).",
                  "Configure the server to greet with its fully qualified host name, the same name its PTR "
                      + "record gives, for example EHLO mail.your-domain.example."));
    };
  }
}
