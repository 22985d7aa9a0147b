package org.portcullis.policy.checks;

import java.net.InetAddress;
import org.portcullis.mail.Addresses;
import org.portcullis.mail.HeloName;
import org.portcullis.policy.CheckContext;
import org.portcullis.policy.Phase;
import org.portcullis.policy.Verdict;

/**
 * {@code helo-literal}: an address literal in HELO ({@code [192.0.2.1]}) must be the client's own
 * address.
 *
 * <p>Phase HELO. No lookups. Verdict: 550 5.7.1 when the literal names another address. LAN and
 * authenticated clients are not judged.
 */
public final class HeloLiteralCheck extends HeloNameCheck {

  public static final String NAME = "helo-literal";

  public HeloLiteralCheck() {
    super(NAME);
  }

  @Override
  protected Verdict judgeHelo(CheckContext context, HeloName helo) {
    if (helo.literal().isEmpty()) {
      return Verdict.CONTINUE;
    }
    InetAddress literal = Addresses.unmap(helo.literal().get());
    InetAddress client = context.session().client().address();
    if (literal.equals(client)) {
      return Verdict.CONTINUE;
    }
    String ip = Addresses.toText(client);
    return Verdict.reject("5.7.1",
        "HELO address literal " + helo.raw() + " is not your address [" + ip + "]",
        Observed.client(context).fact("HELO given", helo.raw())
            .fact("expected", "[" + Addresses.toLiteralText(client) + "] or a host name")
            .rule("A client that greets with an address literal claims to be that address (RFC 5321 "
                    + "4.1.1.1, 4.1.3). A literal of a different address is a false identity, typical of "
                    + "spam software behind NAT or forging its origin.",
                "Greet with the server's fully qualified host name (preferred), or with the address the "
                    + "connection really comes from, [" + Addresses.toLiteralText(client) + "]. Behind NAT, "
                    + "use the public name of the gateway."));
  }
}
