package org.portcullis.policy;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Modes set while the server runs (the admin pages' switch), over the configured ones. Reads are
 * one lookup in an immutable map, swapped on each change. Thread-safe.
 */
public final class CheckModes {

  private static final CheckModes NONE = new CheckModes(Set.of(), false);

  private final Set<String> fixed;
  private final boolean switchable;
  private volatile Map<String, CheckMode> overrides = Map.of();

  /** @param fixed checks whose mode cannot change (relay control) */
  public CheckModes(Set<String> fixed) {
    this(fixed, true);
  }

  private CheckModes(Set<String> fixed, boolean switchable) {
    this.fixed = Set.copyOf(fixed);
    this.switchable = switchable;
  }

  /** No switch: the configured modes always apply. */
  public static CheckModes none() {
    return NONE;
  }

  /** Whether modes can be switched at all (if not, checks configured off need not be kept). */
  public boolean switchable() {
    return switchable;
  }

  /** The mode in force: the switched one, else the configured one. */
  public CheckMode effective(String check, CheckMode configured) {
    CheckMode switched = overrides.get(check);
    return switched != null ? switched : configured;
  }

  public Optional<CheckMode> switched(String check) {
    return Optional.ofNullable(overrides.get(check));
  }

  /**
   * Switches a check's mode (empty: back to the configured one).
   *
   * @throws IllegalArgumentException for a check whose mode is fixed
   */
  public synchronized void set(String check, Optional<CheckMode> mode) {
    if (!switchable) {
      throw new IllegalStateException("modes cannot be switched here");
    }
    if (fixed.contains(check)) {
      throw new IllegalArgumentException(check + " cannot be switched: it keeps the relay closed");
    }
    Map<String, CheckMode> next = new HashMap<>(overrides);
    if (mode.isPresent()) {
      next.put(check, mode.get());
    } else {
      next.remove(check);
    }
    overrides = Map.copyOf(next);
  }

  /** Every switched mode. */
  public Map<String, CheckMode> all() {
    return overrides;
  }
}
