package org.portcullis.dkim;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;
import org.apache.james.jdkim.DKIMVerifier;
import org.apache.james.jdkim.api.BodyHasher;
import org.apache.james.jdkim.api.PublicKeyRecord;
import org.apache.james.jdkim.api.Result;
import org.apache.james.jdkim.api.SignatureRecord;
import org.apache.james.jdkim.canon.RelaxedBodyCanonicalizer;
import org.apache.james.jdkim.canon.SimpleBodyCanonicalizer;
import org.apache.james.jdkim.exceptions.FailException;
import org.portcullis.dns.DnsResolver;

/**
 * Verifies the DKIM signatures of a message (RFC 6376) as it streams past once: Apache jDKIM
 * parses the signatures, canonicalizes and checks RSA; key records come from our resolver
 * ({@link ResolverKeyRecords}). Around jDKIM we keep what it does not: at most
 * {@value #SIGNATURES_MAX} signatures are verified (a message with hundreds must not cost hundreds
 * of lookups), rsa-sha1 and RSA keys under 1024 bits fail (RFC 8301), ed25519-sha256 (RFC 8463,
 * which jDKIM lacks) is neutral rather than a failure, and an {@code l=} longer than the body is a
 * permanent error. Nothing thrown inside gets out: each signature ends with a result.
 *
 * <p>Thread-safe: each call has its own jDKIM verifier and key lookups.
 */
public final class DkimVerifier {

  private static final Pattern WHITE_SPACE = Pattern.compile("[ \\t\\r\\n]");
  private static final Pattern BODY_LENGTH_TAG = Pattern.compile("[:;]\\s*l\\s*=");

  /** Signatures beyond this many (counted from the top, the newest) are not verified. */
  public static final int SIGNATURES_MAX = 5;
  /** RFC 8301 3.2: RSA keys shorter than this must not be taken as valid. */
  static final int KEY_BITS_MIN = 1024;
  private static final String FIELD = "DKIM-Signature";

  private final DnsResolver resolver;
  private final Duration timeout;
  private final KeyRecordCache keyRecords = new KeyRecordCache();

  /** @param timeout the time every key lookup of one message must fit in */
  public DkimVerifier(DnsResolver resolver, Duration timeout) {
    this.resolver = resolver;
    this.timeout = timeout;
  }

  /**
   * @param headerFields the message's header fields as received, folding kept, without final CRLF
   * @param body the body (after the blank line), read to its end
   */
  public DkimOutcome verify(List<String> headerFields, InputStream body) {
    List<String> signatures = headerFields.stream().filter(f -> HeaderFields.nameIs(f, FIELD)).toList();
    if (signatures.isEmpty()) {
      return DkimOutcome.none();
    }
    List<String> verified = signatures.subList(0, Math.min(SIGNATURES_MAX, signatures.size()));
    List<String> fields = headerFields.stream()
        .filter(f -> !HeaderFields.nameIs(f, FIELD) || verified.contains(f)).toList();
    ResolverKeyRecords keys = new ResolverKeyRecords(resolver, System.nanoTime() + timeout.toNanos(), keyRecords);
    DKIMVerifier jdkim = new DKIMVerifier(keys) {
      @Override
      protected PublicKeyRecord newPublicKeyRecord(String record) {
        return keyRecords.record(record);
      }
    };
    // The body's canonical lengths are counted only when a signature limits its hash with l=.
    boolean limited = verified.stream().anyMatch(f -> BODY_LENGTH_TAG.matcher(f).find());
    BodyLength relaxed = new BodyLength(true);
    BodyLength simple = new BodyLength(false);
    try {
      BodyHasher hasher = jdkim.newBodyHasher(new HeaderFields(fields));
      OutputStream hash = hasher == null ? OutputStream.nullOutputStream() : hasher.getOutputStream();
      try (OutputStream out = limited ? new Tee(hash, relaxed.stream, simple.stream) : hash) {
        body.transferTo(out);
      }
      jdkim.verify(hasher);
    } catch (FailException e) {
      // No signature verified: the results say why, one per signature.
    } catch (IOException | RuntimeException e) {
      return everyOne(verified, "the verifier could not read the message: " + e.getMessage(), keys);
    }
    List<DkimSignature> results = new ArrayList<>();
    List<Result> sorted = new ArrayList<>(jdkim.getResults());
    sorted.sort(Comparator.comparingInt(r -> position(verified, r)));
    for (Result result : sorted) {
      results.add(judge(result, keys, relaxed.octets, simple.octets));
    }
    return new DkimOutcome(results, signatures.size() - verified.size(), keys.lookups());
  }

  private static DkimSignature judge(Result result, ResolverKeyRecords keys, long relaxedOctets, long simpleOctets) {
    SignatureRecord record = result.getRecord();
    String domain = text(() -> record.getDToken());
    String selector = text(() -> record.getSelector());
    String b = WHITE_SPACE.matcher(text(() -> record.getRawSignature())).replaceAll("");
    String start = b.length() > 8 ? b.substring(0, 8) : b;
    String algorithm = text(() -> record.getHashKeyType() + "-" + record.getHashMethod()).toLowerCase(Locale.ROOT);
    if (algorithm.startsWith("ed25519")) {
      return new DkimSignature(domain, selector, start, algorithm, DkimResult.NEUTRAL,
          "unsupported algorithm " + algorithm + " (RFC 8463); not verified here");
    }
    if (result.getResultType() == Result.Type.TEMPERROR) {
      return new DkimSignature(domain, selector, start, algorithm, DkimResult.TEMPERROR, result.getErrorMessage());
    }
    if (!result.isSuccess()) {
      String why = Optional.ofNullable(result.getErrorMessage()).orElse("signature did not verify");
      boolean badSignature = why.contains("does not verify") || why.contains("bodyhash is different");
      return new DkimSignature(domain, selector, start, algorithm,
          badSignature ? DkimResult.FAIL : DkimResult.PERMERROR, reason(why));
    }
    if (algorithm.endsWith("sha1")) {
      return new DkimSignature(domain, selector, start, algorithm, DkimResult.FAIL,
          "rsa-sha1 is not accepted (RFC 8301 3.1)");
    }
    Optional<Integer> bits = keys.keyBits(selector, domain);
    if (bits.isPresent() && bits.get() < KEY_BITS_MIN) {
      return new DkimSignature(domain, selector, start, algorithm, DkimResult.FAIL,
          "the key has " + bits.get() + " bits, fewer than " + KEY_BITS_MIN + " (RFC 8301 3.2)");
    }
    int limit = record.getBodyHashLimit();
    long octets = SignatureRecord.RELAXED.equals(record.getBodyCanonicalisationMethod()) ? relaxedOctets : simpleOctets;
    if (limit >= 0 && limit > octets) {
      return new DkimSignature(domain, selector, start, algorithm, DkimResult.PERMERROR,
          "l=" + limit + " is longer than the body (" + octets + " octets once canonicalized)");
    }
    return new DkimSignature(domain, selector, start, algorithm, DkimResult.PASS, "signature verified");
  }

  /** jDKIM's words, made short: "Computed bodyhash is different from the expected one" is a body hash mismatch. */
  private static String reason(String why) {
    if (why.contains("bodyhash is different")) {
      return "body hash mismatch: the body changed after signing";
    }
    if (why.contains("does not verify")) {
      return "signature does not verify: a signed header field changed, or the wrong key";
    }
    return why.replaceFirst("^Invalid signature record: ", "bad signature field: ");
  }

  private static int position(List<String> fields, Result result) {
    String b = text(() -> result.getRecord().getRawSignature());
    for (int i = 0; i < fields.size(); i++) {
      if (!b.isEmpty() && fields.get(i).contains(b)) {
        return i;
      }
    }
    return fields.size();
  }

  private DkimOutcome everyOne(List<String> verified, String why, ResolverKeyRecords keys) {
    List<DkimSignature> all = verified.stream()
        .map(f -> new DkimSignature("invalid", "", "", "", DkimResult.PERMERROR, why)).toList();
    return new DkimOutcome(all, 0, keys.lookups());
  }

  private static String text(java.util.function.Supplier<CharSequence> value) {
    try {
      CharSequence text = value.get();
      return text == null ? "" : text.toString();
    } catch (RuntimeException e) {
      return "";
    }
  }

  /** The length of the body once canonicalized one way: what {@code l=} counts (RFC 6376 3.4.5). */
  private static final class BodyLength {
    long octets;
    final OutputStream stream;

    BodyLength(boolean relaxed) {
      OutputStream counter = new OutputStream() {
        @Override
        public void write(int b) {
          octets++;
        }

        @Override
        public void write(byte[] b, int off, int len) {
          octets += len;
        }
      };
      this.stream = relaxed ? new RelaxedBodyCanonicalizer(counter) : new SimpleBodyCanonicalizer(counter);
    }
  }

  /** One stream written to several. */
  private static final class Tee extends OutputStream {
    private final OutputStream[] targets;

    Tee(OutputStream... targets) {
      this.targets = targets;
    }

    @Override
    public void write(int b) throws IOException {
      for (OutputStream t : targets) {
        t.write(b);
      }
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      for (OutputStream t : targets) {
        t.write(b, off, len);
      }
    }

    @Override
    public void close() throws IOException {
      for (OutputStream t : targets) {
        t.close();
      }
    }
  }
}
