package org.portcullis.lists;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.portcullis.mail.Cidr;
import org.portcullis.mail.Recipient;
import org.portcullis.policy.AddressPattern;
import org.portcullis.policy.LiveExceptions;
import org.portcullis.policy.Phase;
import org.portcullis.policy.SessionView;

/**
 * One allow or deny entry (exceptions managed at run time): criteria on the client,
 * sender, recipient and HELO name, all of which must match; an allow entry skips the checks it
 * names (or all), a deny entry refuses with its own reply text. Entries may expire.
 *
 * <p>An allow entry never skips relay control or the deny list: it exempts from checks, it never
 * opens the relay nor outranks a deny entry.
 *
 * @param id the store's number for it
 * @param reply a deny entry's reply text (empty: a standard text)
 * @param skip an allow entry's checks to skip, or {@code all}; empty for a deny entry
 * @param expires when it stops applying (empty: never)
 */
public record ListEntry(long id, Action action, Optional<Cidr> client, Optional<AddressPattern> sender,
    Optional<AddressPattern> recipient, Optional<AddressPattern> helo, Set<String> skip, Optional<String> reply,
    Optional<Instant> expires, String note, Instant created) {

  public enum Action {
    ALLOW, DENY;

    public String label() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  public static final String ALL = "all";
  /** Checks no allow entry or whitelist can skip. */
  public static final Set<String> NEVER_SKIPPED = LiveExceptions.NEVER_SKIPPED;
  static final int REPLY_MAX = 300;
  static final int NOTE_MAX = 500;

  public ListEntry {
    skip = Set.copyOf(skip);
    if (client.isEmpty() && sender.isEmpty() && recipient.isEmpty() && helo.isEmpty()) {
      throw new IllegalArgumentException("an entry needs at least one of client, sender, recipient, helo");
    }
    if (action == Action.ALLOW && skip.isEmpty()) {
      throw new IllegalArgumentException("an allow entry must name the checks it skips (or \"all\")");
    }
    if (action == Action.DENY && !skip.isEmpty()) {
      throw new IllegalArgumentException("a deny entry skips nothing; it refuses");
    }
    if (action == Action.ALLOW && reply.isPresent()) {
      throw new IllegalArgumentException("only a deny entry has a reply text");
    }
    for (String check : skip) {
      if (NEVER_SKIPPED.contains(check)) {
        throw new IllegalArgumentException(check + " cannot be skipped by an allow entry");
      }
    }
    if (reply.isPresent() && (reply.get().isBlank() || reply.get().length() > REPLY_MAX
        || !reply.get().chars().allMatch(c -> c >= 0x20 && c < 0x7f))) {
      throw new IllegalArgumentException("the reply text must be printable ASCII, 1 to " + REPLY_MAX + " characters");
    }
    if (note.length() > NOTE_MAX || note.chars().anyMatch(c -> c < 0x20)) {
      throw new IllegalArgumentException("the note must be one line of at most " + NOTE_MAX + " characters");
    }
  }

  /** Whether it applies at {@code now} (not expired). */
  public boolean active(Instant now) {
    return expires.isEmpty() || now.isBefore(expires.get());
  }

  /** Whether an allow entry skips this check. */
  public boolean skips(String check) {
    return action == Action.ALLOW && !NEVER_SKIPPED.contains(check) && (skip.contains(ALL) || skip.contains(check));
  }

  /** The phase at which everything the entry looks at is known. */
  public Phase decidedAt() {
    if (recipient.isPresent()) {
      return Phase.RCPT;
    }
    if (sender.isPresent()) {
      return Phase.MAIL;
    }
    return helo.isPresent() ? Phase.HELO : Phase.CONNECT;
  }

  /** True if every criterion matches the session as known so far; an unknown one does not match. */
  public boolean matches(SessionView session, Optional<Recipient> rcpt) {
    if (client.isPresent() && !client.get().contains(session.client().address())) {
      return false;
    }
    if (helo.isPresent()) {
      var name = session.helo();
      if (name.isEmpty() || !helo.get().matchesHost(name.get().raw())) {
        return false;
      }
    }
    if (sender.isPresent()) {
      var address = session.sender().flatMap(s -> s.mailbox());
      if (address.isEmpty() || !sender.get().matches(address.get())) {
        return false;
      }
    }
    return recipient.isEmpty() || rcpt.isPresent() && recipient.get().matches(rcpt.get().address());
  }

  /** The criteria in words: {@code client 192.0.2.0/24, sender example.org}. */
  public String criteria() {
    List<String> parts = new ArrayList<>(4);
    client.ifPresent(c -> parts.add("client " + c));
    helo.ifPresent(h -> parts.add("helo " + h));
    sender.ifPresent(s -> parts.add("sender " + s));
    recipient.ifPresent(r -> parts.add("recipient " + r));
    return String.join(", ", parts);
  }

  /** The entry as JSON-ready values (API, CLI {@code --json}). */
  public java.util.Map<String, Object> toMap() {
    java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
    m.put("id", id);
    m.put("action", action.label());
    client.ifPresent(c -> m.put("client", c.toString()));
    sender.ifPresent(p -> m.put("sender", p.toString()));
    recipient.ifPresent(p -> m.put("recipient", p.toString()));
    helo.ifPresent(p -> m.put("helo", p.toString()));
    if (action == Action.ALLOW) {
      m.put("skip", new java.util.TreeSet<>(skip));
    }
    reply.ifPresent(r -> m.put("reply", r));
    m.put("expires", expires.map(Instant::toString).orElse(null));
    m.put("note", note);
    m.put("created", created.toString());
    return m;
  }
}
