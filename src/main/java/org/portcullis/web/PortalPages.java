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
import org.portcullis.mail.Addresses;
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

  private final RefusalLog refusals;
  private final Optional<Blocklist> blocklist;

  PortalPages(RefusalLog refusals, Optional<Blocklist> blocklist) {
    this.refusals = refusals;
    this.blocklist = blocklist;
  }

  /** {@code GET /ref/{ref}}. */
  void ref(Context ctx) {
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
    render(ctx, 200, "portal/ref.jte", Map.of("ref", PortalViews.ref(record)));
  }

  /** {@code GET /lookup}, or {@code /lookup?address=...} from the form (redirected to {@code /lookup/<ip>}). */
  void lookupForm(Context ctx) {
    String asked = ctx.queryParam("address");
    if (asked == null || asked.isBlank()) {
      render(ctx, 200, "portal/lookup.jte", Map.of("view", new PortalViews.LookupView(Optional.empty(), false,
          List.of(), Optional.empty())));
      return;
    }
    Optional<InetAddress> address = parse(asked);
    if (address.isEmpty()) {
      render(ctx, 400, "portal/lookup.jte", Map.of("view", new PortalViews.LookupView(Optional.of(clip(asked)), false,
          List.of(), Optional.of("That is not an IPv4 or IPv6 address."))));
      return;
    }
    ctx.redirect("/lookup/" + Addresses.toText(address.get()));
  }

  /** {@code GET /lookup/{address}}. */
  void lookup(Context ctx) {
    String asked = ctx.pathParam("address");
    Optional<InetAddress> address = parse(asked);
    if (address.isEmpty()) {
      render(ctx, 400, "portal/lookup.jte", Map.of("view", new PortalViews.LookupView(Optional.of(clip(asked)), false,
          List.of(), Optional.of("That is not an IPv4 or IPv6 address."))));
      return;
    }
    if (blocklist.isEmpty()) {
      throw new PageError(404, "No blocklist here", "This server does not run a blocklist of its own.");
    }
    Instant now = blocklist.get().clock().instant();
    List<Listing> history = blocklist.get().history(address.get());
    render(ctx, 200, "portal/lookup.jte", Map.of("view", new PortalViews.LookupView(
        Optional.of(Addresses.toText(address.get())), history.stream().anyMatch(l -> l.activeAt(now)),
        history.stream().map(l -> PortalViews.listing(l, now)).toList(), Optional.empty())));
  }

  private static Optional<InetAddress> parse(String text) {
    return text.length() > 64 ? Optional.empty() : Addresses.parseLiteral(text.strip());
  }

  private static String clip(String text) {
    return text.length() > 64 ? text.substring(0, 64) + "..." : text;
  }

  static void render(Context ctx, int status, String template, Map<String, Object> parameters) {
    StringOutput out = new StringOutput(4096);
    TEMPLATES.render(template, parameters, out);
    ctx.status(status).contentType("text/html; charset=utf-8").result(out.toString());
  }

  static void error(Context ctx, int status, String title, String message) {
    render(ctx, status, "portal/notfound.jte", Map.of("title", title, "message", message));
  }
}
