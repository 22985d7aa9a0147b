package org.portcullis.policy.checks;

import org.portcullis.mail.EnhancedStatus;
import org.portcullis.policy.CheckContext;
import org.portcullis.policy.Phase;
import org.portcullis.policy.ProtocolCheck;
import org.portcullis.policy.ProtocolProblem;
import org.portcullis.policy.RefusalKind;
import org.portcullis.policy.Verdict;

/**
 * {@code connection-limit}: a client address or network holding more connections than
 * {@code limits.connections-per-client-max} or {@code limits.connections-per-network-max} allow.
 * Fixed: the limits keep one sender from tying up the server, and the LAN has its own room.
 *
 * <p>Phase CONNECT, asked by the protocol layer. Verdict: 421 4.7.0 and the connection closes
 * (RFC 5321 4.5.3.2).
 */
public final class ConnectionLimitCheck extends CatalogCheck implements ProtocolCheck {

  public static final String NAME = ProtocolProblem.TooManyConnections.CHECK;

  public ConnectionLimitCheck() {
    super(NAME, Judges.EVERYONE, Phase.CONNECT);
  }

  @Override
  protected Verdict judge(CheckContext context) {
    if (!(context.problem().orElse(null) instanceof ProtocolProblem.TooManyConnections problem)) {
      return Verdict.CONTINUE;
    }
    String address = context.session().client().addressText();
    String reason = problem.network().map(n -> "Too many connections from your network " + n)
        .orElse("Too many connections from [" + address + "]");
    String counted = problem.network().map(n -> "connections from " + n).orElse("connections from this address");
    return new Verdict.Disconnect(RefusalKind.CLOSING, EnhancedStatus.parse("4.7.0"), reason,
        Observed.client(context).fact(counted, problem.max() + " at once")
            .rule("The server limits how many connections one client may hold open at once, and in total, so "
                    + "that no single sender can tie it up (RFC 5321 4.5.3.2 lets a server refuse with 421).",
                "Nothing to do for a normal mail server: it retries later. A sender that opens many parallel "
                    + "connections should use fewer and send several messages per connection."));
  }
}
