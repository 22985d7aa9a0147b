package org.portcullis.web;

import io.javalin.http.Context;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.portcullis.blocklist.Blocklist;
import org.portcullis.blocklist.Category;
import org.portcullis.blocklist.Evidence;
import org.portcullis.blocklist.Listing;
import org.portcullis.blocklist.ListingState;
import org.portcullis.mail.Addresses;
import org.portcullis.mail.Cidr;

/** {@code /admin/blocklist}: search our blocklist by address or network, and list, delist or annotate. */
final class AdminBlocklistPage {

  private final AdminSessions sessions;
  private final Optional<Blocklist> blocklist;

  AdminBlocklistPage(AdminSessions sessions, Optional<Blocklist> blocklist) {
    this.sessions = sessions;
    this.blocklist = blocklist;
  }

  /** {@code GET /admin/blocklist?q=&state=}: search by address or network, or the latest listings. */
  void blocklistPage(Context ctx) {
    AdminSessions.Session session = sessions.required(ctx);
    showBlocklist(ctx, 200, session, Optional.ofNullable(ctx.queryParam("q")).orElse("").strip(),
        Optional.ofNullable(ctx.queryParam("state")).orElse("listed"), Optional.empty());
  }

  private void showBlocklist(Context ctx, int status, AdminSessions.Session session, String query, String state,
      Optional<String> notice) {
    Blocklist b = requireBlocklist();
    Instant now = b.clock().instant();
    List<Listing> found;
    Optional<String> problem = Optional.empty();
    if (query.length() > 64) {
      found = List.of();
      problem = Optional.of("Not an address or network.");
    } else if (!query.isEmpty()) {
      found = query.contains("/") ? AdminForms.network(query).flatMap(b::find).map(List::of).orElse(List.of())
          : Addresses.parseLiteral(query).map(b::history).orElse(List.of());
      if (found.isEmpty()) {
        problem = Optional.of(query.contains("/") ? AdminForms.network(query).isEmpty() ? "Not a network." : "No listing of "
            + query + "." : Addresses.parseLiteral(query).isEmpty() ? "Not an address."
            : query + " is not listed and never was.");
      }
    } else {
      Optional<ListingState> filter;
      try {
        filter = state.equals("all") ? Optional.empty() : Optional.of(ListingState.fromLabel(state));
      } catch (IllegalArgumentException e) {
        filter = Optional.of(ListingState.LISTED);
      }
      found = b.list(filter, 100, 0);
    }
    Optional<String> shown = notice.isPresent() ? notice : problem;
    PortalPages.render(ctx, status, "admin/blocklist.jte", Map.of("view", new PortalViews.AdminBlocklist(session.user(),
        session.csrf(), query, state, found.stream().map(l -> PortalViews.adminListing(l, now)).toList(), shown)));
  }

  /** {@code POST /admin/blocklist/{action}}: add, delist, permanent, note; {@code network}, {@code note}, {@code category}. */
  void blocklistAction(Context ctx) {
    AdminSessions.Session session = sessions.posted(ctx);
    Blocklist b = requireBlocklist();
    String text = AdminForms.form(ctx, "network", 64).orElse("");
    Optional<Cidr> network = AdminForms.network(text);
    String note = AdminForms.form(ctx, "note", 1000).orElse("");
    if (network.isEmpty()) {
      showBlocklist(ctx, 400, session, "", "listed", Optional.of("Not a network: give an address or a CIDR network."));
      return;
    }
    String operator = "admin:" + session.user();
    String notice = switch (ctx.pathParam("action")) {
      case "add" -> {
        var category = Category.fromLabel(AdminForms.form(ctx, "category", 32).orElse("manual"))
            .orElse(Category.MANUAL);
        b.report(network.get(), category, new Evidence(b.clock().instant(), operator,
            Addresses.toText(network.get().address()), "", "", "", "",
            note.isBlank() ? "listed by " + session.user() : note));
        yield network.get() + " listed.";
      }
      case "delist" -> b.operatorDelist(network.get(), operator, note).map(l -> network.get() + " delisted.")
          .orElse("No listing of " + network.get() + ".");
      case "permanent" -> {
        b.listPermanently(network.get(), Category.MANUAL, operator, note);
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
}
