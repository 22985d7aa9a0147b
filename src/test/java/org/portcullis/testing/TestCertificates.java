package org.portcullis.testing;

import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.portcullis.smtp.TlsContexts;

/** A self-signed certificate and its key as PEM files, for listeners configured with certificate-file and key-file. */
public final class TestCertificates {

  /** The files written. */
  public record Pem(Path certificate, Path key) {}

  private TestCertificates() {}

  public static Pem write(Path dir, String hostname) throws IOException, GeneralSecurityException {
    Path store = dir.resolve("source.p12");
    TlsContexts.selfSigned(store, hostname);
    KeyStore keys = KeyStore.getInstance("PKCS12");
    try (var in = Files.newInputStream(store)) {
      keys.load(in, "portcullis".toCharArray());
    }
    Path cert = dir.resolve("cert.pem");
    Path key = dir.resolve("key.pem");
    Files.writeString(cert, pem(keys.getCertificate("smtp")));
    Files.writeString(key, pem((PrivateKey) keys.getKey("smtp", "portcullis".toCharArray())));
    return new Pem(cert, key);
  }

  private static String pem(Object object) throws IOException {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
      writer.writeObject(object);
    }
    return out.toString();
  }
}
