package org.portcullis.lists;

import java.net.InetAddress;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.portcullis.mail.Addresses;
import org.portcullis.mail.Cidr;
import org.portcullis.mail.EmailAddress;
import org.portcullis.policy.AddressPattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whitelist requests (seed 001): a sender submits their address, the IP they send from, the
 * address they were writing to and a reason; the request waits; an operator approves it, which
 * makes an allow entry scoped as the operator chooses, or declines it with a message.
 * Thread-safe.
 */
public final class WhitelistRequests {

  private static final Logger log = LoggerFactory.getLogger("portcullis.lists");

  /** What an approval's allow entry matches on. */
  public enum Scope { SENDER, CLIENT, RECIPIENT }

  static final int REASON_MAX = 2000;
  static final int MESSAGE_MAX = 1000;

  private final AccessListStore store;
  private final Clock clock;

  public WhitelistRequests(AccessListStore store, Clock clock) {
    this.store = store;
    this.clock = clock;
  }

  /**
   * Stores a request from a sender.
   *
   * @throws IllegalArgumentException naming the field that is wrong
   */
  public WhitelistRequest submit(String email, String ip, String recipient, String reason) {
    EmailAddress from = address(email, "email");
    InetAddress client = Addresses.parseLiteral(ip.strip())
        .orElseThrow(() -> new IllegalArgumentException("ip: not an IPv4 or IPv6 address"));
    EmailAddress to = address(recipient, "recipient");
    String why = reason.strip();
    if (why.isEmpty() || why.length() > REASON_MAX) {
      throw new IllegalArgumentException("reason: 1 to " + REASON_MAX + " characters");
    }
    if (why.chars().anyMatch(c -> c < 0x20 && c != '\n' && c != '\r' && c != '\t')) {
      throw new IllegalArgumentException("reason: control characters are not allowed");
    }
    WhitelistRequest stored = store.submit(new WhitelistRequest(0, AccessLists.normalise(from),
        Addresses.toText(client), AccessLists.normalise(to), why, WhitelistRequest.Status.PENDING, clock.instant(),
        Optional.empty(), Optional.empty(), Optional.empty()));
    log.info("whitelist request {} from {} [{}] to {}", stored.id(), stored.email(), stored.clientIp(),
        stored.recipient());
    return stored;
  }

  private static EmailAddress address(String text, String field) {
    try {
      EmailAddress address = EmailAddress.parse(text.strip());
      if (address.isDomainLiteral()) {
        throw new IllegalArgumentException("an address literal is not accepted");
      }
      return address;
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(field + ": not an e-mail address (" + e.getMessage() + ")");
    }
  }

  public List<WhitelistRequest> list(Optional<WhitelistRequest.Status> status, int limit) {
    return store.requests(status, limit);
  }

  public Optional<WhitelistRequest> get(long id) {
    return store.request(id);
  }

  /**
   * Approves a pending request: an allow entry matching the chosen parts of the request (the
   * sender's address, their IP, the recipient; at least the sender or the IP) that skips
   * {@code skip}.
   *
   * @return the entry, or empty if the request is missing or already decided
   * @throws IllegalArgumentException if the scope or the skipped checks are not allowed
   */
  public Optional<ListEntry> approve(long id, Set<Scope> scope, Set<String> skip, Optional<Instant> expires,
      String message) {
    if (!scope.contains(Scope.SENDER) && !scope.contains(Scope.CLIENT)) {
      throw new IllegalArgumentException("the scope must include the sender or the client IP: "
          + "an entry by recipient alone would let anyone through");
    }
    Optional<WhitelistRequest> request = store.request(id);
    if (request.isEmpty() || request.get().status() != WhitelistRequest.Status.PENDING) {
      return Optional.empty();
    }
    WhitelistRequest r = request.get();
    String note = "whitelist request " + id + ": " + oneLine(r.reason(), 300);
    ListEntry entry = new ListEntry(0, ListEntry.Action.ALLOW,
        scope.contains(Scope.CLIENT) ? Optional.of(Cidr.parse(r.clientIp())) : Optional.empty(),
        scope.contains(Scope.SENDER) ? Optional.of(AddressPattern.parse(r.email())) : Optional.empty(),
        scope.contains(Scope.RECIPIENT) ? Optional.of(AddressPattern.parse(r.recipient())) : Optional.empty(),
        Optional.empty(), skip, Optional.empty(), expires, note, clock.instant());
    Optional<ListEntry> stored = store.approve(id, entry, message(message, false), clock.instant());
    stored.ifPresent(e -> log.info("whitelist request {} approved: allow entry {} ({})", id, e.id(), e.criteria()));
    return stored;
  }

  /**
   * Declines a pending request with a message for the sender.
   *
   * @return false if the request is missing or already decided
   */
  public boolean decline(long id, String message) {
    boolean declined = store.decline(id, message(message, true), clock.instant());
    if (declined) {
      log.info("whitelist request {} declined", id);
    }
    return declined;
  }

  private static String message(String message, boolean required) {
    String m = message == null ? "" : message.strip();
    if (required && m.isEmpty()) {
      throw new IllegalArgumentException("a declined request needs a message for the sender");
    }
    if (m.length() > MESSAGE_MAX) {
      throw new IllegalArgumentException("the message has at most " + MESSAGE_MAX + " characters");
    }
    return m;
  }

  private static String oneLine(String text, int max) {
    String line = text.replaceAll("\\s+", " ").strip();
    return line.length() > max ? line.substring(0, max) + "..." : line;
  }
}
