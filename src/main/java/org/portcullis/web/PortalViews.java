package org.portcullis.web;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;
import org.portcullis.blocklist.Evidence;
import org.portcullis.blocklist.Listing;
import org.portcullis.policy.RefusalRecord;

/**
 * What the portal's templates show, as plain values: every string here is still raw (the
 * templates escape it), but third parties' addresses in evidence are already masked.
 */
public final class PortalViews {

  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'", Locale.ROOT)
      .withZone(ZoneOffset.UTC);
  private static final Pattern ADDRESS = Pattern.compile("([A-Za-z0-9._%+=-])[A-Za-z0-9._%+=-]*@([A-Za-z0-9.-]+)");

  private PortalViews() {}

  /** A labelled value. */
  public record Row(String label, String value) {}

  /**
   * The explanation of one refusal.
   *
   * @param lookupUrl where to see the client's blocklist entry, when the refusal was a blocklist's
   */
  public record RefView(String reference, String time, String check, String phase, String outcome, String reply,
      List<Row> session, List<Row> observed, String rule, String fix, Optional<String> lookupUrl, String heading,
      Optional<String> requestUrl) {}

  /** One listing for {@code /lookup/<ip>}. */
  public record ListingView(String network, String category, String state, boolean active, String firstListed,
      String lastEvidence, String expires, int selfDelistings, List<EvidenceView> evidence) {}

  /** One piece of evidence, with third parties' addresses masked. */
  public record EvidenceView(String at, String source, String helo, String sender, String headers, String note) {}

  /**
   * The {@code /lookup} page: a form, and the result when an address was asked.
   *
   * @param csrf the token for the page's forms
   * @param notice what a form post did (a delisting, a report)
   */
  public record LookupView(Optional<String> address, boolean listed, Optional<String> selfServiceRefusal,
      List<ListingView> listings, Optional<String> error, String csrf, Optional<String> notice) {}

  /** What the admin dashboard counts. */
  public record AdminDashboard(String user, String csrf, long pendingRequests, long openReports,
      java.util.Map<String, Long> listings) {}

  /** The admin review queue of whitelist requests. */
  public record AdminQueue(String user, String csrf, List<org.portcullis.lists.WhitelistRequest> pending,
      List<org.portcullis.blocklist.FalsePositiveReport> reports, Optional<String> notice) {}

  /** The admin page of allow and deny entries and recipients' whitelists. */
  public record AdminLists(String user, String csrf, List<org.portcullis.lists.ListEntry> entries,
      Optional<String> notice, List<String> rejected) {}

  /**
   * The admin blocklist page: a search or the latest listings, each with evidence and notes.
   *
   * @param query what was searched (an address or a network), empty for the latest listings
   */
  public record AdminBlocklist(String user, String csrf, String query, String state, List<AdminListing> listings,
      Optional<String> notice) {}

  /** A listing as the operator sees it: evidence unmasked, with notes. */
  public record AdminListing(String network, String category, String state, boolean active, String firstListed,
      String lastEvidence, String expires, int selfDelistings, List<Evidence> evidence, List<Listing.Note> notes) {}

  static AdminListing adminListing(Listing l, Instant now) {
    return new AdminListing(l.network().toString(), l.category().description(), l.state().label(), l.activeAt(now),
        time(l.firstListed()), time(l.lastEvidence()), l.expires().map(PortalViews::time).orElse("-"),
        l.selfDelistings(), l.evidence(), l.notes());
  }

  /** One check on the admin checks page. */
  public record CheckRow(String name, String configured, String effective, boolean switched, boolean fixed) {}

  /** The admin checks page. */
  public record AdminChecks(String user, String csrf, List<CheckRow> checks, Optional<String> notice) {}

  /** The admin transactions page: the search as asked, and what it found. */
  public record AdminTransactions(String user, String client, String sender, String recipient, String verdict,
      String hours, List<org.portcullis.history.Transaction> found, Optional<String> error) {}

  /** The whitelist request form, filled in as far as known. */
  public record RequestView(String email, String ip, String recipient, String reason, String csrf,
      Optional<String> notice, Optional<String> error) {}

  static String time(Instant at) {
    return TIME.format(at);
  }

  static RefView ref(RefusalRecord r) {
    List<Row> session = new java.util.ArrayList<>();
    session.add(new Row("Client", r.clientName() + " [" + r.clientAddress() + "]"));
    if (!r.helo().isEmpty()) {
      session.add(new Row("HELO", r.helo()));
    }
    if (!r.sender().isEmpty()) {
      session.add(new Row("Sender", r.sender()));
    }
    if (!r.recipient().isEmpty()) {
      session.add(new Row("Recipient", r.recipient()));
    }
    session.add(new Row("Server", r.server()));
    List<Row> observed = r.explanation().facts().stream().map(f -> new Row(f.label(), f.value())).toList();
    boolean blocklisted = r.check().equals("blocklist") || r.check().equals("dnsbl") || r.check().equals("spam-trap");
    String outcome = switch (r.outcome()) {
      case "reject" -> "refused permanently";
      case "tempfail" -> "deferred (the sending server retries)";
      case "disconnect" -> "disconnected";
      case "tag" -> "accepted and tagged";
      default -> "noted only (observe mode)";
    };
    String heading = switch (r.outcome()) {
      case "tempfail" -> "Why was this mail deferred?";
      case "tag" -> "Why was this mail tagged?";
      default -> "Why was this mail refused?";
    };
    String reply = r.replyCode() > 0 ? r.replyCode() + " " + r.status() + " " + r.replyText() : r.replyText();
    // Asking to be whitelisted helps where an exception can skip the check; not for relaying or a deny entry.
    boolean whitelistable = !r.check().equals("relay-control") && !r.check().equals("deny-list")
        && !r.recipient().isEmpty() && !r.outcome().equals("tag") && !r.outcome().equals("observe");
    Optional<String> requestUrl = whitelistable ? Optional.of("/whitelist-request?ip=" + encode(r.clientAddress())
        + "&recipient=" + encode(strip(r.recipient())) + "&email=" + encode(strip(r.sender()))) : Optional.empty();
    return new RefView(r.reference(), time(r.time()), r.check(), r.phase().name(), outcome, reply, session, observed,
        r.explanation().rule(), r.explanation().fix(),
        blocklisted ? Optional.of("/lookup/" + r.clientAddress()) : Optional.empty(), heading, requestUrl);
  }

  private static String strip(String path) {
    return path.startsWith("<") && path.endsWith(">") ? path.substring(1, path.length() - 1) : path;
  }

  private static String encode(String value) {
    return java.net.URLEncoder.encode(value, java.nio.charset.StandardCharsets.UTF_8);
  }

  static ListingView listing(Listing l, Instant now) {
    return new ListingView(l.network().toString(), l.category().description(), l.state().label(), l.activeAt(now),
        time(l.firstListed()), time(l.lastEvidence()), l.expires().map(PortalViews::time).orElse("-"),
        l.selfDelistings(), l.evidence().stream().map(PortalViews::evidence).toList());
  }

  private static EvidenceView evidence(Evidence e) {
    return new EvidenceView(time(e.at()), e.source().startsWith("api:") || e.source().startsWith("cli") ? "report"
        : e.source(), e.helo(), mask(e.sender()), mask(e.headers()), mask(e.note()));
  }

  /** {@code alice@example.org} -> {@code a…@example.org}: evidence is public, its people are not. */
  static String mask(String text) {
    return text == null ? "" : ADDRESS.matcher(text).replaceAll("$1…@$2");
  }
}
