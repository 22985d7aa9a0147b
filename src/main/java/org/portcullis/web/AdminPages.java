package org.portcullis.web;

import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import java.util.Set;
import org.portcullis.access.AdminUsers;
import org.portcullis.lists.Whitelists;

/**
 * The admin pages (login required), one class per page, and their routes. Every form carries the
 * session's CSRF token; every field is bounded ({@link AdminForms}).
 */
final class AdminPages {

  private final AdminLoginPage login;
  private final AdminDashboardPage dashboard;
  private final AdminReviewPage review;
  private final AdminBlocklistPage blocklist;
  private final AdminTransactionsPage transactions;
  private final AdminChecksPage checks;
  private final AdminListsPage lists;
  private final AdminDmarcPage dmarc;
  private final AdminQuarantinePage quarantine;
  private final AdminPrefsPage prefs;

  /**
   * @param checkNames the checks an allow entry may name
   */
  AdminPages(AdminUsers users, AdminSessions sessions, FormGuard guard, WebServer.Sources sources,
      Whitelists whitelists, Set<String> checkNames) {
    this.login = new AdminLoginPage(users, sessions, guard);
    this.dashboard = new AdminDashboardPage(sessions, sources.requests(), sources.blocklist(), sources.dashboard());
    this.review = new AdminReviewPage(sessions, sources.requests(), sources.blocklist(), sources.refusals(), checkNames);
    this.blocklist = new AdminBlocklistPage(sessions, sources.blocklist());
    this.transactions = new AdminTransactionsPage(sessions, sources.transactions(), sources.clock());
    this.checks = new AdminChecksPage(sessions, sources.checks(), sources.clock());
    this.dmarc = new AdminDmarcPage(sessions, sources.dmarcReports(), sources.ourDomains(), sources.clock());
    this.quarantine = new AdminQuarantinePage(sessions, sources.quarantine(), sources.ourDomains());
    this.prefs = new AdminPrefsPage(sessions, sources.choices(), sources.ourDomains(), sources.perRecipientChecks(),
        sources.clock());
    this.lists = new AdminListsPage(sessions, sources.lists(), whitelists, checkNames, sources.clock(),
        sources.importMaxBytes());
  }

  /** Before every {@code /admin} page but the login: no session, no page. */
  void requireSession(Context ctx) {
    login.requireSession(ctx);
  }

  /** The DMARC reports page, whose search serves {@code /api/dmarc/reports} too. */
  AdminDmarcPage dmarc() {
    return dmarc;
  }

  /** The quarantine page, whose search and actions serve {@code /api/quarantine} too. */
  AdminQuarantinePage quarantine() {
    return quarantine;
  }

  /** The recipients' choices page, whose rules serve {@code /api/prefs} too. */
  AdminPrefsPage prefs() {
    return prefs;
  }

  void routes(JavalinConfig config) {
    config.routes.get("/admin/login", login::loginForm);
    config.routes.post("/admin/login", login::login);
    config.routes.post("/admin/logout", login::logout);
    config.routes.get("/admin", dashboard::dashboard);
    config.routes.get("/admin/data.json", dashboard::data);
    config.routes.get("/admin/requests", review::queue);
    config.routes.post("/admin/requests/{id}/approve", review::approve);
    config.routes.post("/admin/requests/{id}/decline", review::decline);
    config.routes.post("/admin/reports/{id}/accept", review::answerReport);
    config.routes.post("/admin/reports/{id}/decline", review::answerReport);
    config.routes.get("/admin/blocklist", blocklist::blocklistPage);
    config.routes.post("/admin/blocklist/{action}", blocklist::blocklistAction);
    config.routes.get("/admin/checks", checks::checks);
    config.routes.post("/admin/checks/{name}", checks::switchCheck);
    config.routes.get("/admin/transactions", transactions::transactions);
    config.routes.get("/admin/dmarc", dmarc::page);
    config.routes.get("/admin/quarantine", quarantine::page);
    config.routes.get("/admin/prefs", prefs::page);
    config.routes.post("/admin/prefs", prefs::change);
    config.routes.post("/admin/prefs/clear", prefs::change);
    config.routes.post("/admin/quarantine/{id}/{action}", quarantine::act);
    config.routes.get("/admin/lists", lists::lists);
    config.routes.post("/admin/lists", lists::addEntry);
    config.routes.post("/admin/lists/{id}/remove", lists::removeEntry);
    config.routes.post("/admin/whitelists/import", lists::importBook);
  }
}
