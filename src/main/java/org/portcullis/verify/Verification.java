package org.portcullis.verify;

/** What verifying one address came to. */
public sealed interface Verification {

  /** Where the answer came from, for explanations and logs ({@code relay.internal:25}, {@code ldap://dc1}). */
  String source();

  /**
   * The address exists.
   *
   * @param detail what was said (the RCPT reply, the directory entry found)
   */
  record Exists(String source, String detail) implements Verification {}

  /**
   * The address does not exist, or the domain takes no mail at all.
   *
   * @param detail what was said (a 5xx reply, "no entry for ...")
   * @param wholeDomain the answer holds for every address of the domain (a null MX, the null sender refused)
   */
  record Missing(String source, String detail, boolean wholeDomain) implements Verification {}

  /**
   * No answer that can be relied on: a 4xx (the other side greylisting us), a timeout, a refused
   * connection, a directory outage. Never a pass: answered with a temporary refusal.
   *
   * @param wholeDomain the answer holds for every address of the domain (its servers unreachable)
   */
  record Unknown(String source, String detail, boolean wholeDomain) implements Verification {}
}
