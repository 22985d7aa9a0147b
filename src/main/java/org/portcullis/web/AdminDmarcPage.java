package org.portcullis.web;

import io.javalin.http.Context;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.portcullis.dmarc.DmarcReportStore;

/**
 * {@code /admin/dmarc} and {@code /api/dmarc/reports}: what the aggregate reports others sent to
 * {@code dmarc.report-address} say about our domains, per domain: who sent as us from which
 * addresses, how many messages, what the reporter did with them and whether DKIM and SPF passed
 * aligned. The same rows as {@code portcullis dmarc reports}.
 */
final class AdminDmarcPage {

  /** Rows shown per domain, at most, newest first; the API may ask for up to {@value #LIMIT_MAX}. */
  static final int LIMIT_DEFAULT = 1_000;
  static final int LIMIT_MAX = 10_000;

  private final AdminSessions sessions;
  private final DmarcReportStore reports;
  private final List<String> ourDomains;
  private final Clock clock;

  AdminDmarcPage(AdminSessions sessions, DmarcReportStore reports, List<String> ourDomains, Clock clock) {
    this.sessions = sessions;
    this.reports = reports;
    this.ourDomains = List.copyOf(ourDomains);
    this.clock = clock;
  }

  /** {@code GET /admin/dmarc?domain=&days=}. */
  void page(Context ctx) {
    AdminSessions.Session session = sessions.required(ctx);
    List<PortalViews.DmarcDomain> found = List.of();
    Optional<String> error = Optional.empty();
    String days = AdminForms.query(ctx, "days").isEmpty() ? "7" : AdminForms.query(ctx, "days");
    try {
      found = search(ctx, LIMIT_DEFAULT);
    } catch (ApiError e) {
      error = Optional.of(e.getMessage());
    }
    PortalPages.render(ctx, error.isPresent() ? 400 : 200, "admin/dmarc.jte", Map.of("view",
        new PortalViews.AdminDmarc(session.user(), ourDomains, AdminForms.query(ctx, "domain"), days, found, error)));
  }

  /** {@code GET /api/dmarc/reports?domain=&days=&limit=}. */
  void api(Context ctx) {
    int limit = ApiRequests.number(ctx.queryParam("limit"), LIMIT_DEFAULT, 1, LIMIT_MAX, "limit");
    List<Map<String, Object>> out = new ArrayList<>();
    for (PortalViews.DmarcDomain d : search(ctx, limit)) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("domain", d.domain());
      m.put("messages", d.messages());
      m.put("failing", d.failing());
      m.put("more", d.more());
      List<Map<String, Object>> rows = new ArrayList<>();
      for (DmarcReportStore.StoredRow r : d.rows()) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("day", r.day().toString());
        row.put("reporter", r.organisation());
        row.put("source", r.row().source());
        row.put("messages", r.row().count());
        row.put("disposition", r.row().disposition());
        row.put("dkim", r.row().dkim());
        row.put("spf", r.row().spf());
        row.put("headerFrom", r.row().headerFrom());
        rows.add(row);
      }
      m.put("rows", rows);
      out.add(m);
    }
    ApiRequests.send(ctx, 200, Map.of("domains", out));
  }

  /**
   * The query's domain (one of ours; empty: all) and days back (1..366, default 7).
   *
   * @throws ApiError 400 naming the bad field
   */
  private List<PortalViews.DmarcDomain> search(Context ctx, int limit) {
    int days = ApiRequests.number(blankless(ctx.queryParam("days")), 7, 1, 366, "days");
    String domain = blankless(ctx.queryParam("domain"));
    List<String> domains = ourDomains;
    if (domain != null) {
      String d = domain.strip().toLowerCase(Locale.ROOT);
      if (!ourDomains.contains(d)) {
        throw new ApiError(400, "domain must be one of mail.accepted-domains");
      }
      domains = List.of(d);
    }
    Instant since = clock.instant().minus(Duration.ofDays(days));
    List<PortalViews.DmarcDomain> out = new ArrayList<>();
    for (String d : domains) {
      List<DmarcReportStore.StoredRow> rows = reports.rows(d, since);
      long messages = 0;
      long failing = 0;
      for (DmarcReportStore.StoredRow r : rows) {
        messages += r.row().count();
        failing += r.row().dkim().equals("pass") || r.row().spf().equals("pass") ? 0 : r.row().count();
      }
      int shown = Math.min(rows.size(), limit);
      out.add(new PortalViews.DmarcDomain(d, messages, failing, rows.subList(0, shown), rows.size() - shown));
    }
    return out;
  }

  private static String blankless(String value) {
    return value == null || value.isBlank() ? null : value;
  }
}
