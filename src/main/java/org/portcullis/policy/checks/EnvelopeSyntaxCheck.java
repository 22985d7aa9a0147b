package org.portcullis.policy.checks;

import java.util.Optional;
import org.portcullis.mail.EnhancedStatus;
import org.portcullis.mail.MailPath;
import org.portcullis.policy.CheckContext;
import org.portcullis.policy.Phase;
import org.portcullis.policy.RefusalKind;
import org.portcullis.policy.Verdict;

/**
 * {@code envelope-brackets}: MAIL FROM and RCPT TO addresses must be written in angle brackets
 * (RFC 5321 4.1.2; the operators' best practice "RFC Mail From"). The protocol layer tolerates the
 * missing brackets so that this check can judge them (and be set to observe or off).
 *
 * <p>Phases MAIL and RCPT. No lookups. Verdict: 501 5.5.2 (5.1.7 for the sender, 5.1.3 for a
 * recipient). LAN and authenticated clients are not judged.
 */
public final class EnvelopeSyntaxCheck extends CatalogCheck {

  public static final String NAME = "envelope-brackets";

  public EnvelopeSyntaxCheck() {
    super(NAME, Judges.STRANGERS, Phase.MAIL, Phase.RCPT);
  }

  @Override
  protected Verdict judge(CheckContext context) {
    boolean rcpt = context.phase() == Phase.RCPT;
    Optional<MailPath> path = rcpt
        ? context.recipient().map(r -> new MailPath(Optional.of(r.address()), java.util.List.of(), r.bracketed()))
        : context.session().sender();
    if (path.isEmpty() || path.get().bracketed()) {
      return Verdict.CONTINUE;
    }
    String address = path.get().address().toString();
    String command = rcpt ? "RCPT TO" : "MAIL FROM";
    return new Verdict.Reject(RefusalKind.SYNTAX, EnhancedStatus.parse(rcpt ? "5.1.3" : "5.1.7"),
        command + " address must be in angle brackets: <" + address + ">",
        Observed.client(context).fact(command + " given", command + ":" + address)
            .fact("expected", command + ":<" + address + ">")
            .rule("RFC 5321 4.1.2 writes every envelope address in angle brackets. Real mail software always "
                    + "does; scripts and spam tools often do not (mail operators' best practice \"RFC Mail From\").",
                "Fix the sending software or script to send " + command + ":<" + address + ">, or send "
                    + "through a real mail server."));
  }
}
