package org.portcullis.probe;

import java.time.Instant;
import java.util.Optional;

/** Where probes and their attempts are kept. Thread-safe; failures throw {@code StoreException}. */
public interface RetryProbeStore {

  void create(String token, Instant created, Instant expires);

  /** The probe with its attempts in order, if it exists (expired or not). */
  Optional<RetryProbe> find(String token);

  /** Records an attempt; the caller bounds how many a probe gets. */
  void attempt(String token, RetryProbe.Attempt attempt);

  /** Deletes probes that expired before {@code now}, with their attempts; returns how many probes. */
  int prune(Instant now);
}
