package org.portcullis.app;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.portcullis.config.PortcullisConfig;
import org.portcullis.delivery.NextHopSecurity;

/**
 * The smarthost's {@link NextHopSecurity} from the configuration: a context that checks its
 * certificate against the system's trust store or the configured CA file, and the password read
 * from its file at start-up (an unreadable file or a bad CA file stops start-up, naming the key).
 */
final class SmarthostSecurities {

  private SmarthostSecurities() {}

  static NextHopSecurity of(PortcullisConfig.SmarthostSecurity s) throws IOException {
    if (s.tls() == NextHopSecurity.Tls.OPPORTUNISTIC) {
      return NextHopSecurity.OPPORTUNISTIC;
    }
    Optional<NextHopSecurity.Credentials> credentials = Optional.empty();
    if (s.mechanism().isPresent()) {
      credentials = Optional.of(new NextHopSecurity.Credentials(s.mechanism().get(), s.username(),
          password(s.passwordFile().orElseThrow())));
    }
    return new NextHopSecurity(s.tls(), Optional.of(verifying(s.caFile())), credentials);
  }

  private static String password(Path file) throws IOException {
    try {
      String first = Files.readAllLines(file, StandardCharsets.UTF_8).stream().findFirst().orElse("").strip();
      if (first.isEmpty()) {
        throw new IOException("delivery.smarthost-password-file " + file + " is empty");
      }
      return first;
    } catch (java.nio.charset.MalformedInputException e) {
      throw new IOException("delivery.smarthost-password-file " + file + " is not UTF-8 text", e);
    } catch (java.nio.file.NoSuchFileException e) {
      throw new IOException("delivery.smarthost-password-file " + file + " does not exist", e);
    }
  }

  private static SSLContext verifying(Optional<Path> caFile) throws IOException {
    try {
      TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      if (caFile.isEmpty()) {
        trust.init((KeyStore) null); // the JDK's trust store
      } else {
        KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
        store.load(null, null);
        int n = 0;
        try (InputStream in = Files.newInputStream(caFile.get())) {
          for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
            store.setCertificateEntry("ca" + n++, c);
          }
        }
        if (n == 0) {
          throw new IOException("delivery.smarthost-ca-file " + caFile.get() + " holds no certificate");
        }
        trust.init(store);
      }
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, trust.getTrustManagers(), null);
      return context;
    } catch (GeneralSecurityException e) {
      throw new IOException("delivery.smarthost-ca-file " + caFile.map(Path::toString).orElse("(system)")
          + " cannot be used: " + e.getMessage(), e);
    }
  }
}
