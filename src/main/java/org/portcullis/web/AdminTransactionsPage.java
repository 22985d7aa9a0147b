package org.portcullis.web;

import io.javalin.http.Context;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.portcullis.history.Transaction;
import org.portcullis.history.TransactionLog;
import org.portcullis.history.TransactionSearch;

/**
 * {@code /admin/transactions}: recent transactions, accepted and refused, searched by client,
 * sender, recipient, verdict and age. The search and its JSON form serve {@code /api/transactions} too.
 */
final class AdminTransactionsPage {

  private final AdminSessions sessions;
  private final TransactionLog transactionLog;
  private final Clock clock;

  AdminTransactionsPage(AdminSessions sessions, TransactionLog transactionLog, Clock clock) {
    this.sessions = sessions;
    this.transactionLog = transactionLog;
    this.clock = clock;
  }

  /** {@code GET /admin/transactions?client=&sender=&recipient=&verdict=&hours=}: recent transactions. */
  void transactions(Context ctx) {
    AdminSessions.Session session = sessions.required(ctx);
    List<Transaction> found = List.of();
    Optional<String> error = Optional.empty();
    try {
      found = transactionLog.search(search(ctx, clock));
    } catch (ApiError e) {
      error = Optional.of(e.getMessage());
    }
    PortalPages.render(ctx, error.isPresent() ? 400 : 200, "admin/transactions.jte", Map.of("view",
        new PortalViews.AdminTransactions(session.user(), AdminForms.query(ctx, "client"), AdminForms.query(ctx, "sender"),
            AdminForms.query(ctx, "recipient"), AdminForms.query(ctx, "verdict"), AdminForms.query(ctx, "hours").isEmpty() ? "24" : AdminForms.query(ctx, "hours"),
            found, error)));
  }

  /**
   * The search in a request's query ({@code client}, {@code sender}, {@code recipient}, {@code verdict},
   * {@code hours} back, default 24, at most 720; {@code limit}, default 200).
   *
   * @throws ApiError 400 naming a bad field
   */
  static TransactionSearch search(Context ctx, Clock clock) {
    int hours = ApiRequests.number(ctx.queryParam("hours"), 24, 1, 720, "hours");
    int limit = ApiRequests.number(ctx.queryParam("limit"), 200, 1, 10_000, "limit");
    Optional<String> verdict = text(ctx, "verdict");
    if (verdict.isPresent() && !TransactionSearch.VERDICTS.contains(verdict.get())) {
      throw new ApiError(400, "verdict must be accepted, refused, deferred or greylisted");
    }
    return new TransactionSearch(text(ctx, "client"), text(ctx, "sender"),
        text(ctx, "recipient"), verdict, clock.instant().minus(Duration.ofHours(hours)), limit);
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
  static Map<String, Object> toMap(Transaction t) {
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
}
