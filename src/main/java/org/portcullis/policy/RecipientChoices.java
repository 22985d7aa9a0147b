package org.portcullis.policy;

import org.portcullis.mail.EmailAddress;

/**
 * The recipients' choices for per-recipient checks, most specific scope first: the mailbox, then
 * its domain (the tenant), then the listener the mail came in on, then the configuration
 * ({@code checks.NAME.default-choice}); without any, the check's verdict stands
 * ({@link RecipientChoice#REJECT}). Implementations are thread-safe and answer from memory (they are
 * asked at every RCPT).
 */
public interface RecipientChoices {

  /** The scope of a choice nobody made. */
  String DEFAULT = "default";

  /**
   * A choice and where it came from.
   *
   * @param scope {@code mailbox carol@example.com}, {@code domain example.com}, {@code listener
   *     partners} or {@code default}
   */
  record Decided(RecipientChoice choice, String scope) {}

  /** No choices anywhere: every per-recipient verdict is a refusal. */
  RecipientChoices NONE = (recipient, check) -> new Decided(RecipientChoice.REJECT, DEFAULT);

  Decided choice(EmailAddress recipient, String check);

  /**
   * These choices, and where neither mailbox nor domain chose, {@code fallbacks}' for the check
   * (the listener's or the configuration's); a check without one keeps the default.
   */
  static RecipientChoices fallingBack(RecipientChoices chosen, java.util.Map<String, Decided> fallbacks) {
    if (fallbacks.isEmpty()) {
      return chosen;
    }
    java.util.Map<String, Decided> copy = java.util.Map.copyOf(fallbacks);
    return (recipient, check) -> {
      Decided d = chosen.choice(recipient, check);
      return d.scope().equals(DEFAULT) ? copy.getOrDefault(check, d) : d;
    };
  }
}
