package org.portcullis.history;

import java.util.List;

/**
 * Recent transactions: accepted messages are recorded here; refusals come from the refusal
 * records. Thread-safe; {@link #accepted} never blocks on the disk (it queues), failures of
 * {@link #search} throw {@code StoreException}.
 */
public interface TransactionLog {

  /** Records an accepted message (queued, written shortly after). */
  void accepted(Transaction transaction);

  /** Transactions matching the search, newest first. */
  List<Transaction> search(TransactionSearch search);

  /** Waits until everything recorded so far is written. */
  void flush();
}
