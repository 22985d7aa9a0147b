package org.portcullis.web;

import io.javalin.http.Context;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.portcullis.history.Transaction;
import org.portcullis.history.TransactionLog;
import org.portcullis.history.TransactionSearch;
import org.portcullis.lists.ListEntry;
import org.portcullis.lists.WhitelistRequest;
import org.portcullis.lists.WhitelistRequests;
import org.portcullis.tenant.TenantAdmin;
import tools.jackson.databind.JsonNode;

/**
 * {@code /tenant/refusals} and {@code /tenant/requests} (and their API): the refusals of mail to
 * the tenant's recipients over the last week, each linked to its explanation, and the whitelist
 * requests senders filed for them. A tenant answers requests only where the operator delegated it
 * ({@code portcullis tenant add --answer-requests}); an approval whitelists the sender for that
 * recipient alone, never for the server.
 */
final class TenantActivityPage {

  static final Duration WINDOW = Duration.ofDays(7);
  static final int LIMIT = 200;
  /** How far into the whole server's pending requests a tenant's are looked for. */
  private static final int PENDING_SCAN = 10_000;

  private final TransactionLog transactions;
  private final WhitelistRequests requests;
  private final Clock clock;

  TenantActivityPage(TransactionLog transactions, WhitelistRequests requests, Clock clock) {
    this.transactions = transactions;
    this.requests = requests;
    this.clock = clock;
  }

  /** {@code GET /tenant/refusals}. */
  void refusals(Context ctx) {
    TenantPortal.Viewer viewer = TenantPortal.viewer(ctx, false);
    PortalPages.render(ctx, 200, "tenant/refusals.jte", Map.of("view", new PortalViews.TenantRefusals(viewer.user(),
        viewer.csrf(), viewer.admin().domainList(), refusalsOf(viewer.admin()))));
  }

  /** {@code GET /api/tenant/refusals}. */
  void apiRefusals(Context ctx) {
    ApiRequests.send(ctx, 200, Map.of("refusals", refusalsOf(TenantPortal.admin(ctx)).stream()
        .map(AdminTransactionsPage::toMap).toList()));
  }

  /** The refusals of the last week whose recipient is the tenant's, newest first. */
  List<Transaction> refusalsOf(TenantAdmin admin) {
    List<Transaction> out = new java.util.ArrayList<>();
    for (String domain : admin.domainList()) {
      // The search matches text within the recipient; the exact domain is checked after.
      out.addAll(transactions.search(new TransactionSearch(Optional.empty(), Optional.empty(), Optional.of("@" + domain),
          Optional.of("refused"), clock.instant().minus(WINDOW), LIMIT)).stream()
          .filter(t -> admin.owns(bare(t.recipients()))).toList());
    }
    out.sort(java.util.Comparator.comparing(Transaction::at).reversed());
    return out.size() > LIMIT ? List.copyOf(out.subList(0, LIMIT)) : out;
  }

  private static String bare(String recipient) {
    String r = recipient.strip();
    return r.startsWith("<") && r.endsWith(">") ? r.substring(1, r.length() - 1) : r;
  }

  /** {@code GET /tenant/requests}. */
  void requestsPage(Context ctx) {
    showRequests(ctx, 200, TenantPortal.viewer(ctx, false), Optional.empty());
  }

  private void showRequests(Context ctx, int status, TenantPortal.Viewer viewer, Optional<String> notice) {
    PortalPages.render(ctx, status, "tenant/requests.jte", Map.of("view", new PortalViews.TenantRequests(viewer.user(),
        viewer.csrf(), viewer.admin().domainList(), pending(viewer.admin()), viewer.admin().answersRequests(),
        notice)));
  }

  /** How many whitelist requests wait for the tenant's recipients. */
  long pendingCount(TenantAdmin admin) {
    return pending(admin).size();
  }

  private List<WhitelistRequest> pending(TenantAdmin admin) {
    return requests.list(Optional.of(WhitelistRequest.Status.PENDING), PENDING_SCAN).stream()
        .filter(r -> admin.owns(r.recipient())).limit(LIMIT).toList();
  }

  /** {@code POST /tenant/requests/{id}/approve} and {@code .../decline} ({@code message}). */
  void answer(Context ctx) {
    TenantPortal.Viewer viewer = TenantPortal.viewer(ctx, true);
    long id = AdminForms.id(ctx);
    String message = AdminForms.message(ctx);
    String done = decide(ctx, viewer.admin(), id, ctx.pathParam("action"), message);
    showRequests(ctx, done.startsWith("Request") ? 200 : 409, viewer, Optional.of(done));
  }

  /** {@code GET /api/tenant/whitelist-requests?status=pending|all}. */
  void apiRequests(Context ctx) {
    String status = Optional.ofNullable(ctx.queryParam("status")).orElse("pending");
    if (!status.equals("pending") && !status.equals("all")) {
      throw new ApiError(400, "status must be pending or all");
    }
    TenantAdmin admin = TenantPortal.admin(ctx);
    List<WhitelistRequest> found = status.equals("pending") ? pending(admin)
        : requests.list(Optional.empty(), PENDING_SCAN).stream().filter(r -> admin.owns(r.recipient())).limit(LIMIT)
            .toList();
    ApiRequests.send(ctx, 200, Map.of("requests", found.stream().map(WhitelistRequest::toMap).toList()));
  }

  /** {@code GET /api/tenant/whitelist-requests/{id}}. */
  void apiRequest(Context ctx) {
    ApiRequests.send(ctx, 200, owned(ctx, TenantPortal.admin(ctx), ApiRequests.id(ctx, "id")).toMap());
  }

  /** {@code POST /api/tenant/whitelist-requests/{id}/approve|decline}: {@code {"message": "..."}}. */
  void apiAnswer(Context ctx) {
    long id = ApiRequests.id(ctx, "id");
    TenantAdmin admin = TenantPortal.admin(ctx);
    JsonNode body = ApiRequests.body(ctx);
    String message = ApiRequests.text(body, "message", 1000, false);
    String done = decide(ctx, admin, id, ctx.pathParam("action"), message);
    if (!done.startsWith("Request")) {
      throw new ApiError(409, done);
    }
    ApiRequests.send(ctx, 200, requests.get(id).orElseThrow().toMap());
  }

  /**
   * Approves (the sender, for this recipient, every check that can be skipped) or declines a
   * pending request of the tenant's; returns what happened in words, starting "Request" when done.
   */
  private String decide(Context ctx, TenantAdmin admin, long id, String action, String message) {
    WhitelistRequest request = owned(ctx, admin, id);
    if (!action.equals("approve") && !action.equals("decline")) {
      throw TenantPortal.notFound(ctx, "approve or decline");
    }
    if (!admin.answersRequests()) {
      throw ctx.path().startsWith("/api/")
          ? new ApiError(403, "the operator answers the whitelist requests for your domains")
          : new PortalPages.PageError(403, "Not yours to answer",
              "The operator answers the whitelist requests for your domains; you see them here.");
    }
    try {
      if (action.equals("decline")) {
        return requests.decline(id, message.isBlank() ? "Declined by the recipient's administrator." : message)
            ? "Request #" + id + " declined." : "Not done: request #" + id + " is no longer pending.";
      }
      Set<WhitelistRequests.Scope> scope = EnumSet.of(WhitelistRequests.Scope.SENDER,
          WhitelistRequests.Scope.RECIPIENT);
      Optional<ListEntry> entry = requests.approve(id, scope, Set.of(ListEntry.ALL), Optional.empty(), message);
      return entry.map(e -> "Request #" + id + " approved: " + request.email() + " may now send to "
          + request.recipient() + " (allow entry " + e.id() + ").")
          .orElse("Not done: request #" + id + " is no longer pending.");
    } catch (IllegalArgumentException e) {
      return "Not done: " + e.getMessage() + ".";
    }
  }

  /** The request {@code id} if its recipient is the tenant's; 404 otherwise (the same as for no request). */
  private WhitelistRequest owned(Context ctx, TenantAdmin admin, long id) {
    return requests.get(id).filter(r -> admin.owns(r.recipient()))
        .orElseThrow(() -> TenantPortal.notFound(ctx, "no such whitelist request for your recipients"));
  }
}
