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
import org.portcullis.mail.References;
import org.portcullis.notices.Notifier;
import org.portcullis.policy.AddressPattern;
import org.portcullis.policy.RefusalLog;
import org.portcullis.policy.RefusalRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whitelist requests from refused senders: a sender submits their address, the IP they send from, the
 * address they were writing to and a reason; the request waits; an operator approves it, which
 * makes an allow entry scoped as the operator chooses, or declines it with a message. The
 * requester hears the outcome by mail ({@link Notifier}) and can follow the request on its
 * status page; a request repeated while the first is pending is merged into it. Thread-safe.
 */
public final class WhitelistRequests {

  private static final Logger log = LoggerFactory.getLogger("portcullis.lists");

  /** What an approval's allow entry matches on. */
  public enum Scope { SENDER, CLIENT, RECIPIENT }

  static final int REASON_MAX = 2000;
  static final int MESSAGE_MAX = 1000;

  /** Checks for which a whitelist entry changes nothing: asking to be whitelisted is no help there. */
  private static final Set<String> NOT_WHITELISTABLE = Set.of("relay-control", "deny-list", "recipient-known");

  /**
   * What a submission did.
   *
   * @param merged true when a pending request from the same address, IP and recipient was found
   *     and nothing new was queued
   */
  public record Submission(WhitelistRequest request, boolean merged) {}

  private final AccessListStore store;
  private final Clock clock;
  private final Notifier notifier;
  private final Optional<RefusalLog> refusals;

  /**
   * @param notifier tells requesters the outcome
   * @param refusals the refusal records, for requests made from a refusal's page (empty: only
   *     requests with an explicit IP and recipient are taken)
   */
  public WhitelistRequests(AccessListStore store, Clock clock, Notifier notifier, Optional<RefusalLog> refusals) {
    this.store = store;
    this.clock = clock;
    this.notifier = notifier;
    this.refusals = refusals;
  }

  /** Whether a refusal by {@code check} of mail for a recipient can be eased by whitelisting the sender. */
  public static boolean whitelistable(RefusalRecord refusal) {
    return !NOT_WHITELISTABLE.contains(refusal.check()) && !refusal.recipient().isEmpty()
        && !refusal.outcome().equals("tag") && !refusal.outcome().equals("quarantine")
        && !refusal.outcome().equals("observe");
  }

  /**
   * Stores a request from a sender.
   *
   * @throws IllegalArgumentException naming the field that is wrong
   */
  public WhitelistRequest submit(String email, String ip, String recipient, String reason) {
    return submit(email, ip, recipient, reason, "").request();
  }

  /**
   * A request made from the form at the bottom of a refusal's page: the client IP and the
   * recipient are the refusal's, never typed by the requester (so the page need not show them).
   *
   * @throws IllegalArgumentException for an unknown reference, a refusal that whitelisting cannot
   *     help, or a bad field
   */
  public Submission submitFor(String reference, String email, String reason) {
    if (!References.isWellFormed(reference)) {
      throw new IllegalArgumentException("reference: not a reference");
    }
    RefusalRecord refusal = refusals.flatMap(r -> r.find(reference))
        .orElseThrow(() -> new IllegalArgumentException("reference: no refusal with this reference"));
    if (!whitelistable(refusal)) {
      throw new IllegalArgumentException("reference: whitelisting does not help with a " + refusal.check()
          + " refusal");
    }
    String recipient = refusal.recipient().replaceAll("^<|>$", "");
    return submit(email, refusal.clientAddress(), recipient, reason, refusal.reference());
  }

  /**
   * Stores a request, or finds the pending one it repeats.
   *
   * @param reference the refusal it came from, or empty
   * @throws IllegalArgumentException naming the field that is wrong
   */
  public Submission submit(String email, String ip, String recipient, String reason, String reference) {
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
    String token = References.token();
    WhitelistRequest stored = store.submit(new WhitelistRequest(0, AccessLists.normalise(from),
        Addresses.toText(client), AccessLists.normalise(to), why, WhitelistRequest.Status.PENDING, clock.instant(),
        Optional.empty(), Optional.empty(), Optional.empty(), reference, token));
    boolean merged = !stored.token().equals(token);
    log.info("whitelist request {} from {} [{}] to {}{}", stored.id(), stored.email(), stored.clientIp(),
        stored.recipient(), merged ? " (repeated; merged into the pending one)" : "");
    return new Submission(stored, merged);
  }

  /** The request whose status page has this token. */
  public Optional<WhitelistRequest> byToken(String token) {
    return References.isToken(token) ? store.requestByToken(token) : Optional.empty();
  }

  /** The address of a request's status page (empty for requests made before status pages existed). */
  public Optional<String> statusUrl(WhitelistRequest request) {
    return request.token().isEmpty() ? Optional.empty() : Optional.of(notifier.statusUrl(request.token()));
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
    String answer = message(message, false);
    Optional<ListEntry> stored = store.approve(id, entry, answer, clock.instant());
    stored.ifPresent(e -> {
      log.info("whitelist request {} approved: allow entry {} ({})", id, e.id(), e.criteria());
      tell(r, "approved", "Mail from " + r.email() + (scope.contains(Scope.CLIENT) ? " sent from " + r.clientIp() : "")
          + (scope.contains(Scope.RECIPIENT) ? " to " + masked(r.recipient()) : "") + " is now exempt from: "
          + (e.skip().contains(ListEntry.ALL) ? "every check but relay control and deny entries"
              : String.join(", ", e.skip())) + e.expires().map(x -> ", until " + x).orElse("")
          + ". Send your message again.", answer);
    });
    return stored;
  }

  /**
   * Declines a pending request with a message for the sender.
   *
   * @return false if the request is missing or already decided
   */
  public boolean decline(long id, String message) {
    String text = message(message, true);
    Optional<WhitelistRequest> request = store.request(id);
    boolean declined = store.decline(id, text, clock.instant());
    if (declined) {
      log.info("whitelist request {} declined", id);
      request.ifPresent(r -> tell(r, "declined", "Nothing was changed: mail from " + r.email()
          + " meets the same checks as before.", text));
    }
    return declined;
  }

  /** Mails the requester the outcome, with the operator's words and the status page. */
  private void tell(WhitelistRequest r, String outcome, String effect, String operatorMessage) {
    StringBuilder body = new StringBuilder()
        .append("Hello,\n\n")
        .append("your request #").append(r.id()).append(" to be whitelisted for mail to ").append(masked(r.recipient()))
        .append(" was ").append(outcome).append(" by the postmaster.\n\n")
        .append(effect).append("\n");
    if (!operatorMessage.isEmpty()) {
      body.append("\nThe postmaster's answer:\n\n").append(operatorMessage.strip()).append("\n");
    }
    statusUrl(r).ifPresent(url -> body.append("\nThe request: ").append(url).append("\n"));
    if (!r.reference().isEmpty()) {
      body.append("The refusal it was about: reference ").append(r.reference()).append("\n");
    }
    body.append("\nThis message was sent automatically in answer to your request; to reach the postmaster, "
        + "reply to it.\n");
    notifier.tell(r.email(), "Your whitelist request #" + r.id() + " was " + outcome, body.toString());
  }

  /** {@code bob@example.test} as {@code b…@example.test}: the requester may not be who they say. */
  static String masked(String address) {
    int at = address.lastIndexOf('@');
    return at <= 0 ? address : address.charAt(0) + "…" + address.substring(at);
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
