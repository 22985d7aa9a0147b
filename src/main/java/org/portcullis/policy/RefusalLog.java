package org.portcullis.policy;

import java.util.Optional;

/**
 * Where refusal explanations are kept, so that a reference can be looked up later.
 *
 * <p>Contract: thread-safe. {@link #record} must not block the SMTP session on disk I/O: it may
 * queue the record and write it shortly after; a store error is logged, never thrown to the
 * session. {@link #find} sees every record whose {@code record} call returned before
 * {@link #flush} was called.
 */
public interface RefusalLog {

  void record(RefusalRecord record);

  /** The record with that reference (case-insensitive), if kept. */
  Optional<RefusalRecord> find(String reference);

  /** Waits until every record passed to {@link #record} so far is stored. */
  void flush();

  /** A client address and how many refusals it got. */
  record ClientCount(String address, long refusals) {}

  /** The clients refused most often since {@code since}, most first; empty where not kept. */
  default java.util.List<ClientCount> topClients(java.time.Instant since, int limit) {
    return java.util.List.of();
  }
}
