package org.portcullis.policy;

import java.util.List;
import java.util.Optional;
import org.portcullis.mail.HeloName;
import org.portcullis.mail.MailParameters;
import org.portcullis.mail.MailPath;
import org.portcullis.mail.MessageText;
import org.portcullis.mail.Recipient;

/**
 * What checks may read about the session and the current transaction. Implemented by
 * {@link SessionPolicy}; the same view serves the SMTP gateway, {@code policy-test} and the
 * Postfix policy service.
 */
public interface SessionView {

  ClientInfo client();

  Optional<HeloName> helo();

  ProtocolFacts protocol();

  /** The reverse-path, once MAIL FROM was accepted for evaluation. */
  Optional<MailPath> sender();

  MailParameters mailParameters();

  /** Recipients accepted so far in this transaction. */
  List<Recipient> acceptedRecipients();

  /** The message's header section, at END_OF_DATA. */
  Optional<MessageHeaders> headers();

  /** The message's octets as received, at END_OF_DATA (empty where only headers are known). */
  default Optional<MessageText> message() {
    return Optional.empty();
  }

  /** What this transaction's checks have established so far. */
  TransactionFacts facts();

  /**
   * What a live exception (an allow entry, a whitelist, a correspondent) lets this recipient skip,
   * in words, for the explanation of a refusal that still came; empty when none applies.
   */
  default Optional<String> exceptionFor(Optional<Recipient> recipient) {
    return Optional.empty();
  }

  /** Whether the client is trusted to relay: on a LAN network or authenticated. */
  default boolean mayRelay() {
    return client().lan() || protocol().authenticatedUser().isPresent();
  }
}
