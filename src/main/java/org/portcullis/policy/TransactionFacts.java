package org.portcullis.policy;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * What the checks of one transaction established for later checks and for the message's
 * Authentication-Results: the SPF outcome at MAIL that DMARC reads at the end of DATA, the DKIM
 * outcome, each method's result ({@code spf=pass smtp.mailfrom=...}). Recorded whatever the
 * check's verdict or mode: it is what was verified, not what was decided. Cleared with the
 * transaction. Thread-safe (a check may finish on its watchdog's thread).
 */
public final class TransactionFacts {

  private final Map<Class<?>, Object> values = new ConcurrentHashMap<>();
  private final List<String> authenticationResults = new CopyOnWriteArrayList<>();

  /** Records a check's outcome, one per type; a later one of the same type replaces it. */
  public <T> void put(Class<T> type, T value) {
    values.put(type, value);
  }

  public <T> Optional<T> get(Class<T> type) {
    return Optional.ofNullable(type.cast(values.get(type)));
  }

  /** Adds a result for Authentication-Results, e.g. {@code dkim=pass header.d=example.com}. */
  public void authenticated(String result) {
    authenticationResults.add(result);
  }

  /** The results in the order the checks recorded them. */
  public List<String> authenticationResults() {
    return List.copyOf(authenticationResults);
  }

  void clear() {
    values.clear();
    authenticationResults.clear();
  }
}
