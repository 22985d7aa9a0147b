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
import org.portcullis.lists.WhitelistRequests;
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
   * The explanation of one refusal, for both people who land on it: the person who only sent the
   * mail ({@code sender}) and the administrator of the sending server (reply, facts, rule, fix).
   *
   * @param links where to look further: a DNS list's own lookup, our listing
   * @param sender the plain-words part
   * @param requestForm the whitelist request form at the bottom, when whitelisting can help
   * @param masked whether other people's addresses are masked (the public page) or not (admins)
   */
  public record RefView(String reference, String time, String check, String phase, String outcome, String reply,
      List<Row> session, List<Row> observed, String rule, String fix, List<Link> links, String heading,
      SenderView sender, Optional<RequestForm> requestForm, boolean masked) {}

  /** A link shown on a page. */
  public record Link(String label, String url) {}

  /**
   * What the refusal means for the person who sent the mail.
   *
   * @param onlyDelayed nothing to do: the mail was deferred and is retried
   * @param forward a text to send to their administrator or provider, with the reference
   */
  public record SenderView(String meaning, boolean onlyDelayed, String forward) {}

  /** The whitelist request form at the bottom of a refusal's page: it carries the reference. */
  public record RequestForm(String reference, String csrf) {}

  /** A request's status page. */
  public record StatusView(String title, String kind, String subject, String filed, String status,
      Optional<String> decided, Optional<String> answer, Optional<String> reference) {}

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
   * @param selfServiceWait why self-service delisting must wait (the cooldown), when it must
   */
  public record LookupView(Optional<String> address, boolean listed, Optional<String> selfServiceRefusal,
      List<ListingView> listings, Optional<String> error, String csrf, Optional<String> notice,
      Optional<String> selfServiceWait) {

    public LookupView(Optional<String> address, boolean listed, Optional<String> selfServiceRefusal,
        List<ListingView> listings, Optional<String> error, String csrf, Optional<String> notice) {
      this(address, listed, selfServiceRefusal, listings, error, csrf, notice, Optional.empty());
    }
  }

  /** What the admin dashboard counts. */
  public record AdminDashboard(String user, String csrf, long pendingRequests, long openReports,
      java.util.Map<String, Long> listings) {}

  /** The admin review queue of whitelist requests. */
  public record AdminQueue(String user, String csrf, List<PendingRequest> pending,
      List<org.portcullis.blocklist.FalsePositiveReport> reports, Optional<String> notice) {}

  /** A pending whitelist request with the refusal it came from, as the operator reviews it. */
  public record PendingRequest(org.portcullis.lists.WhitelistRequest request, Optional<RefusalSummary> refusal) {}

  /** What the operator needs of a refusal to judge a request about it: unmasked. */
  public record RefusalSummary(String reference, String time, String check, String reply, List<Row> observed) {}

  static RefusalSummary refusalSummary(RefusalRecord r) {
    return new RefusalSummary(r.reference(), time(r.time()), r.check(), replyLine(r),
        r.explanation().facts().stream().map(f -> new Row(f.label(), f.value())).toList());
  }

  private static String replyLine(RefusalRecord r) {
    return r.replyCode() > 0 ? r.replyCode() + " " + r.status() + " " + r.replyText() : r.replyText();
  }

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

  /** {@code /admin/dmarc}: the aggregate reports others sent about our domains. */
  public record AdminDmarc(String user, List<String> domains, String domain, String days,
      List<DmarcDomain> found, Optional<String> error) {}

  /**
   * A quarantine digest link's page.
   *
   * @param action release, delete (one message) or login (the mailbox's quarantine)
   * @param digest the mailbox's digest setting, which a login ticket may change
   */
  public record QuarantineLink(String token, String mailbox, String action,
      List<org.portcullis.quarantine.QuarantineEntry> held, String csrf, Optional<String> message,
      Optional<org.portcullis.quarantine.DigestSettings> digest) {}

  /** The admin page of the recipients' choices. */
  public record AdminPrefs(String user, String csrf, List<org.portcullis.verdicts.ChoiceStore.Row> rows,
      List<String> perRecipient, Optional<String> message) {}

  /** The admin quarantine page: the search and what it found, and what the last action did. */
  public record AdminQuarantine(String user, String csrf, List<String> domains, String domain, String state,
      List<org.portcullis.quarantine.QuarantineEntry> found, Optional<String> message) {}

  /**
   * One domain's reports.
   *
   * @param messages every message the rows count
   * @param failing of those, messages neither DKIM nor SPF passed aligned for: forged, or a sender
   *     of ours not yet set up
   * @param rows the rows shown, newest first
   * @param more rows left out beyond the limit
   */
  public record DmarcDomain(String domain, long messages, long failing,
      List<org.portcullis.dmarc.DmarcReportStore.StoredRow> rows, int more) {}

  /** The whitelist request form, filled in as far as known. */
  public record RequestView(String email, String ip, String recipient, String reason, String csrf,
      Optional<String> notice, Optional<String> error) {}

  static String time(Instant at) {
    return TIME.format(at);
  }

  /**
   * @param masked mask other people's addresses (the public page)
   * @param explanationUrl this page's address, for the text to forward
   * @param csrf the token for the whitelist request form
   */
  static RefView ref(RefusalRecord r, boolean masked, String explanationUrl, String csrf) {
    java.util.function.UnaryOperator<String> shown = masked ? PortalViews::mask : text -> text;
    List<Row> session = new java.util.ArrayList<>();
    session.add(new Row("Client", r.clientName() + " [" + r.clientAddress() + "]"));
    if (!r.helo().isEmpty()) {
      session.add(new Row("HELO", r.helo()));
    }
    if (!r.sender().isEmpty()) {
      session.add(new Row("Sender", shown.apply(r.sender())));
    }
    if (!r.recipient().isEmpty()) {
      session.add(new Row("Recipient", shown.apply(r.recipient())));
    }
    session.add(new Row("Server", r.server()));
    List<Row> observed = r.explanation().facts().stream().map(f -> new Row(f.label(), shown.apply(f.value())))
        .toList();
    String outcome = switch (r.outcome()) {
      case "reject" -> "refused permanently";
      case "tempfail" -> "deferred (the sending server retries)";
      case "disconnect" -> "disconnected";
      case "tag" -> "accepted and tagged";
      case "quarantine" -> "accepted into the recipient's quarantine";
      default -> "noted only (observe mode)";
    };
    String heading = switch (r.outcome()) {
      case "tempfail" -> "Why was this mail deferred?";
      case "tag" -> "Why was this mail tagged?";
      case "quarantine" -> "Why was this mail held in quarantine?";
      default -> "Why was this mail refused?";
    };
    String reply = shown.apply(replyLine(r));
    List<Link> links = r.explanation().links().stream().map(l -> new Link(l.label(), l.url())).toList();
    Optional<RequestForm> form = WhitelistRequests.whitelistable(r) ? Optional.of(new RequestForm(r.reference(), csrf))
        : Optional.empty();
    SenderView sender = new SenderView(SenderAdvice.meaning(r), SenderAdvice.onlyDelayed(r),
        forwardText(r, reply, explanationUrl));
    return new RefView(r.reference(), time(r.time()), r.check(), r.phase().name(), outcome, reply, session, observed,
        r.explanation().rule(), r.explanation().fix(), links, heading, sender, form, masked);
  }

  /** The text a sender forwards to their administrator or provider. */
  private static String forwardText(RefusalRecord r, String reply, String explanationUrl) {
    String to = r.recipient().isEmpty() ? "" : " to " + mask(strip(r.recipient())).replaceAll(".*@", "someone at ");
    return "Hello,\n\nmy e-mail" + to + " was " + (r.outcome().equals("tempfail") ? "deferred" : "refused")
        + " by the mail server " + r.server() + " on " + time(r.time()) + ". It answered:\n\n  " + reply
        + "\n\nThe server explains why at " + explanationUrl + " (reference " + r.reference() + "). It is about the "
        + "server my mail went out through (" + r.clientAddress() + "), not about the message itself. Could you "
        + "look at it?\n\nThank you.";
  }

  static StatusView whitelistStatus(org.portcullis.lists.WhitelistRequest r) {
    return new StatusView("Whitelist request #" + r.id(), "whitelist request", "mail from " + r.email() + " ["
        + r.clientIp() + "] to " + mask(r.recipient()), time(r.created()), switch (r.status()) {
          case PENDING -> "waiting for the postmaster's review";
          case APPROVED -> "approved";
          case DECLINED -> "declined";
        }, r.decided().map(PortalViews::time), r.message().filter(m -> !m.isBlank()),
        r.reference().isEmpty() ? Optional.empty() : Optional.of(r.reference()));
  }

  static StatusView reportStatus(org.portcullis.blocklist.FalsePositiveReport r) {
    return new StatusView(r.kind().title() + " #" + r.id(), r.kind().title().toLowerCase(Locale.ROOT),
        "the listing of " + r.address(), time(r.at()), switch (r.status()) {
          case "open" -> "waiting for the operator's review";
          case "accepted" -> "accepted: the address was delisted";
          default -> "declined: the listing stays";
        }, Optional.empty(), r.answer().isBlank() ? Optional.empty() : Optional.of(r.answer()), Optional.empty());
  }

  private static String strip(String path) {
    return path.startsWith("<") && path.endsWith(">") ? path.substring(1, path.length() - 1) : path;
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

  /** What the "Test your server" form shows back (a stranger's text, escaped by the template). */
  public record DiagnoseForm(String ref, String ip, String domain, String helo) {}

  /** The tenant portal's home: its domains and what waits for it. */
  public record TenantHome(String user, String csrf, List<String> domains, long held, long pending,
      boolean answersRequests) {}

  /** A tenant's whitelists: one owner (a mailbox or domain of its, or none picked yet) and its senders. */
  public record TenantWhitelist(String user, String csrf, List<String> domains, String owner, List<String> senders,
      Optional<String> notice, List<String> rejected) {}

  /** A tenant's choices for per-recipient checks and its mailboxes' digest settings. */
  public record TenantPrefs(String user, String csrf, List<String> domains,
      List<org.portcullis.verdicts.ChoiceStore.Row> rows, List<String> perRecipient,
      java.util.SortedMap<String, org.portcullis.quarantine.DigestSettings> digests, Optional<String> message) {}

  /** The mail held for a tenant's recipients. */
  public record TenantQuarantine(String user, String csrf, List<String> domains, boolean all,
      List<TenantHeld> rows, boolean enabled, Optional<String> message) {}

  /**
   * One quarantined message as a tenant sees it.
   *
   * @param mine its recipients in the tenant's domains
   * @param held those of them still held (what release and delete act on)
   */
  public record TenantHeld(org.portcullis.quarantine.QuarantineEntry entry, List<String> mine, List<String> held) {}

  /** The last week's refusals of mail to a tenant's recipients. */
  public record TenantRefusals(String user, String csrf, List<String> domains,
      List<org.portcullis.history.Transaction> refusals) {}

  /** The whitelist requests for a tenant's recipients. */
  public record TenantRequests(String user, String csrf, List<String> domains,
      List<org.portcullis.lists.WhitelistRequest> pending, boolean answers, Optional<String> notice) {}

  /** {@code alice@example.org} -> {@code a…@example.org}: evidence is public, its people are not. */
  static String mask(String text) {
    return text == null ? "" : ADDRESS.matcher(text).replaceAll("$1…@$2");
  }
}
