package org.portcullis.web;

import gg.jte.ContentType;
import gg.jte.TemplateEngine;
import gg.jte.output.StringOutput;
import io.javalin.http.Context;
import java.net.InetAddress;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.portcullis.blocklist.Blocklist;
import org.portcullis.blocklist.Listing;
import org.portcullis.blocklist.ListingRules;
import org.portcullis.lists.WhitelistRequest;
import org.portcullis.lists.WhitelistRequests;
import org.portcullis.mail.Addresses;
import org.portcullis.mail.EmailAddress;
import org.portcullis.policy.RefusalLog;
import org.portcullis.policy.RefusalRecord;

/**
 * The portal's public pages (no login, no JavaScript): {@code /ref/<ref>} explains a refusal,
 * {@code /lookup} and {@code /lookup/<ip>} show our blocklist's listings with their evidence.
 * Templates are precompiled jte with HTML escaping of every value (HELO names, senders and
 * header excerpts are written by strangers); third parties' addresses in evidence are masked.
 */
final class PortalPages {

  private static final Pattern REFERENCE = Pattern.compile("[0-9A-Za-z]{8,20}");
  private static final TemplateEngine TEMPLATES = TemplateEngine.createPrecompiled(ContentType.Html);

  /** A page that cannot be shown: rendered as HTML with its status, never a stack trace. */
  static final class PageError extends RuntimeException {
    final int status;
    final String title;

    PageError(int status, String title, String message) {
      super(message, null, false, false);
      this.status = status;
      this.title = title;
    }
  }

  private static final int FIELD_MAX = 2000;

  private final RefusalLog refusals;
  private final Optional<Blocklist> blocklist;
  private final WhitelistRequests requests;
  private final FormGuard guard;
  private final PageLimiter pages;
  private final String publicUrl;

  /**
   * @param pages the per-network limit of explanation, lookup and status pages
   * @param publicUrl where strangers reach the portal ({@code web.public-url}); empty: this request's host
   */
  PortalPages(RefusalLog refusals, Optional<Blocklist> blocklist, WhitelistRequests requests, FormGuard guard,
      PageLimiter pages, String publicUrl) {
    this.refusals = refusals;
    this.blocklist = blocklist;
    this.requests = requests;
    this.guard = guard;
    this.pages = pages;
    this.publicUrl = publicUrl;
  }

  /** {@code GET /ref/{ref}}: the public explanation, other people's addresses masked, rate-limited. */
  void ref(Context ctx) {
    pages.check(ctx);
    showRef(ctx, true);
  }

  /** {@code GET /admin/ref/{ref}} (admin session checked before): the same page, nothing masked. */
  void adminRef(Context ctx) {
    showRef(ctx, false);
  }

  private void showRef(Context ctx, boolean masked) {
    String reference = ctx.pathParam("ref");
    if (reference.startsWith("ref=")) {
      reference = reference.substring(4);
    }
    if (!REFERENCE.matcher(reference).matches()) {
      throw new PageError(400, "Not a reference", "A reference is 12 letters and digits, as at the end of the "
          + "server's reply (ref=2N3V8848QQXC).");
    }
    RefusalRecord record = refusals.find(reference).orElseThrow(() -> new PageError(404, "Unknown reference",
        "This server has no record of that reference. References are kept for 30 days; check it was copied whole."));
    String base = publicUrl.isEmpty() ? ctx.scheme() + "://" + ctx.host() : publicUrl;
    render(ctx, 200, "portal/ref.jte", Map.of("ref", PortalViews.ref(record, masked, base + "/ref/" + record.reference(),
        guard.token(ctx))));
  }

  /** {@code GET /requests/{token}}: a request's status page; the token is its only key. */
  void status(Context ctx) {
    pages.check(ctx);
    String token = ctx.pathParam("token");
    Optional<PortalViews.StatusView> view = requests.byToken(token).map(PortalViews::whitelistStatus)
        .or(() -> blocklist.flatMap(b -> b.reportByToken(token)).map(PortalViews::reportStatus));
    render(ctx, 200, "portal/status.jte", Map.of("view", view.orElseThrow(() -> new PageError(404, "Unknown request",
        "There is no request with this address. Check that the link was copied whole."))));
  }

  /** {@code GET /lookup}, or {@code /lookup?address=...} from the form (redirected to {@code /lookup/<ip>}). */
  void lookupForm(Context ctx) {
    pages.check(ctx);
    String asked = ctx.queryParam("address");
    if (asked == null || asked.isBlank()) {
      render(ctx, 200, "portal/lookup.jte", Map.of("view", new PortalViews.LookupView(Optional.empty(), false,
          Optional.empty(), List.of(), Optional.empty(), guard.token(ctx), Optional.empty())));
      return;
    }
    Optional<InetAddress> address = parse(asked);
    if (address.isEmpty()) {
      render(ctx, 400, "portal/lookup.jte", Map.of("view", new PortalViews.LookupView(Optional.of(clip(asked)), false,
          Optional.empty(), List.of(), Optional.of("That is not an IPv4 or IPv6 address."), guard.token(ctx), Optional.empty())));
      return;
    }
    ctx.redirect("/lookup/" + Addresses.toText(address.get()));
  }

  /** {@code GET /lookup/{address}}. */
  void lookup(Context ctx) {
    pages.check(ctx);
    showLookup(ctx, 200, address(ctx), Optional.empty());
  }

  private InetAddress address(Context ctx) {
    String asked = ctx.pathParam("address");
    Optional<InetAddress> address = parse(asked);
    if (address.isEmpty()) {
      render(ctx, 400, "portal/lookup.jte", Map.of("view", new PortalViews.LookupView(Optional.of(clip(asked)), false,
          Optional.empty(), List.of(), Optional.of("That is not an IPv4 or IPv6 address."), guard.token(ctx), Optional.empty())));
      throw new Rendered();
    }
    if (blocklist.isEmpty()) {
      throw new PageError(404, "No blocklist here", "This server does not run a blocklist of its own.");
    }
    return address.get();
  }

  private void showLookup(Context ctx, int status, InetAddress address, Optional<String> notice) {
    Instant now = blocklist.get().clock().instant();
    List<Listing> history = blocklist.get().history(address);
    render(ctx, status, "portal/lookup.jte", Map.of("view", new PortalViews.LookupView(
        Optional.of(Addresses.toText(address)), history.stream().anyMatch(l -> l.activeAt(now)),
        blocklist.get().selfServiceRefusal(address), history.stream().map(l -> PortalViews.listing(l, now)).toList(),
        Optional.empty(), guard.token(ctx), notice, blocklist.get().selfServiceWait(address))));
  }

  /** {@code POST /lookup/{address}/delist}: self-service delisting, counted against its limit. */
  void delist(Context ctx) {
    InetAddress address = address(ctx);
    guard.check(ctx, "delist");
    switch (blocklist.get().selfDelist(address, "web client " + ctx.ip())) {
      case ListingRules.SelfDelisting.Delisted d -> showLookup(ctx, 200, address, Optional.of("Delisted. DNS answers "
          + "change within a second; caches elsewhere may keep the listing until their TTL ends. "
          + d.remaining() + " self-service delisting(s) left for this address."));
      case ListingRules.SelfDelisting.Refused r -> showLookup(ctx, 403, address, Optional.of("Not delisted: "
          + r.why() + ". Use the form below to ask the operator; say what you fixed."));
      case ListingRules.SelfDelisting.NotListed n -> showLookup(ctx, 200, address,
          Optional.of("This address is not listed: nothing to delist."));
    }
  }

  /** {@code POST /lookup/{address}/false-positive}: a report for the operator's review. */
  void falsePositive(Context ctx) {
    InetAddress address = address(ctx);
    guard.check(ctx, "false-positive");
    Optional<String> contact = contact(ctx, address);
    if (contact.isEmpty()) {
      return;
    }
    String message = field(ctx, "message", FIELD_MAX);
    if (message.isBlank()) {
      showLookup(ctx, 400, address, Optional.of("Not sent: say why the listing is wrong."));
      return;
    }
    Blocklist.Filed filed = blocklist.get().reportFalsePositive(Addresses.toText(address), contact.get(), message);
    showLookup(ctx, 200, address, Optional.of(filedNotice("report", filed, contact.get())));
  }

  /**
   * {@code POST /lookup/{address}/delisting-request}: an address that may no longer delist itself
   * asks the operator ("contact the operator" when self-service is used up), saying what was fixed.
   */
  void delistingRequest(Context ctx) {
    InetAddress address = address(ctx);
    guard.check(ctx, "delisting-request");
    Optional<String> contact = contact(ctx, address);
    if (contact.isEmpty()) {
      return;
    }
    String message = field(ctx, "message", FIELD_MAX);
    if (message.isBlank()) {
      showLookup(ctx, 400, address, Optional.of("Not sent: say what you fixed."));
      return;
    }
    Optional<Blocklist.Filed> filed = blocklist.get().requestDelisting(address, contact.get(), message);
    if (filed.isEmpty()) {
      showLookup(ctx, 409, address, Optional.of("Not sent: this address is not listed, or can still delist itself "
          + "with the button above."));
      return;
    }
    showLookup(ctx, 200, address, Optional.of(filedNotice("delisting request", filed.get(), contact.get())));
  }

  private String filedNotice(String what, Blocklist.Filed filed, String contact) {
    String status = blocklist.get().statusUrl(filed.report()).map(url -> " Follow it at " + url + ".").orElse("");
    return filed.merged()
        ? "Your " + what + " #" + filed.report().id() + " about this address is already waiting for the operator's "
            + "review; nothing new was queued." + status
        : "Thank you: " + what + " #" + filed.report().id() + " waits for the operator's review; the answer goes to "
            + contact + "." + status;
  }

  /** The form's {@code contact}, an e-mail address; empty (the page shown with the error) otherwise. */
  private Optional<String> contact(Context ctx, InetAddress address) {
    String contact = field(ctx, "contact", 254);
    try {
      EmailAddress.parse(contact);
      return Optional.of(contact);
    } catch (RuntimeException e) {
      showLookup(ctx, 400, address, Optional.of("Not sent: the contact must be an e-mail address."));
      return Optional.empty();
    }
  }

  /** {@code GET /whitelist-request}: the form, pre-filled from a refusal's page. */
  void requestForm(Context ctx) {
    render(ctx, 200, "portal/request.jte", Map.of("view", new PortalViews.RequestView(query(ctx, "email"),
        query(ctx, "ip"), query(ctx, "recipient"), "", guard.token(ctx), Optional.empty(), Optional.empty())));
  }

  /**
   * {@code POST /whitelist-request}: a refused sender asks to be whitelisted, from the form at
   * the bottom of a refusal's page (with its {@code reference}: the IP and recipient are the
   * refusal's) or from the standalone form.
   */
  void request(Context ctx) {
    guard.check(ctx, "whitelist-request");
    String reference = field(ctx, "reference", 32).strip();
    String email = field(ctx, "email", 320);
    String ip = field(ctx, "ip", 64);
    String recipient = field(ctx, "recipient", 320);
    String reason = field(ctx, "reason", FIELD_MAX);
    try {
      WhitelistRequests.Submission submitted = reference.isEmpty()
          ? requests.submit(email, ip, recipient, reason, "") : requests.submitFor(reference, email, reason);
      WhitelistRequest r = submitted.request();
      String status = requests.statusUrl(r).map(url -> " Follow it at " + url + " (keep this address).").orElse("");
      String notice = submitted.merged()
          ? "Request #" + r.id() + " for this sender, server and recipient is already waiting for review; nothing new "
              + "was queued." + status
          : "Request #" + r.id() + " waits for review. The postmaster answers at " + r.email() + "." + status;
      render(ctx, 200, "portal/request.jte", Map.of("view", new PortalViews.RequestView("",
          "", "", "", guard.token(ctx), Optional.of(notice), Optional.empty())));
    } catch (IllegalArgumentException e) {
      render(ctx, 400, "portal/request.jte", Map.of("view", new PortalViews.RequestView(email, ip, recipient, reason,
          guard.token(ctx), Optional.empty(), Optional.of(e.getMessage()))));
    }
  }

  private static String query(Context ctx, String name) {
    String value = ctx.queryParam(name);
    return value == null ? "" : clip(value);
  }

  private static String field(Context ctx, String name, int max) {
    String value = ctx.formParam(name);
    if (value == null) {
      return "";
    }
    if (value.length() > max) {
      throw new PageError(400, "Too long", "The field \"" + name + "\" is longer than " + max + " characters.");
    }
    return value;
  }

  /** The page was already rendered (a 400 for bad input); nothing more to do. */
  static final class Rendered extends RuntimeException {
    Rendered() {
      super(null, null, false, false);
    }
  }

  private static Optional<InetAddress> parse(String text) {
    return text.length() > 64 ? Optional.empty() : Addresses.parseLiteral(text.strip());
  }

  private static String clip(String text) {
    return text.length() > 64 ? text.substring(0, 64) + "..." : text;
  }

  static void render(Context ctx, int status, String template, Map<String, Object> parameters) {
    StringOutput out = new StringOutput(4096);
    TEMPLATES.render(template, parameters, new VisibleOutput(out));
    ctx.status(status).contentType("text/html; charset=utf-8").result(out.toString());
  }

  static void error(Context ctx, int status, String title, String message) {
    render(ctx, status, "portal/notfound.jte", Map.of("title", title, "message", message));
  }
}
