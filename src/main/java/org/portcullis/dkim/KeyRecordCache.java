package org.portcullis.dkim;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.security.PublicKey;
import java.security.interfaces.RSAPublicKey;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.apache.james.jdkim.api.PublicKeyRecord;
import org.apache.james.jdkim.tagvalue.PublicKeyRecordImpl;

/**
 * Key records parsed once per record text: jDKIM decodes the base64 key, builds the RSA key and
 * compiles the granularity pattern on every use, for every message a domain signs. The cache holds
 * the parsed record with its key, bounded in entries (a record's text is its key, so a changed
 * record is a new entry; DNS caching decides how long a text is used). Thread-safe.
 */
final class KeyRecordCache {

  private static final int ENTRIES_MAX = 10_000;

  private final Cache<String, Parsed> parsed = Caffeine.newBuilder().maximumSize(ENTRIES_MAX).build();

  /**
   * A record as jDKIM reads it, its key decoded at most once.
   *
   * @throws IllegalStateException for a record that does not parse, as jDKIM's own does
   */
  PublicKeyRecord record(String text) {
    Parsed p = parsed.get(text, Parsed::new);
    if (p.failure != null) {
      throw new IllegalStateException(p.failure);
    }
    return p.record;
  }

  /** The RSA key's size, if the record holds a valid RSA key. */
  Optional<Integer> bits(String text) {
    return parsed.get(text, Parsed::new).bits;
  }

  private static final class Parsed {
    final PublicKeyRecord record;
    final Optional<Integer> bits;
    /** Why the record does not parse at all, or null. */
    final String failure;

    Parsed(String text) {
      PublicKeyRecordImpl impl;
      try {
        impl = new PublicKeyRecordImpl(text);
      } catch (RuntimeException e) {
        this.record = null;
        this.bits = Optional.empty();
        this.failure = String.valueOf(e.getMessage());
        return;
      }
      this.record = new Memoized(impl);
      this.failure = null;
      Optional<Integer> size = Optional.empty();
      try {
        impl.validate();
        if (record.getPublicKey() instanceof RSAPublicKey rsa) {
          size = Optional.of(rsa.getModulus().bitLength());
        }
      } catch (RuntimeException e) {
        // Not a usable RSA key: jDKIM says why when it reads the record.
      }
      this.bits = size;
    }
  }

  /** jDKIM's record with the decoded key and the compiled pattern kept. */
  private static final class Memoized implements PublicKeyRecord {
    private final PublicKeyRecordImpl record;
    private volatile PublicKey key;
    private volatile Pattern granularity;

    Memoized(PublicKeyRecordImpl record) {
      this.record = record;
    }

    @Override
    public void validate() {
      record.validate();
    }

    @Override
    public boolean isHashMethodSupported(CharSequence hash) {
      return record.isHashMethodSupported(hash);
    }

    @Override
    public boolean isKeyTypeSupported(CharSequence hash) {
      return record.isKeyTypeSupported(hash);
    }

    @Override
    public List<CharSequence> getAcceptableHashMethods() {
      return record.getAcceptableHashMethods();
    }

    @Override
    public List<CharSequence> getAcceptableKeyTypes() {
      return record.getAcceptableKeyTypes();
    }

    @Override
    public Pattern getGranularityPattern() {
      Pattern p = granularity;
      if (p == null) {
        p = record.getGranularityPattern();
        granularity = p;
      }
      return p;
    }

    @Override
    public PublicKey getPublicKey() {
      PublicKey k = key;
      if (k == null) {
        k = record.getPublicKey();
        key = k;
      }
      return k;
    }

    @Override
    public List<CharSequence> getFlags() {
      return record.getFlags();
    }

    @Override
    public boolean isTesting() {
      return record.isTesting();
    }

    @Override
    public boolean isDenySubdomains() {
      return record.isDenySubdomains();
    }
  }
}
