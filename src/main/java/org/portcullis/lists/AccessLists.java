package org.portcullis.lists;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.portcullis.mail.EmailAddress;
import org.portcullis.mail.Recipient;
import org.portcullis.policy.LiveExceptions;
import org.portcullis.policy.Phase;
import org.portcullis.policy.SessionView;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The allow and deny lists and recipients' whitelists as the running server applies them: an
 * in-memory snapshot of the store, reloaded when the store's version changes ({@link #refresh},
 * called a few times a second), so changes from the CLI, the API or another process apply within
 * a second without a restart. Lookups never touch the store. Thread-safe.
 *
 * <p>A sender on a recipient's whitelist (by address or domain, on the recipient's mailbox or
 * domain) skips {@code whitelistSkips} (greylisting and DNSBL by default) for that recipient only.
 */
public final class AccessLists implements LiveExceptions {

  private static final Logger log = LoggerFactory.getLogger("portcullis.lists");

  /** What is in force. */
  private record Snapshot(long version, List<ListEntry> allows, Map<Phase, List<ListEntry>> denies,
      Map<String, Set<String>> whitelists) {}

  private final AccessListStore store;
  private final Clock clock;
  private final Set<String> whitelistSkips;
  private volatile Snapshot current = new Snapshot(-1, List.of(), Map.of(), Map.of());

  public AccessLists(AccessListStore store, Clock clock, Set<String> whitelistSkips) {
    this.store = store;
    this.clock = clock;
    this.whitelistSkips = Set.copyOf(whitelistSkips);
    refresh();
  }

  public AccessListStore store() {
    return store;
  }

  /** Reloads the lists if the store changed since the last load; store errors keep the old lists. */
  public void refresh() {
    long version = store.version();
    if (version == current.version()) {
      return;
    }
    List<ListEntry> allows = new ArrayList<>();
    Map<Phase, List<ListEntry>> denies = new HashMap<>();
    for (ListEntry entry : store.entries()) {
      if (entry.action() == ListEntry.Action.ALLOW) {
        allows.add(entry);
      } else {
        denies.computeIfAbsent(entry.decidedAt(), p -> new ArrayList<>()).add(entry);
      }
    }
    Map<String, Set<String>> whitelists = new HashMap<>();
    store.whitelists().forEach((owner, senders) -> whitelists.put(owner, Set.copyOf(senders)));
    current = new Snapshot(version, List.copyOf(allows), Map.copyOf(denies), Map.copyOf(whitelists));
    log.debug("lists loaded: {} allow, {} deny entries, {} whitelists (version {})", allows.size(),
        denies.values().stream().mapToInt(List::size).sum(), whitelists.size(), version);
  }

  /** The first active deny entry decided at this phase that matches, if any. */
  public Optional<ListEntry> deny(Phase phase, SessionView session, Optional<Recipient> recipient) {
    List<ListEntry> candidates = current.denies().getOrDefault(phase, List.of());
    if (candidates.isEmpty()) {
      return Optional.empty();
    }
    Instant now = clock.instant();
    for (ListEntry entry : candidates) {
      if (entry.active(now) && entry.matches(session, recipient)) {
        return Optional.of(entry);
      }
    }
    return Optional.empty();
  }

  @Override
  public Optional<Skip> skipped(SessionView session, Optional<Recipient> recipient) {
    Snapshot snapshot = current;
    List<ListEntry> matching = List.of();
    if (!snapshot.allows().isEmpty()) {
      Instant now = clock.instant();
      for (ListEntry entry : snapshot.allows()) {
        if (entry.active(now) && entry.matches(session, recipient)) {
          if (matching.isEmpty()) {
            matching = new ArrayList<>(1);
          }
          matching.add(entry);
        }
      }
    }
    Optional<String> whitelist = whitelisted(snapshot, session, recipient);
    if (matching.isEmpty() && whitelist.isEmpty()) {
      return Optional.empty();
    }
    List<ListEntry> entries = matching;
    boolean byWhitelist = whitelist.isPresent();
    List<String> why = new ArrayList<>(2);
    entries.forEach(e -> why.add("allow entry " + e.id()));
    whitelist.ifPresent(why::add);
    return Optional.of(new Skip(check -> entries.stream().anyMatch(e -> e.skips(check))
        || byWhitelist && whitelistSkips.contains(check) && !ListEntry.NEVER_SKIPPED.contains(check),
        String.join(", ", why), entries.stream().anyMatch(e -> e.skip().contains(ListEntry.ALL))));
  }

  /** "whitelist of bob@example.com" when the sender is on the recipient's (mailbox or domain) whitelist. */
  private static Optional<String> whitelisted(Snapshot snapshot, SessionView session, Optional<Recipient> recipient) {
    if (recipient.isEmpty() || snapshot.whitelists().isEmpty()) {
      return Optional.empty();
    }
    Optional<EmailAddress> sender = session.sender().flatMap(s -> s.mailbox());
    if (sender.isEmpty()) {
      return Optional.empty();
    }
    String senderAddress = normalise(sender.get());
    String senderDomain = sender.get().domain().toLowerCase(Locale.ROOT);
    EmailAddress rcpt = recipient.get().address();
    for (String owner : List.of(normalise(rcpt), rcpt.domain().toLowerCase(Locale.ROOT))) {
      Set<String> senders = snapshot.whitelists().get(owner);
      if (senders != null && (senders.contains(senderAddress) || senders.contains(senderDomain))) {
        return Optional.of("whitelist of " + owner);
      }
    }
    return Optional.empty();
  }

  /** An address as whitelists keep it: lower case. */
  public static String normalise(EmailAddress address) {
    return (address.localPart() + "@" + address.domain()).toLowerCase(Locale.ROOT);
  }
}
