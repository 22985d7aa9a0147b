package org.portcullis.web;

import io.javalin.http.Context;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.portcullis.access.AdminUsers;
import org.portcullis.blocklist.Blocklist;
import org.portcullis.lists.AccessListStore;
import org.portcullis.lists.AddressBook;
import org.portcullis.lists.EntryForm;
import org.portcullis.lists.ListEntry;
import org.portcullis.lists.WhitelistRequest;
import org.portcullis.lists.WhitelistRequests;
import org.portcullis.lists.Whitelists;
import org.portcullis.mail.Cidr;

/**
 * The admin pages (login required): a dashboard, the review queue of whitelist requests
 * (approve with a chosen scope, or decline with a message), and the allow and deny lists with
 * address-book uploads. Every form carries the session's CSRF
 * token; logins are rate-limited per client address.
 */
final class AdminPages {

  private final AdminUsers users;
  private final AdminSessions sessions;
  private final FormGuard guard;
  private final WhitelistRequests requests;
  private final Optional<Blocklist> blocklist;
  private final Set<String> checks;
  private final AccessListStore lists;
  private final Whitelists whitelists;
  private final long importMaxBytes;
  private final java.time.Clock clock;
  private final java.util.function.Supplier<Map<String, Object>> figures;
  private final WebServer.Checks modes;
  private final org.portcullis.history.TransactionLog transactionLog;
  private final org.portcullis.policy.RefusalLog refusals;

  AdminPages(AdminUsers users, AdminSessions sessions, FormGuard guard, WhitelistRequests requests,
      Optional<Blocklist> blocklist, Set<String> checks, AccessListStore lists, java.time.Clock clock,
      long importMaxBytes, java.util.function.Supplier<Map<String, Object>> figures, WebServer.Checks modes,
      org.portcullis.history.TransactionLog transactionLog, org.portcullis.policy.RefusalLog refusals) {
    this.transactionLog = transactionLog;
    this.refusals = refusals;
    this.figures = figures;
    this.modes = modes;
    this.lists = lists;
    this.clock = clock;
    this.whitelists = new Whitelists(lists, clock);
    this.importMaxBytes = importMaxBytes;
    this.users = users;
    this.sessions = sessions;
    this.guard = guard;
    this.requests = requests;
    this.blocklist = blocklist;
    this.checks = Set.copyOf(checks);
  }

  /** Before every {@code /admin} page but the login: no session, no page. */
  void requireSession(Context ctx) {
    if (ctx.path().equals("/admin/login")) {
      return;
    }
    if (sessions.current(ctx).isEmpty()) {
      ctx.redirect("/admin/login");
      ctx.skipRemainingHandlers();
    }
  }

  void loginForm(Context ctx) {
    PortalPages.render(ctx, 200, "admin/login.jte", Map.of("csrf", guard.token(ctx), "error", ""));
  }

  void login(Context ctx) {
    guard.check(ctx, "login");
    java.net.InetAddress client = org.portcullis.mail.Addresses.parseLiteral(ctx.ip())
        .orElse(java.net.InetAddress.getLoopbackAddress());
    switch (users.login(client, ctx.formParam("name"), ctx.formParam("password"))) {
      case AdminUsers.Login.Accepted a -> {
        sessions.start(ctx, a.name());
        ctx.redirect("/admin");
      }
      case AdminUsers.Login.Rejected r -> PortalPages.render(ctx, 401, "admin/login.jte", Map.of("csrf",
          guard.token(ctx), "error", "Wrong name or password."));
      case AdminUsers.Login.Throttled t -> {
        ctx.header("Retry-After", "900");
        PortalPages.render(ctx, 429, "admin/login.jte", Map.of("csrf", guard.token(ctx), "error",
            "Not tried: " + t.why() + "."));
      }
    }
  }

  void logout(Context ctx) {
    AdminSessions.Session session = session(ctx);
    AdminSessions.checkCsrf(ctx, session);
    sessions.end(ctx);
    ctx.redirect("/admin/login");
  }

  void dashboard(Context ctx) {
    AdminSessions.Session session = session(ctx);
    Map<String, Long> listings = new LinkedHashMap<>();
    blocklist.ifPresent(b -> b.store().counts().forEach((state, n) -> listings.put(state.label(), n.longValue())));
    long open = blocklist.map(b -> (long) b.store().reports(Optional.of("open"), 10_000).size()).orElse(0L);
    PortalPages.render(ctx, 200, "admin/dashboard.jte", Map.of("view", new PortalViews.AdminDashboard(session.user(), session.csrf(),
        requests.list(Optional.of(WhitelistRequest.Status.PENDING), 10_000).size(), open, listings)));
  }

  /** {@code GET /admin/data.json}: the dashboard's figures for its charts. */
  void data(Context ctx) {
    session(ctx);
    ApiRequests.send(ctx, 200, figures.get());
  }

  void queue(Context ctx) {
    showQueue(ctx, 200, session(ctx), Optional.empty());
  }

  private void showQueue(Context ctx, int status, AdminSessions.Session session, Optional<String> notice) {
    List<PortalViews.PendingRequest> pending = requests.list(Optional.of(WhitelistRequest.Status.PENDING), 200).stream()
        .map(r -> new PortalViews.PendingRequest(r, refusal(r.reference()).map(PortalViews::refusalSummary)))
        .toList();
    PortalPages.render(ctx, status, "admin/requests.jte", Map.of("view", new PortalViews.AdminQueue(session.user(),
        session.csrf(), pending, blocklist.map(b -> b.store().reports(Optional.of("open"), 200)).orElse(List.of()),
        notice)));
  }

  /** The refusal a request came from; empty when it has none or the record was pruned (or the store fails). */
  private Optional<org.portcullis.policy.RefusalRecord> refusal(String reference) {
    if (reference.isEmpty()) {
      return Optional.empty();
    }
    try {
      return refusals.find(reference);
    } catch (org.portcullis.store.StoreException e) {
      return Optional.empty();
    }
  }

  /** {@code POST /admin/requests/{id}/approve}: {@code match} (sender, ip, recipient), {@code skip}, {@code message}. */
  void approve(Context ctx) {
    AdminSessions.Session session = session(ctx);
    AdminSessions.checkCsrf(ctx, session);
    long id = id(ctx);
    Set<WhitelistRequests.Scope> scope = EnumSet.noneOf(WhitelistRequests.Scope.class);
    for (String m : ctx.formParams("match")) {
      switch (m) {
        case "sender" -> scope.add(WhitelistRequests.Scope.SENDER);
        case "ip" -> scope.add(WhitelistRequests.Scope.CLIENT);
        case "recipient" -> scope.add(WhitelistRequests.Scope.RECIPIENT);
        default -> throw new PortalPages.PageError(400, "Bad request", "Unknown scope.");
      }
    }
    String skipText = Optional.ofNullable(ctx.formParam("skip")).orElse("").strip();
    try {
      Set<String> skip = EntryForm.skips(skipText.isEmpty() ? List.of() : List.of(skipText.split("[,\\s]+")), checks);
      Optional<ListEntry> entry = requests.approve(id, scope, skip, Optional.empty(), message(ctx));
      showQueue(ctx, entry.isPresent() ? 200 : 409, session, Optional.of(entry.map(e -> "Request #" + id
          + " approved by " + session.user() + ": allow entry " + e.id() + " (" + e.criteria() + ").")
          .orElse("Request #" + id + " is no longer pending.")));
    } catch (IllegalArgumentException e) {
      showQueue(ctx, 400, session, Optional.of("Not approved: " + e.getMessage()));
    }
  }

  /** {@code POST /admin/requests/{id}/decline}: {@code message}. */
  void decline(Context ctx) {
    AdminSessions.Session session = session(ctx);
    AdminSessions.checkCsrf(ctx, session);
    long id = id(ctx);
    try {
      boolean declined = requests.decline(id, message(ctx));
      showQueue(ctx, declined ? 200 : 409, session, Optional.of(declined ? "Request #" + id + " declined."
          : "Request #" + id + " is no longer pending."));
    } catch (IllegalArgumentException e) {
      showQueue(ctx, 400, session, Optional.of("Not declined: " + e.getMessage()));
    }
  }

  /**
   * {@code POST /admin/reports/{id}/accept|decline}: answers a false-positive report; accepting
   * delists the address (as the operator, whatever the self-service count).
   */
  void answerReport(Context ctx) {
    AdminSessions.Session session = session(ctx);
    AdminSessions.checkCsrf(ctx, session);
    long id = id(ctx);
    boolean accept = ctx.path().endsWith("/accept");
    String message = message(ctx);
    if (blocklist.isEmpty()) {
      throw new PortalPages.PageError(404, "No blocklist here", "This server does not run a blocklist of its own.");
    }
    Optional<Blocklist.Answered> answered;
    try {
      answered = blocklist.get().answerReport(id, accept, message, session.user());
    } catch (IllegalArgumentException e) {
      showQueue(ctx, 400, session, Optional.of("Not answered: " + e.getMessage()));
      return;
    }
    if (answered.isEmpty()) {
      showQueue(ctx, 409, session, Optional.of("Report #" + id + " is not open."));
      return;
    }
    showQueue(ctx, 200, session, Optional.of(answered.get().report().kind().title() + " #" + id
        + (accept ? " accepted" : " declined") + " by " + session.user() + "."
        + answered.get().delisted().map(l -> " " + l.network() + " delisted.").orElse("")
        + " The reporter is told by mail."));
  }

  /** {@code GET /admin/blocklist?q=&state=}: search by address or network, or the latest listings. */
  void blocklistPage(Context ctx) {
    AdminSessions.Session session = session(ctx);
    showBlocklist(ctx, 200, session, Optional.ofNullable(ctx.queryParam("q")).orElse("").strip(),
        Optional.ofNullable(ctx.queryParam("state")).orElse("listed"), Optional.empty());
  }

  private void showBlocklist(Context ctx, int status, AdminSessions.Session session, String query, String state,
      Optional<String> notice) {
    Blocklist b = requireBlocklist();
    java.time.Instant now = b.clock().instant();
    List<org.portcullis.blocklist.Listing> found;
    Optional<String> problem = Optional.empty();
    if (query.length() > 64) {
      found = List.of();
      problem = Optional.of("Not an address or network.");
    } else if (!query.isEmpty()) {
      found = query.contains("/") ? network(query).flatMap(b::find).map(List::of).orElse(List.of())
          : org.portcullis.mail.Addresses.parseLiteral(query).map(b::history).orElse(List.of());
      if (found.isEmpty()) {
        problem = Optional.of(query.contains("/") ? network(query).isEmpty() ? "Not a network." : "No listing of "
            + query + "." : org.portcullis.mail.Addresses.parseLiteral(query).isEmpty() ? "Not an address."
            : query + " is not listed and never was.");
      }
    } else {
      Optional<org.portcullis.blocklist.ListingState> filter;
      try {
        filter = state.equals("all") ? Optional.empty() : Optional.of(org.portcullis.blocklist.ListingState.fromLabel(state));
      } catch (IllegalArgumentException e) {
        filter = Optional.of(org.portcullis.blocklist.ListingState.LISTED);
      }
      found = b.store().list(filter, 100, 0);
    }
    Optional<String> shown = notice.isPresent() ? notice : problem;
    PortalPages.render(ctx, status, "admin/blocklist.jte", Map.of("view", new PortalViews.AdminBlocklist(session.user(),
        session.csrf(), query, state, found.stream().map(l -> PortalViews.adminListing(l, now)).toList(), shown)));
  }

  /** {@code POST /admin/blocklist/{action}}: add, delist, permanent, note; {@code network}, {@code note}, {@code category}. */
  void blocklistAction(Context ctx) {
    AdminSessions.Session session = session(ctx);
    AdminSessions.checkCsrf(ctx, session);
    Blocklist b = requireBlocklist();
    String text = form(ctx, "network", 64).orElse("");
    Optional<Cidr> network = network(text);
    String note = form(ctx, "note", 1000).orElse("");
    if (network.isEmpty()) {
      showBlocklist(ctx, 400, session, "", "listed", Optional.of("Not a network: give an address or a CIDR network."));
      return;
    }
    String operator = "admin:" + session.user();
    String notice = switch (ctx.pathParam("action")) {
      case "add" -> {
        var category = org.portcullis.blocklist.Category.fromLabel(form(ctx, "category", 32).orElse("manual"))
            .orElse(org.portcullis.blocklist.Category.MANUAL);
        b.report(network.get(), category, new org.portcullis.blocklist.Evidence(b.clock().instant(), operator,
            org.portcullis.mail.Addresses.toText(network.get().address()), "", "", "", "",
            note.isBlank() ? "listed by " + session.user() : note));
        yield network.get() + " listed.";
      }
      case "delist" -> b.operatorDelist(network.get(), operator, note).map(l -> network.get() + " delisted.")
          .orElse("No listing of " + network.get() + ".");
      case "permanent" -> {
        b.listPermanently(network.get(), org.portcullis.blocklist.Category.MANUAL, operator, note);
        yield network.get() + " listed permanently.";
      }
      case "note" -> note.isBlank() ? "An empty note is not added."
          : b.addNote(network.get(), session.user(), note).map(l -> "Note added to " + network.get() + ".")
              .orElse("No listing of " + network.get() + ".");
      default -> throw new PortalPages.PageError(404, "Not found", "There is no page here.");
    };
    showBlocklist(ctx, 200, session, network.get().toString(), "all", Optional.of(notice));
  }

  private Blocklist requireBlocklist() {
    return blocklist.orElseThrow(() -> new PortalPages.PageError(404, "No blocklist here",
        "This server does not run a blocklist of its own."));
  }

  private static Optional<Cidr> network(String text) {
    try {
      return text.isBlank() ? Optional.empty() : Optional.of(Cidr.parse(text.strip()));
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }

  /** {@code GET /admin/transactions?client=&sender=&recipient=&verdict=&hours=}: recent transactions. */
  void transactions(Context ctx) {
    AdminSessions.Session session = session(ctx);
    List<org.portcullis.history.Transaction> found = List.of();
    Optional<String> error = Optional.empty();
    try {
      found = transactionLog.search(search(ctx, clock));
    } catch (ApiError e) {
      error = Optional.of(e.getMessage());
    }
    PortalPages.render(ctx, error.isPresent() ? 400 : 200, "admin/transactions.jte", Map.of("view",
        new PortalViews.AdminTransactions(session.user(), query(ctx, "client"), query(ctx, "sender"),
            query(ctx, "recipient"), query(ctx, "verdict"), query(ctx, "hours").isEmpty() ? "24" : query(ctx, "hours"),
            found, error)));
  }

  private static String query(Context ctx, String name) {
    String v = ctx.queryParam(name);
    return v == null ? "" : v.length() > 320 ? v.substring(0, 320) : v;
  }

  /**
   * The search in a request's query ({@code client}, {@code sender}, {@code recipient}, {@code verdict},
   * {@code hours} back, default 24, at most 720; {@code limit}, default 200).
   *
   * @throws ApiError 400 naming a bad field
   */
  static org.portcullis.history.TransactionSearch search(Context ctx, java.time.Clock clock) {
    int hours = ApiRequests.number(ctx.queryParam("hours"), 24, 1, 720, "hours");
    int limit = ApiRequests.number(ctx.queryParam("limit"), 200, 1, 10_000, "limit");
    Optional<String> verdict = text(ctx, "verdict");
    if (verdict.isPresent() && !org.portcullis.history.TransactionSearch.VERDICTS.contains(verdict.get())) {
      throw new ApiError(400, "verdict must be accepted, refused, deferred or greylisted");
    }
    return new org.portcullis.history.TransactionSearch(text(ctx, "client"), text(ctx, "sender"),
        text(ctx, "recipient"), verdict, clock.instant().minus(java.time.Duration.ofHours(hours)), limit);
  }

  private static Optional<String> text(Context ctx, String name) {
    String v = ctx.queryParam(name);
    if (v == null || v.isBlank()) {
      return Optional.empty();
    }
    if (v.length() > 320) {
      throw new ApiError(400, name + " is longer than 320 characters");
    }
    return Optional.of(v.strip());
  }

  /** A transaction as JSON-ready values. */
  static Map<String, Object> toMap(org.portcullis.history.Transaction t) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("at", t.at().toString());
    m.put("client", t.clientAddress());
    m.put("clientName", t.clientName());
    m.put("helo", t.helo());
    m.put("sender", t.sender());
    m.put("recipients", t.recipients());
    m.put("verdict", t.verdict());
    m.put("reference", t.reference());
    m.put("check", t.check());
    m.put("detail", t.detail());
    return m;
  }

  /** {@code GET /admin/checks}: each check's configured and effective mode. */
  void checks(Context ctx) {
    showChecks(ctx, 200, session(ctx), Optional.empty());
  }

  private void showChecks(Context ctx, int status, AdminSessions.Session session, Optional<String> notice) {
    List<PortalViews.CheckRow> rows = new java.util.ArrayList<>();
    modes.configured().forEach((name, configured) -> {
      org.portcullis.policy.CheckMode effective = modes.modes().effective(name, configured);
      rows.add(new PortalViews.CheckRow(name, label(configured), label(effective),
          modes.modes().switched(name).isPresent(), modes.fixed().contains(name)));
    });
    PortalPages.render(ctx, status, "admin/checks.jte", Map.of("view", new PortalViews.AdminChecks(session.user(),
        session.csrf(), rows, notice)));
  }

  private static String label(org.portcullis.policy.CheckMode mode) {
    return mode.name().toLowerCase(java.util.Locale.ROOT);
  }

  /** {@code POST /admin/checks/{name}}: {@code mode} = enforce, observe, off, or configured. */
  void switchCheck(Context ctx) {
    AdminSessions.Session session = session(ctx);
    AdminSessions.checkCsrf(ctx, session);
    String name = ctx.pathParam("name");
    String mode = Optional.ofNullable(ctx.formParam("mode")).orElse("");
    if (!modes.configured().containsKey(name)) {
      throw new PortalPages.PageError(404, "Not found", "There is no such check.");
    }
    Optional<org.portcullis.policy.CheckMode> chosen;
    switch (mode) {
      case "enforce", "observe", "off" -> chosen = Optional.of(org.portcullis.policy.CheckMode.valueOf(
          mode.toUpperCase(java.util.Locale.ROOT)));
      case "configured" -> chosen = Optional.empty();
      default -> {
        showChecks(ctx, 400, session, Optional.of("Choose enforce, observe, off or the configured mode."));
        return;
      }
    }
    try {
      modes.modes().set(name, chosen);
    } catch (IllegalArgumentException e) {
      showChecks(ctx, 403, session, Optional.of("Not switched: " + e.getMessage() + "."));
      return;
    }
    modes.store().save(name, chosen, session.user(), clock.instant());
    org.slf4j.LoggerFactory.getLogger("portcullis.admin").info("check {} switched to {} by {}", name,
        chosen.map(AdminPages::label).orElse("its configured mode"), session.user());
    showChecks(ctx, 200, session, Optional.of(name + " is now in " + chosen.map(AdminPages::label)
        .orElse("its configured") + " mode."));
  }

  /** {@code GET /admin/lists}. */
  void lists(Context ctx) {
    showLists(ctx, 200, session(ctx), Optional.empty(), List.of());
  }

  private void showLists(Context ctx, int status, AdminSessions.Session session, Optional<String> notice,
      List<String> rejected) {
    PortalPages.render(ctx, status, "admin/lists.jte", Map.of("view", new PortalViews.AdminLists(session.user(),
        session.csrf(), lists.entries(), notice, rejected)));
  }

  /** {@code POST /admin/lists}: a new allow or deny entry from the form. */
  void addEntry(Context ctx) {
    AdminSessions.Session session = session(ctx);
    AdminSessions.checkCsrf(ctx, session);
    String action = Optional.ofNullable(ctx.formParam("action")).orElse("");
    if (!action.equals("allow") && !action.equals("deny")) {
      showLists(ctx, 400, session, Optional.of("Not added: choose allow or deny."), List.of());
      return;
    }
    String skip = form(ctx, "skip", 500).orElse("");
    EntryForm entry = new EntryForm(ListEntry.Action.valueOf(action.toUpperCase(java.util.Locale.ROOT)),
        form(ctx, "client", 64), form(ctx, "sender", 320), form(ctx, "recipient", 320), form(ctx, "helo", 255),
        action.equals("allow") && !skip.isBlank() ? List.of(skip.split("[,\\s]+")) : List.of(),
        action.equals("deny") ? form(ctx, "reply", 300) : Optional.empty(), form(ctx, "expires", 64),
        form(ctx, "note", 500).map(n -> session.user() + ": " + n).or(() -> Optional.of("by " + session.user())));
    try {
      ListEntry added = lists.add(entry.toEntry(checks, clock.instant()));
      showLists(ctx, 200, session, Optional.of(added.action().label() + " entry " + added.id() + " added ("
          + added.criteria() + "); in force within a second."), List.of());
    } catch (IllegalArgumentException e) {
      showLists(ctx, 400, session, Optional.of("Not added: " + e.getMessage()), List.of());
    }
  }

  /** {@code POST /admin/lists/{id}/remove}. */
  void removeEntry(Context ctx) {
    AdminSessions.Session session = session(ctx);
    AdminSessions.checkCsrf(ctx, session);
    long id = id(ctx);
    boolean removed = lists.remove(id);
    showLists(ctx, removed ? 200 : 404, session, Optional.of(removed ? "Entry " + id + " removed." : "No entry " + id + "."),
        List.of());
  }

  /** {@code POST /admin/whitelists/import}: {@code owner} and an uploaded {@code file} (multipart). */
  void importBook(Context ctx) {
    AdminSessions.Session session = session(ctx);
    AdminSessions.checkCsrf(ctx, session);
    String owner = form(ctx, "owner", 320).orElse("");
    var file = ctx.uploadedFile("file");
    if (file == null || file.size() == 0) {
      showLists(ctx, 400, session, Optional.of("Not imported: choose a file."), List.of());
      return;
    }
    try (java.io.InputStream in = file.content()) {
      byte[] content = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, importMaxBytes + 1));
      Whitelists.Report r = whitelists.importBook(owner, content, importMaxBytes, "upload by " + session.user() + ": "
          + file.filename());
      showLists(ctx, 200, session, Optional.of("Whitelist of " + AddressBook.owner(owner) + ": read " + r.read()
          + ", added " + r.added() + ", duplicates " + r.duplicates() + ", rejected " + r.rejected().size() + "."),
          r.rejected().stream().map(x -> "line " + x.line() + ": \"" + x.text() + "\": " + x.reason()).toList());
    } catch (AddressBook.MalformedAddressBook e) {
      showLists(ctx, 422, session, Optional.of("Nothing imported: " + e.getMessage() + "."), List.of());
    } catch (IllegalArgumentException e) {
      showLists(ctx, 400, session, Optional.of("Nothing imported: the owner must be a recipient address or domain."),
          List.of());
    } catch (java.io.IOException e) {
      showLists(ctx, 400, session, Optional.of("Nothing imported: the upload could not be read."), List.of());
    }
  }

  private static Optional<String> form(Context ctx, String name, int max) {
    String value = ctx.formParam(name);
    if (value == null || value.isBlank()) {
      return Optional.empty();
    }
    if (value.length() > max) {
      throw new PortalPages.PageError(400, "Too long", "The field \"" + name + "\" is longer than " + max
          + " characters.");
    }
    return Optional.of(value.strip());
  }

  private AdminSessions.Session session(Context ctx) {
    return sessions.current(ctx).orElseThrow(() -> new PortalPages.PageError(401, "Log in", "Your session ended."));
  }

  private static long id(Context ctx) {
    try {
      return Long.parseLong(ctx.pathParam("id"));
    } catch (NumberFormatException e) {
      throw new PortalPages.PageError(400, "Bad request", "Not a request number.");
    }
  }

  private static String message(Context ctx) {
    String message = Optional.ofNullable(ctx.formParam("message")).orElse("");
    if (message.length() > 1000) {
      throw new PortalPages.PageError(400, "Too long", "The message has at most 1000 characters.");
    }
    return message;
  }
}
