package org.portcullis.policy;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/** Where modes switched at run time are kept, so they survive a restart. Thread-safe; failures throw {@code StoreException}. */
public interface CheckModeStore {

  /** Every switched mode. */
  Map<String, CheckMode> load();

  /** Records a switch (empty: back to the configured mode). */
  void save(String check, Optional<CheckMode> mode, String by, Instant at);
}
