package org.portcullis.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import javax.net.ssl.SSLContext;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TlsContextsTest {

  @TempDir
  Path dir;

  @Test
  void theSelfSignedCertificateIsMadeOnceAndReused() throws Exception {
    Path store = dir.resolve("tls/self-signed.p12");
    SSLContext first = TlsContexts.selfSigned(store, "mx.example.test");
    long made = Files.getLastModifiedTime(store).toMillis();
    SSLContext second = TlsContexts.selfSigned(store, "mx.example.test");
    assertThat(first.getProtocol()).isEqualTo("TLS");
    assertThat(second).isNotNull();
    assertThat(Files.getLastModifiedTime(store).toMillis()).isEqualTo(made);
  }

  @Test
  void aPemCertificateAndKeyAreLoaded() throws Exception {
    Path store = dir.resolve("source.p12");
    TlsContexts.selfSigned(store, "mail.example.org");
    KeyStore keys = KeyStore.getInstance("PKCS12");
    try (var in = Files.newInputStream(store)) {
      keys.load(in, "portcullis".toCharArray());
    }
    PrivateKey key = (PrivateKey) keys.getKey("smtp", "portcullis".toCharArray());
    Certificate certificate = keys.getCertificate("smtp");
    Path certFile = dir.resolve("cert.pem");
    Path keyFile = dir.resolve("key.pem");
    Files.writeString(certFile, pem(certificate));
    Files.writeString(keyFile, pem(key));
    assertThat(TlsContexts.fromPem(certFile, keyFile).getProtocol()).isEqualTo("TLS");
  }

  @Test
  void aFileWithoutACertificateIsRefusedNamingIt() throws Exception {
    Path certFile = dir.resolve("empty.pem");
    Files.writeString(certFile, "not a certificate\n");
    assertThatThrownBy(() -> TlsContexts.fromPem(certFile, certFile))
        .isInstanceOf(IOException.class).hasMessageContaining("empty.pem");
  }

  private static String pem(Object object) throws IOException {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
      writer.writeObject(object);
    }
    return out.toString();
  }
}
