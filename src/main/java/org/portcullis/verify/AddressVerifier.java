package org.portcullis.verify;

import org.portcullis.mail.EmailAddress;

/** Answers whether an address exists. Implementations are thread-safe and never throw. */
public interface AddressVerifier {

  /**
   * Verifies {@code address}, finishing by {@code deadlineNanos} ({@link System#nanoTime()}): what
   * has not answered by then is {@link Verification.Unknown}.
   */
  Verification verify(EmailAddress address, long deadlineNanos);
}
