package org.portcullis.web;

import io.javalin.http.Context;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.portcullis.blocklist.Blocklist;
import org.portcullis.lists.EntryForm;
import org.portcullis.lists.ListEntry;
import org.portcullis.lists.WhitelistRequest;
import org.portcullis.lists.WhitelistRequests;
import org.portcullis.policy.RefusalLog;
import org.portcullis.policy.RefusalRecord;
import org.portcullis.store.StoreException;

/**
 * {@code /admin/requests}: the review queue. Whitelist requests are approved with a chosen scope
 * or declined with a message; false-positive and delisting reports are accepted (delisting as the
 * operator) or declined. The requester is told by mail either way.
 */
final class AdminReviewPage {

  private final AdminSessions sessions;
  private final WhitelistRequests requests;
  private final Optional<Blocklist> blocklist;
  private final RefusalLog refusals;
  private final Set<String> checks;

  AdminReviewPage(AdminSessions sessions, WhitelistRequests requests, Optional<Blocklist> blocklist, RefusalLog refusals,
      Set<String> checks) {
    this.sessions = sessions;
    this.requests = requests;
    this.blocklist = blocklist;
    this.refusals = refusals;
    this.checks = Set.copyOf(checks);
  }

  void queue(Context ctx) {
    showQueue(ctx, 200, sessions.required(ctx), Optional.empty());
  }

  private void showQueue(Context ctx, int status, AdminSessions.Session session, Optional<String> notice) {
    List<PortalViews.PendingRequest> pending = requests.list(Optional.of(WhitelistRequest.Status.PENDING), 200).stream()
        .map(r -> new PortalViews.PendingRequest(r, refusal(r.reference()).map(PortalViews::refusalSummary)))
        .toList();
    PortalPages.render(ctx, status, "admin/requests.jte", Map.of("view", new PortalViews.AdminQueue(session.user(),
        session.csrf(), pending, blocklist.map(b -> b.reports(Optional.of("open"), 200)).orElse(List.of()),
        notice)));
  }

  /** The refusal a request came from; empty when it has none or the record was pruned (or the store fails). */
  private Optional<RefusalRecord> refusal(String reference) {
    if (reference.isEmpty()) {
      return Optional.empty();
    }
    try {
      return refusals.find(reference);
    } catch (StoreException e) {
      return Optional.empty();
    }
  }

  /** {@code POST /admin/requests/{id}/approve}: {@code match} (sender, ip, recipient), {@code skip}, {@code message}. */
  void approve(Context ctx) {
    AdminSessions.Session session = sessions.posted(ctx);
    long id = AdminForms.id(ctx);
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
      Optional<ListEntry> entry = requests.approve(id, scope, skip, Optional.empty(), AdminForms.message(ctx));
      showQueue(ctx, entry.isPresent() ? 200 : 409, session, Optional.of(entry.map(e -> "Request #" + id
          + " approved by " + session.user() + ": allow entry " + e.id() + " (" + e.criteria() + ").")
          .orElse("Request #" + id + " is no longer pending.")));
    } catch (IllegalArgumentException e) {
      showQueue(ctx, 400, session, Optional.of("Not approved: " + e.getMessage()));
    }
  }

  /** {@code POST /admin/requests/{id}/decline}: {@code message}. */
  void decline(Context ctx) {
    AdminSessions.Session session = sessions.posted(ctx);
    long id = AdminForms.id(ctx);
    try {
      boolean declined = requests.decline(id, AdminForms.message(ctx));
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
    AdminSessions.Session session = sessions.posted(ctx);
    long id = AdminForms.id(ctx);
    boolean accept = ctx.path().endsWith("/accept");
    String message = AdminForms.message(ctx);
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
}
