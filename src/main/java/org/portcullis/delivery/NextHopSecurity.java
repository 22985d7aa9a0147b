package org.portcullis.delivery;

import java.util.Optional;
import javax.net.ssl.SSLContext;

/**
 * How a configured next hop (the smarthost, the ISP's relay) is spoken to: TLS opportunistic,
 * required (STARTTLS, the certificate checked against its name) or implicit (TLS from the first
 * byte, port 465), and AUTH with the credentials it gave us, only ever over TLS.
 *
 * @param verified the context that checks the server's certificate (the system trust store or a CA file)
 */
public record NextHopSecurity(Tls tls, Optional<SSLContext> verified, Optional<Credentials> credentials) {

  /** Encrypt when offered, check nothing: what other MX hosts get. */
  public static final NextHopSecurity OPPORTUNISTIC = new NextHopSecurity(Tls.OPPORTUNISTIC, Optional.empty(),
      Optional.empty());

  /** The TLS policy. */
  public enum Tls { OPPORTUNISTIC, REQUIRED, IMPLICIT }

  /**
   * What AUTH sends.
   *
   * @param mechanism PLAIN or LOGIN (RFC 4616; the LOGIN draft)
   */
  public record Credentials(String mechanism, String username, String password) {
    @Override
    public String toString() {
      return "Credentials[" + mechanism + " " + username + ", password hidden]";
    }
  }

  public NextHopSecurity {
    if (credentials.isPresent() && tls == Tls.OPPORTUNISTIC) {
      throw new IllegalArgumentException("credentials are only ever sent over TLS: required or implicit");
    }
    if (tls != Tls.OPPORTUNISTIC && verified.isEmpty()) {
      throw new IllegalArgumentException("required TLS needs a context that checks the certificate");
    }
  }
}
