package org.portcullis.policy;

import org.portcullis.mail.EmailAddress;

/**
 * The recipients' choices for per-recipient checks, most specific scope first: the mailbox, then
 * its domain (the tenant); without either, the check's verdict stands ({@link RecipientChoice#REJECT}).
 * Implementations are thread-safe and answer from memory (they are asked at every RCPT).
 */
public interface RecipientChoices {

  /**
   * A choice and where it came from.
   *
   * @param scope {@code mailbox carol@example.com}, {@code domain example.com} or {@code default}
   */
  record Decided(RecipientChoice choice, String scope) {}

  /** No choices anywhere: every per-recipient verdict is a refusal. */
  RecipientChoices NONE = (recipient, check) -> new Decided(RecipientChoice.REJECT, "default");

  Decided choice(EmailAddress recipient, String check);
}
