package org.portcullis.policy.checks;

import org.portcullis.mail.AddressSyntaxException;
import org.portcullis.mail.EnhancedStatus;
import org.portcullis.mail.LogText;
import org.portcullis.policy.CheckContext;
import org.portcullis.policy.Phase;
import org.portcullis.policy.ProtocolCheck;
import org.portcullis.policy.ProtocolProblem;
import org.portcullis.policy.RefusalKind;
import org.portcullis.policy.Verdict;

/**
 * {@code envelope-syntax} and {@code recipient-full-address}: a MAIL FROM or RCPT TO address that
 * does not parse (RFC 5321 4.1.2; RFC 6531 for international addresses), and a recipient written
 * without a domain ("Require FULL email of recipient"). The session cannot go on with an address
 * it cannot read, so both are fixed: always enforced, never skipped.
 *
 * <p>Phases MAIL and RCPT, asked by the protocol layer. Verdict: 501 5.1.7 (sender) or 5.1.3
 * (recipient); 553 5.6.7 for a non-ASCII address without SMTPUTF8.
 */
public final class MalformedAddressCheck extends CatalogCheck implements ProtocolCheck {

  public MalformedAddressCheck(String name) {
    super(name, Judges.EVERYONE, Phase.MAIL, Phase.RCPT);
  }

  @Override
  protected Verdict judge(CheckContext context) {
    if (!(context.problem().orElse(null) instanceof ProtocolProblem.MalformedAddress problem)) {
      return Verdict.CONTINUE;
    }
    boolean sender = problem.phase() == Phase.MAIL;
    AddressSyntaxException.Kind kind = problem.kind();
    String status = kind == AddressSyntaxException.Kind.NON_ASCII ? "5.6.7" : sender ? "5.1.7" : "5.1.3";
    RefusalKind refusal = kind == AddressSyntaxException.Kind.NON_ASCII ? RefusalKind.MAILBOX_NAME : RefusalKind.SYNTAX;
    String what = sender ? "sender" : "recipient";
    String reason = switch (kind) {
      case MISSING_DOMAIN -> "Bad " + what + " address: a full address (user@domain) is required";
      case NON_ASCII -> "Non-ASCII " + what + " address needs SMTPUTF8";
      case TOO_LONG -> "Bad " + what + " address: too long";
      case SYNTAX -> "Bad " + what + " address syntax";
    };
    String fix = switch (kind) {
      case MISSING_DOMAIN -> "Write the full address, user@domain.example. Mail software that appends no domain "
          + "must be configured with its domain (Postfix: myorigin; Exchange: the accepted domain).";
      case NON_ASCII -> "Use a mail server that supports SMTPUTF8 (it sends the SMTPUTF8 parameter on MAIL FROM), "
          + "or an ASCII address.";
      default -> "Check the address for typing errors. An address is local-part@domain, in angle brackets after "
          + (sender ? "MAIL FROM:" : "RCPT TO:") + ", without spaces, trailing dots or a second @ outside quotes.";
    };
    return new Verdict.Reject(refusal, EnhancedStatus.parse(status), reason,
        Observed.client(context)
            .fact((sender ? "MAIL FROM" : "RCPT TO") + " given", LogText.escape(problem.given(), 300))
            .fact("problem", problem.detail())
            .rule("Envelope addresses must follow the syntax of RFC 5321 4.1.2 (RFC 6531 for international "
                    + "addresses); the server cannot guess what a malformed address means (mail operators' best "
                    + "practices \"Email Addresses should be formatted correctly\", \"Require FULL email of "
                    + "recipient\").",
                fix));
  }
}
