package org.portcullis.policy;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A {@link RefusalLog} in memory, for {@code policy-test} (which must not write to the
 * production store) and for tests. Thread-safe.
 */
public final class MemoryRefusalLog implements RefusalLog {

  private final Map<String, RefusalRecord> records = new ConcurrentHashMap<>();
  private final List<RefusalRecord> order = java.util.Collections.synchronizedList(new ArrayList<>());

  @Override
  public void record(RefusalRecord record) {
    records.put(record.reference(), record);
    order.add(record);
  }

  @Override
  public Optional<RefusalRecord> find(String reference) {
    return Optional.ofNullable(records.get(reference.toUpperCase(Locale.ROOT)));
  }

  @Override
  public void flush() {
    // nothing queued
  }

  /** Every record so far, in order. */
  public List<RefusalRecord> all() {
    synchronized (order) {
      return List.copyOf(order);
    }
  }
}
