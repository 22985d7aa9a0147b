package org.portcullis.policy;

import org.portcullis.mail.EmailAddress;

/**
 * Which recipients of our domains exist, for the {@code recipient-known} check. Implementations
 * answer from memory (no store access per lookup) and are thread-safe.
 */
public interface RecipientDirectory {

  /** Accepts every local part (nothing is judged). */
  RecipientDirectory ANYONE = new RecipientDirectory() {
    @Override
    public boolean enforced() {
      return false;
    }

    @Override
    public boolean exists(EmailAddress address) {
      return true;
    }
  };

  /** Whether unknown recipients are refused at all. */
  boolean enforced();

  /** Whether {@code address} (of one of our domains) is a mailbox here; case-insensitive. */
  boolean exists(EmailAddress address);
}
