package org.portcullis.verdicts;

import java.time.Instant;
import java.util.List;
import org.portcullis.policy.RecipientChoice;

/** Where the recipients' choices live. Implementations are thread-safe. */
public interface ChoiceStore {

  /**
   * One choice.
   *
   * @param scope {@code carol@example.com} (a mailbox) or {@code example.com} (a tenant), lower case
   */
  record Row(String scope, String check, RecipientChoice choice, Instant changed) {}

  /** Sets (or replaces) the choice of {@code scope} for {@code check}. */
  void set(String scope, String check, RecipientChoice choice, Instant at);

  /** Removes it; false if there was none. */
  boolean clear(String scope, String check);

  /** Every choice, for the live snapshot. */
  List<Row> all();

  /** A number that changes whenever the choices do. */
  long version();
}
