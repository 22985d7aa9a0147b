package org.portcullis.policy;

import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import org.portcullis.mail.Recipient;

/**
 * Exceptions that change while the server runs (allow entries, recipients' whitelists), beside
 * the static ones of the configuration. Thread-safe.
 */
@FunctionalInterface
public interface LiveExceptions {

  /** Checks no exception can skip: relaying is never opened, and a deny entry outranks any allow. */
  Set<String> NEVER_SKIPPED = Set.of("relay-control", "deny-list");

  /** No live exceptions. */
  LiveExceptions NONE = (session, recipient) -> Optional.empty();

  /** Both kinds: what either skips is skipped, and both are named. */
  static LiveExceptions both(LiveExceptions first, LiveExceptions second) {
    return (session, recipient) -> {
      Optional<Skip> a = first.skipped(session, recipient);
      Optional<Skip> b = second.skipped(session, recipient);
      if (a.isEmpty() || b.isEmpty()) {
        return a.isPresent() ? a : b;
      }
      return Optional.of(new Skip(a.get().checks().or(b.get().checks()), a.get().why() + "; " + b.get().why(),
          a.get().everything() || b.get().everything()));
    };
  }

  /**
   * The checks to skip for this session and recipient as known now, with why; empty when nothing
   * applies. Never includes relay control or the deny list.
   */
  Optional<Skip> skipped(SessionView session, Optional<Recipient> recipient);

  /**
   * Checks skipped by an exception.
   *
   * @param checks which checks
   * @param why the entry or whitelist that applies, for the log
   * @param everything an allow entry that skips every check applies
   */
  record Skip(Predicate<String> checks, String why, boolean everything) {}
}
