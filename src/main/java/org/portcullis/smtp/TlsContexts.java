package org.portcullis.smtp;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.Reader;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The TLS context for STARTTLS: from a configured PEM certificate chain and key, or a self-signed
 * certificate generated at first start and kept in the data directory (mail servers encrypt
 * opportunistically and do not verify certificates, so a self-signed one still protects against
 * passive eavesdropping).
 */
public final class TlsContexts {

  private static final Logger log = LoggerFactory.getLogger("portcullis.tls");
  private static final char[] STORE_PASSWORD = "portcullis".toCharArray();

  private TlsContexts() {}

  /**
   * Loads a PEM certificate chain (leaf first) and its private key (PKCS#8, PKCS#1 or EC).
   *
   * @throws IOException naming the file if it cannot be read or holds no certificate or key
   */
  public static SSLContext fromPem(Path certificateFile, Path keyFile) throws IOException {
    try {
      List<X509Certificate> chain = new ArrayList<>();
      JcaX509CertificateConverter converter = new JcaX509CertificateConverter();
      try (Reader reader = Files.newBufferedReader(certificateFile); PEMParser parser = new PEMParser(reader)) {
        for (Object item = parser.readObject(); item != null; item = parser.readObject()) {
          if (item instanceof X509CertificateHolder holder) {
            chain.add(converter.getCertificate(holder));
          }
        }
      }
      if (chain.isEmpty()) {
        throw new IOException(certificateFile + " holds no PEM certificate");
      }
      PrivateKey key = null;
      JcaPEMKeyConverter keys = new JcaPEMKeyConverter();
      try (Reader reader = Files.newBufferedReader(keyFile); PEMParser parser = new PEMParser(reader)) {
        for (Object item = parser.readObject(); item != null && key == null; item = parser.readObject()) {
          if (item instanceof PEMKeyPair pair) {
            key = keys.getKeyPair(pair).getPrivate();
          } else if (item instanceof PrivateKeyInfo info) {
            key = keys.getPrivateKey(info);
          }
        }
      }
      if (key == null) {
        throw new IOException(keyFile + " holds no unencrypted PEM private key");
      }
      return context(key, chain.toArray(new Certificate[0]));
    } catch (GeneralSecurityException e) {
      throw new IOException("cannot load TLS certificate " + certificateFile + ": " + e.getMessage(), e);
    }
  }

  /** The self-signed context kept in {@code storeFile}, made (and saved) if it does not exist. */
  public static SSLContext selfSigned(Path storeFile, String hostname) throws IOException {
    try {
      KeyStore store = KeyStore.getInstance("PKCS12");
      if (Files.exists(storeFile)) {
        try (InputStream in = Files.newInputStream(storeFile)) {
          store.load(in, STORE_PASSWORD);
        }
      } else {
        store.load(null, null);
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        KeyPair pair = generator.generateKeyPair();
        X509Certificate certificate = selfSignedCertificate(pair, hostname);
        store.setKeyEntry("smtp", pair.getPrivate(), STORE_PASSWORD, new Certificate[] {certificate});
        org.portcullis.files.PrivateFiles.createDirectories(storeFile.getParent());
        Path tmp = storeFile.resolveSibling(storeFile.getFileName() + ".tmp");
        try (OutputStream out = Files.newOutputStream(tmp)) {
          store.store(out, STORE_PASSWORD);
        }
        try {
          Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException ignored) {
          // not a POSIX file system
        }
        Files.move(tmp, storeFile, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        log.info("generated a self-signed TLS certificate for {} in {}", hostname, storeFile);
      }
      KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(store, STORE_PASSWORD);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(kmf.getKeyManagers(), null, new SecureRandom());
      return context;
    } catch (GeneralSecurityException | OperatorCreationException e) {
      throw new IOException("cannot make or load the self-signed TLS certificate " + storeFile + ": " + e.getMessage(), e);
    }
  }

  private static SSLContext context(PrivateKey key, Certificate[] chain) throws GeneralSecurityException, IOException {
    KeyStore store = KeyStore.getInstance("PKCS12");
    store.load(null, null);
    store.setKeyEntry("smtp", key, STORE_PASSWORD, chain);
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(store, STORE_PASSWORD);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(kmf.getKeyManagers(), null, new SecureRandom());
    return context;
  }

  private static X509Certificate selfSignedCertificate(KeyPair pair, String hostname)
      throws OperatorCreationException, GeneralSecurityException, IOException {
    X500Name name = new X500Name("CN=" + hostname.replaceAll("[,=+<>#;\"\\\\]", "_"));
    Instant now = Instant.now();
    JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(name,
        new BigInteger(64, new SecureRandom()), Date.from(now.minus(Duration.ofDays(1))),
        Date.from(now.plus(Duration.ofDays(3650))), name, pair.getPublic());
    builder.addExtension(Extension.subjectAlternativeName, false,
        new GeneralNames(new GeneralName(GeneralName.dNSName, hostname)));
    var signer = new JcaContentSignerBuilder("SHA256withRSA").build(pair.getPrivate());
    return new JcaX509CertificateConverter().getCertificate(builder.build(signer));
  }
}
