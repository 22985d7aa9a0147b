package org.portcullis.dkim;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.portcullis.files.PrivateFiles;

/**
 * The DKIM signing keys of our domains: {@code <dir>/<domain>/<selector>.pem}, each an unencrypted
 * PKCS#8 RSA key, mode 0600. When a domain has several, the selector that sorts last signs, so a
 * new key named by date ({@code 2027a}) takes over from the old once the gateway restarts after its
 * record is published. Immutable once loaded; thread-safe.
 */
public final class DkimKeys {

  /** The key sizes {@code dkim keygen} makes; RFC 8301 3.2 asks for at least 1024, 2048 is usual. */
  public static final Set<Integer> BITS = Set.of(1024, 2048, 3072, 4096);
  /** A selector is one or more DNS labels (RFC 6376 3.1). */
  private static final Pattern SELECTOR = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*");
  private static final Pattern DOMAIN = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)+");
  private static final int PEM_MAX_BYTES = 16 * 1024;

  /** One key on disk. */
  public record Key(String domain, String selector, Path file, DkimSigner signer, PublicKey publicKey) {
    /** The TXT record to publish at {@code <selector>._domainkey.<domain>}. */
    public String record() {
      return DkimKeys.record(publicKey);
    }

    /** The bits of the RSA modulus. */
    public int bits() {
      return ((java.security.interfaces.RSAPublicKey) publicKey).getModulus().bitLength();
    }
  }

  private final Map<String, Key> signing;
  private final List<Key> all;

  private DkimKeys(List<Key> all) {
    this.all = List.copyOf(all);
    Map<String, Key> byDomain = new TreeMap<>();
    for (Key key : all) {
      byDomain.merge(key.domain(), key, (a, b) -> a.selector().compareTo(b.selector()) >= 0 ? a : b);
    }
    this.signing = Map.copyOf(byDomain);
  }

  /** No keys: nothing is signed. */
  public static DkimKeys none() {
    return new DkimKeys(List.of());
  }

  /**
   * Reads every key under {@code dir} (absent: none).
   *
   * @throws IOException naming the file that cannot be read or is not an RSA key
   */
  public static DkimKeys load(Path dir) throws IOException {
    List<Key> keys = new ArrayList<>();
    if (!Files.isDirectory(dir)) {
      return none();
    }
    try (DirectoryStream<Path> domains = Files.newDirectoryStream(dir, Files::isDirectory)) {
      for (Path domainDir : domains) {
        String domain = domainDir.getFileName().toString().toLowerCase(Locale.ROOT);
        if (!DOMAIN.matcher(domain).matches()) {
          continue;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(domainDir, "*.pem")) {
          for (Path file : files) {
            String name = file.getFileName().toString();
            String selector = name.substring(0, name.length() - 4).toLowerCase(Locale.ROOT);
            if (SELECTOR.matcher(selector).matches()) {
              keys.add(read(domain, selector, file));
            }
          }
        }
      }
    }
    keys.sort(Comparator.comparing(Key::domain).thenComparing(Key::selector));
    return new DkimKeys(keys);
  }

  /** The signer for mail whose From domain is {@code domain}, if we hold a key for it. */
  public Optional<DkimSigner> signerFor(String domain) {
    return Optional.ofNullable(signing.get(domain.toLowerCase(Locale.ROOT))).map(Key::signer);
  }

  /** Every key, by domain then selector. */
  public List<Key> keys() {
    return all;
  }

  /** Whether {@code key} is the one that signs its domain's mail. */
  public boolean signs(Key key) {
    return signing.get(key.domain()) == key;
  }

  /**
   * Makes a new RSA key, written as {@code <dir>/<domain>/<selector>.pem} (0600, in 0700 directories).
   *
   * @throws IllegalArgumentException a domain or selector that is not a DNS name, an unsupported size
   * @throws IOException if the file exists already or cannot be written
   */
  public static Key generate(Path dir, String domain, String selector, int bits) throws IOException {
    String d = domain.toLowerCase(Locale.ROOT);
    String s = selector.toLowerCase(Locale.ROOT);
    if (!DOMAIN.matcher(d).matches() || d.length() > 253) {
      throw new IllegalArgumentException("not a domain name: " + domain);
    }
    if (!SELECTOR.matcher(s).matches() || (s + "._domainkey." + d).length() > 253) {
      throw new IllegalArgumentException("not a selector (DNS labels of letters, digits and hyphens): " + selector);
    }
    if (!BITS.contains(bits)) {
      throw new IllegalArgumentException("key size must be one of 1024, 2048, 3072, 4096, not " + bits);
    }
    KeyPair pair;
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
      generator.initialize(bits);
      pair = generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IOException("cannot make an RSA key: " + e.getMessage(), e);
    }
    Path file = PrivateFiles.createDirectories(dir.resolve(d)).resolve(s + ".pem");
    String pem = "-----BEGIN PRIVATE KEY-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'})
        .encodeToString(pair.getPrivate().getEncoded()) + "\n-----END PRIVATE KEY-----\n";
    try (FileChannel out = PrivateFiles.open(file, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE))) {
      out.write(ByteBuffer.wrap(pem.getBytes(StandardCharsets.US_ASCII)));
      out.force(true);
    } catch (java.nio.file.FileAlreadyExistsException e) {
      throw new IOException(file + " exists already: choose another selector, or remove the old key first", e);
    }
    return new Key(d, s, file, new DkimSigner(d, s, pair.getPrivate()), pair.getPublic());
  }

  private static Key read(String domain, String selector, Path file) throws IOException {
    if (Files.size(file) > PEM_MAX_BYTES) {
      throw new IOException(file + ": larger than a key can be (" + PEM_MAX_BYTES + " bytes)");
    }
    String pem = Files.readString(file, StandardCharsets.US_ASCII);
    if (!pem.contains("-----BEGIN PRIVATE KEY-----")) {
      throw new IOException(file + ": not a PKCS#8 key (\"BEGIN PRIVATE KEY\"); convert one with "
          + "openssl pkcs8 -topk8 -nocrypt -in old.pem -out " + file.getFileName());
    }
    String base64 = pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
    try {
      KeyFactory rsa = KeyFactory.getInstance("RSA");
      PrivateKey key = rsa.generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(base64)));
      if (!(key instanceof RSAPrivateCrtKey crt)) {
        throw new IOException(file + ": not an RSA key with its public part");
      }
      PublicKey publicKey = rsa.generatePublic(new RSAPublicKeySpec(crt.getModulus(), crt.getPublicExponent()));
      return new Key(domain, selector, file, new DkimSigner(domain, selector, key), publicKey);
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      throw new IOException(file + ": not a readable RSA key (" + e.getMessage() + ")", e);
    }
  }

  /** {@code v=DKIM1; k=rsa; p=<base64 of the SubjectPublicKeyInfo>}. */
  static String record(PublicKey key) {
    return "v=DKIM1; k=rsa; p=" + Base64.getEncoder().encodeToString(key.getEncoded());
  }

  /**
   * The record as a zone-file line, its text cut into strings of at most 255 octets (RFC 1035 3.3.14;
   * DNS joins them back): {@code sel._domainkey.example.com. IN TXT ( "v=DKIM1; k=rsa; p=..." "..." )}.
   */
  public static String zoneLine(Key key) {
    String text = key.record();
    StringBuilder out = new StringBuilder(key.selector() + "._domainkey." + key.domain() + ". IN TXT (");
    for (int at = 0; at < text.length(); at += 255) {
      out.append(" \"").append(text, at, Math.min(text.length(), at + 255)).append('"');
    }
    return out.append(" )").toString();
  }
}
