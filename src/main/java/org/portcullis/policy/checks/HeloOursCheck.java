package org.portcullis.policy.checks;

import java.net.InetAddress;
import java.util.Optional;
import org.portcullis.mail.Addresses;
import org.portcullis.mail.HeloName;
import org.portcullis.policy.CheckContext;
import org.portcullis.policy.LocalSite;
import org.portcullis.policy.Phase;
import org.portcullis.policy.Verdict;

/**
 * {@code helo-ours}: a remote client must not greet with our own host name, one of our domains,
 * or one of our addresses ("Reject remote clients using local HELO arguments").
 *
 * <p>Phase HELO. No lookups. Verdict: 550 5.7.1. LAN and authenticated clients may use our names
 * (they are us).
 */
public final class HeloOursCheck extends HeloNameCheck {

  public static final String NAME = "helo-ours";

  private final LocalSite site;

  public HeloOursCheck(LocalSite site) {
    super(NAME);
    this.site = site;
  }

  @Override
  protected Verdict judgeHelo(CheckContext context, HeloName helo) {
    Optional<String> what = ours(helo);
    if (what.isEmpty()) {
      return Verdict.CONTINUE;
    }
    return Verdict.reject("5.7.1",
        "Client host [" + context.session().client().addressText() + "] used our own " + what.get()
            + " in HELO: " + helo.raw(),
        Observed.client(context).fact("HELO given", helo.raw())
            .fact("our names", site.hostname() + ", " + site.acceptedDomainsText())
            .rule("A remote client that greets with this server's own name, domain or address claims to be "
                    + "this server. Only this server (and its own LAN) can be this server; spam software "
                    + "copies the name from our greeting to look local (mail operators' best practice \"Reject remote "
                    + "clients using local HELO arguments\").",
                "Configure your server to greet with its own fully qualified host name, the one in its PTR "
                    + "record, not the name of the server it is sending to. Users of this organisation "
                    + "working remotely send through the submission port (587) with authentication."));
  }

  private Optional<String> ours(HeloName helo) {
    if (helo.literal().isPresent()) {
      return site.isLocalAddress(helo.literal().get()) ? Optional.of("address") : Optional.empty();
    }
    if (helo.kind() == HeloName.Kind.BARE_IP) {
      Optional<InetAddress> bare = Addresses.parseLiteral(helo.raw());
      return bare.isPresent() && site.isLocalAddress(bare.get()) ? Optional.of("address") : Optional.empty();
    }
    String name = helo.normalized();
    if (name.equals(site.hostname())) {
      return Optional.of("host name");
    }
    if (site.isAcceptedDomain(name)) {
      return Optional.of("domain");
    }
    return Optional.empty();
  }
}
