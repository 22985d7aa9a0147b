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

/**
 * What the configuration names by file: a password (the first line of a file readable by the
 * service, never the TOML) and the CA certificates a server's certificate is checked against.
 * Read at start-up; an unreadable or empty file stops it, naming the key.
 */
final class ConfiguredSecrets {

  private ConfiguredSecrets() {}

  /** The first line of {@code file}, stripped; {@code key} names the setting in errors. */
  static String password(Path file, String key) throws IOException {
    try {
      String first = Files.readAllLines(file, StandardCharsets.UTF_8).stream().findFirst().orElse("").strip();
      if (first.isEmpty()) {
        throw new IOException(key + " " + file + " is empty");
      }
      return first;
    } catch (java.nio.charset.MalformedInputException e) {
      throw new IOException(key + " " + file + " is not UTF-8 text", e);
    } catch (java.nio.file.NoSuchFileException e) {
      throw new IOException(key + " " + file + " does not exist", e);
    }
  }

  /** A TLS client context that trusts the certificates in {@code caFile} (PEM), or the JDK's trust store. */
  static SSLContext verifying(Optional<Path> caFile, String key) throws IOException {
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
          throw new IOException(key + " " + caFile.get() + " holds no certificate");
        }
        trust.init(store);
      }
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, trust.getTrustManagers(), null);
      return context;
    } catch (GeneralSecurityException e) {
      throw new IOException(key + " " + caFile.map(Path::toString).orElse("(system)") + " cannot be used: "
          + e.getMessage(), e);
    }
  }
}
