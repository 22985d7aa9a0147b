package org.portcullis.dkim;

import java.util.Locale;

/** The result of one signature, in the words of Authentication-Results (RFC 8601 2.7.1). */
public enum DkimResult {
  /** The signature verified with an acceptable algorithm and key. */
  PASS,
  /** The signature did not verify, or used what RFC 8301 forbids (rsa-sha1, a key under 1024 bits). */
  FAIL,
  /** The signature could not be judged here: an algorithm we do not implement (ed25519-sha256). */
  NEUTRAL,
  /** The key could not be fetched for now: DNS did not answer. */
  TEMPERROR,
  /** The signature or its key is broken: a bad tag, no key, a revoked key, an expired signature. */
  PERMERROR;

  /** {@code "pass"}, {@code "temperror"}, as Authentication-Results writes them. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
