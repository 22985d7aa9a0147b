package org.portcullis.web;

import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.portcullis.blocklist.Blocklist;
import org.portcullis.lists.WhitelistRequest;
import org.portcullis.lists.WhitelistRequests;

/** {@code /admin}: what waits for a decision and the listings by state; {@code /admin/data.json}: the charts' figures. */
final class AdminDashboardPage {

  private final AdminSessions sessions;
  private final WhitelistRequests requests;
  private final Optional<Blocklist> blocklist;
  private final Supplier<Map<String, Object>> figures;

  AdminDashboardPage(AdminSessions sessions, WhitelistRequests requests, Optional<Blocklist> blocklist,
      Supplier<Map<String, Object>> figures) {
    this.sessions = sessions;
    this.requests = requests;
    this.blocklist = blocklist;
    this.figures = figures;
  }

  void dashboard(Context ctx) {
    AdminSessions.Session session = sessions.required(ctx);
    Map<String, Long> listings = new LinkedHashMap<>();
    blocklist.ifPresent(b -> b.counts().forEach((state, n) -> listings.put(state.label(), n.longValue())));
    long open = blocklist.map(b -> (long) b.reports(Optional.of("open"), 10_000).size()).orElse(0L);
    PortalPages.render(ctx, 200, "admin/dashboard.jte", Map.of("view", new PortalViews.AdminDashboard(session.user(), session.csrf(),
        requests.list(Optional.of(WhitelistRequest.Status.PENDING), 10_000).size(), open, listings)));
  }

  /** {@code GET /admin/data.json}: the dashboard's figures for its charts. */
  void data(Context ctx) {
    sessions.required(ctx);
    ApiRequests.send(ctx, 200, figures.get());
  }
}
