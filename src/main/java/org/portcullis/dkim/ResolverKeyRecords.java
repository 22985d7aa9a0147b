package org.portcullis.dkim;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.apache.james.jdkim.api.PublicKeyRecordRetriever;
import org.apache.james.jdkim.exceptions.PermFailException;
import org.apache.james.jdkim.exceptions.TempFailException;
import org.portcullis.dns.DnsAnswer;
import org.portcullis.dns.DnsRecord;
import org.portcullis.dns.DnsResolver;
import org.portcullis.dns.DnsType;

/**
 * jDKIM's key lookups answered from our {@link DnsResolver}: a TXT query at
 * {@code <selector>._domainkey.<domain>}, where a timeout or SERVFAIL is a temporary failure and
 * NXDOMAIN or no TXT record a permanent one. It notes the size of each RSA key it hands over, so
 * the verifier can refuse keys under 1024 bits (RFC 8301 3.2), which jDKIM accepts. Not
 * thread-safe: one per message.
 */
final class ResolverKeyRecords implements PublicKeyRecordRetriever {

  /** A key record longer than this is not a key anyone publishes (a 4096-bit key is ~740 octets). */
  static final int RECORD_MAX_CHARS = 4096;

  private final DnsResolver resolver;
  private final KeyRecordCache cache;
  private final long deadlineNanos;
  private final List<String> lookups = new ArrayList<>();
  private final Map<String, Integer> keyBits = new HashMap<>();

  /** @param deadlineNanos when every lookup of this message must be over ({@link System#nanoTime()}) */
  ResolverKeyRecords(DnsResolver resolver, long deadlineNanos, KeyRecordCache cache) {
    this.cache = cache;
    this.resolver = resolver;
    this.deadlineNanos = deadlineNanos;
  }

  List<String> lookups() {
    return List.copyOf(lookups);
  }

  /** The size of the RSA key published for {@code selector} at {@code domain}, if one was fetched. */
  Optional<Integer> keyBits(CharSequence selector, CharSequence domain) {
    return Optional.ofNullable(keyBits.get(recordName(selector, domain)));
  }

  @Override
  public List<String> getRecords(CharSequence method, CharSequence selector, CharSequence domain)
      throws TempFailException, PermFailException {
    if (!"dns/txt".contentEquals(method)) {
      throw new PermFailException("unsupported key query method " + method);
    }
    String name = recordName(selector, domain);
    if (name.length() > 253 || selector.isEmpty() || domain.isEmpty()) {
      throw new PermFailException("the key record name " + name + " is not a DNS name");
    }
    DnsAnswer answer = resolver.lookupBy(name, DnsType.TXT, deadlineNanos);
    lookups.add("TXT " + name + ": " + answer.summary());
    if (!answer.status().isDefinite()) {
      throw new TempFailException("the key record " + name + " could not be looked up (" + answer.status() + ")");
    }
    List<String> records = answer.recordsOf(DnsRecord.Txt.class).stream().map(DnsRecord.Txt::text).toList();
    if (records.isEmpty()) {
      throw new PermFailException("no key record at " + name + " (" + answer.status() + ")");
    }
    for (String record : records) {
      if (record.length() > RECORD_MAX_CHARS) {
        throw new PermFailException("the key record at " + name + " is longer than " + RECORD_MAX_CHARS + " characters");
      }
      noteKeySize(name, record);
    }
    return records;
  }

  private void noteKeySize(String name, String record) {
    cache.bits(record).ifPresent(bits -> keyBits.putIfAbsent(name, bits));
  }

  private static String recordName(CharSequence selector, CharSequence domain) {
    return (selector + "._domainkey." + domain).toLowerCase(Locale.ROOT);
  }
}
