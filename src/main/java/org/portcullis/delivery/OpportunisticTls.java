package org.portcullis.delivery;

import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * The TLS context for opportunistic STARTTLS to other mail servers (RFC 7435, Postfix's
 * {@code smtp_tls_security_level = may}): encryption against passive eavesdroppers, without
 * certificate checks, since most MX certificates do not match their names and a failed check
 * would only send the mail in clear instead. Authenticated TLS (DANE, MTA-STS) is a separate
 * policy.
 */
final class OpportunisticTls {

  private OpportunisticTls() {}

  /** The context, or empty if the JDK offers no TLS (then mail goes in clear). */
  static Optional<SSLContext> context() {
    try {
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, new TrustManager[] {new AnyCertificate()}, null);
      return Optional.of(context);
    } catch (GeneralSecurityException e) {
      return Optional.empty();
    }
  }

  private static final class AnyCertificate implements X509TrustManager {
    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {
      // not a server
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) {
      // opportunistic: any certificate encrypts as well
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }
}
