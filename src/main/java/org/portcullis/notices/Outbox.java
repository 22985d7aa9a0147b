package org.portcullis.notices;

import java.time.Instant;
import java.util.List;

/**
 * Where answers to requesters wait until a running server sends them. The CLI (another
 * process), the API and the admin pages all write here; only the server with the outbound queue
 * reads. Implemented by each store; thread-safe; failures throw {@code StoreException}.
 */
public interface Outbox {

  /** Stores a notice to send; returns its id. */
  long add(String recipient, String subject, String body, Instant at);

  /** Notices not yet sent, oldest first, at most {@code limit}. */
  List<Notice> pending(int limit);

  /** Marks a notice as put into the outbound queue under {@code queueId}. */
  void sent(long id, String queueId, Instant at);

  /** Every notice to {@code recipient}, newest first (tests, the admin pages). */
  List<Notice> to(String recipient, int limit);
}
