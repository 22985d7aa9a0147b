package org.portcullis.web;

import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import java.util.Map;
import java.util.Optional;
import org.portcullis.tenant.TenantAdmin;
import org.portcullis.tenant.TenantAdmins;
import org.slf4j.LoggerFactory;

/**
 * The tenant portal, {@code /tenant/} and {@code /api/tenant/}: a tenant administrator manages its
 * own domains: whitelists and address books ({@link TenantListsPage}), the choices for per-recipient
 * checks and quarantine digests ({@link TenantPrefsPage}), its quarantine ({@link TenantQuarantinePage}),
 * recent refusals and the whitelist requests addressed to its recipients ({@link TenantActivityPage}).
 *
 * <p>Isolation is one rule applied by every route: an object (a mailbox, a domain, a quarantined
 * message, a whitelist request) whose recipient is not in one of the administrator's domains does
 * not exist for it: 404, the same answer as for an id nobody has, so a guess learns nothing. The
 * administrator is looked up on every request, so a change of its domains or its removal applies at
 * once. Pages use a session cookie of their own ({@code pc_tenant}, path {@code /tenant}) and the
 * admin pages' CSRF and login throttle; the API takes the administrator's token ({@code tenant.NAME}).
 */
final class TenantPortal {

  private static final String ADMIN = "portcullis.tenant.admin";
  private static final String SESSION = "portcullis.tenant.session";

  private final TenantAdmins tenants;
  private final AdminSessions sessions;
  private final FormGuard guard;
  private final TenantListsPage lists;
  private final TenantPrefsPage prefs;
  private final TenantQuarantinePage quarantine;
  private final TenantActivityPage activity;

  TenantPortal(TenantAdmins tenants, AdminSessions sessions, FormGuard guard, TenantListsPage lists,
      TenantPrefsPage prefs, TenantQuarantinePage quarantine, TenantActivityPage activity) {
    this.tenants = tenants;
    this.sessions = sessions;
    this.guard = guard;
    this.lists = lists;
    this.prefs = prefs;
    this.quarantine = quarantine;
    this.activity = activity;
  }

  /** What a tenant page needs: who is logged in, and the session (its CSRF token). */
  record Viewer(TenantAdmin admin, AdminSessions.Session session) {
    String user() {
      return admin.name();
    }

    String csrf() {
      return session.csrf();
    }
  }

  /** Before every {@code /tenant} page but the login: a live session of an administrator that still exists. */
  void gate(Context ctx) {
    if (ctx.path().equals("/tenant/login")) {
      return;
    }
    Optional<AdminSessions.Session> session = sessions.current(ctx);
    Optional<TenantAdmin> admin = session.flatMap(s -> tenants.find(s.user()));
    if (admin.isEmpty()) {
      session.ifPresent(s -> sessions.end(ctx));
      ctx.redirect("/tenant/login");
      ctx.skipRemainingHandlers();
      return;
    }
    ctx.attribute(ADMIN, admin.get());
    ctx.attribute(SESSION, session.get());
  }

  /** Before every {@code /api/tenant/} route, after the token was verified: whose token it is. */
  void apiGate(Context ctx) {
    Optional<TenantAdmin> admin = tenants.byToken(ctx.attribute(WebServer.TOKEN_NAME));
    if (admin.isEmpty()) {
      throw new ApiError(401, "the token belongs to no tenant administrator (any more)");
    }
    ctx.attribute(ADMIN, admin.get());
  }

  /** The administrator of this request (set by the gates). */
  static TenantAdmin admin(Context ctx) {
    TenantAdmin admin = ctx.attribute(ADMIN);
    if (admin == null) {
      throw new IllegalStateException("a tenant route ran without its gate");
    }
    return admin;
  }

  /** The viewer of a page; for a form post, after its CSRF token was checked. */
  static Viewer viewer(Context ctx, boolean post) {
    AdminSessions.Session session = ctx.attribute(SESSION);
    if (session == null) {
      throw new PortalPages.PageError(401, "Log in", "Your session ended.");
    }
    if (post) {
      AdminSessions.checkCsrf(ctx, session);
    }
    return new Viewer(admin(ctx), session);
  }

  /** Who did it, for logs and the store: {@code tenant NAME} or {@code api:tenant.NAME}. */
  static String by(Context ctx) {
    return ctx.path().startsWith("/api/") ? "api:" + ctx.attribute(WebServer.TOKEN_NAME) : "tenant " + admin(ctx).name();
  }

  /** The answer for an object that is not the administrator's, or not there: the same 404 either way. */
  static RuntimeException notFound(Context ctx, String what) {
    return ctx.path().startsWith("/api/") ? new ApiError(404, what) : new PortalPages.PageError(404, "Not found", what);
  }

  void loginForm(Context ctx) {
    PortalPages.render(ctx, 200, "tenant/login.jte", Map.of("csrf", guard.token(ctx), "error", ""));
  }

  void login(Context ctx) {
    guard.check(ctx, "tenant-login");
    AdminLoginPage.answer(ctx, guard, "tenant/login.jte", tenants::login, name -> {
      sessions.start(ctx, name);
      LoggerFactory.getLogger("portcullis.tenant").info("tenant administrator {} logged in from {}", name, ctx.ip());
      ctx.redirect("/tenant");
    });
  }

  void logout(Context ctx) {
    viewer(ctx, true);
    sessions.end(ctx);
    ctx.redirect("/tenant/login");
  }

  /** {@code GET /tenant}: the domains, and what waits. */
  void home(Context ctx) {
    Viewer viewer = viewer(ctx, false);
    PortalPages.render(ctx, 200, "tenant/home.jte", Map.of("view", new PortalViews.TenantHome(viewer.user(),
        viewer.csrf(), viewer.admin().domainList(), quarantine.heldCount(viewer.admin()),
        activity.pendingCount(viewer.admin()), viewer.admin().answersRequests())));
  }

  /** {@code GET /api/tenant}: who the token belongs to. */
  void whoami(Context ctx) {
    TenantAdmin admin = admin(ctx);
    ApiRequests.send(ctx, 200, Map.of("name", admin.name(), "domains", admin.domainList(), "answersRequests",
        admin.answersRequests()));
  }

  void routes(JavalinConfig config) {
    config.routes.get("/tenant/login", this::loginForm);
    config.routes.post("/tenant/login", this::login);
    config.routes.post("/tenant/logout", this::logout);
    config.routes.get("/tenant", this::home);
    config.routes.get("/tenant/whitelists", lists::page);
    config.routes.post("/tenant/whitelists/add", lists::add);
    config.routes.post("/tenant/whitelists/remove", lists::remove);
    config.routes.post("/tenant/whitelists/import", lists::importBook);
    config.routes.get("/tenant/prefs", prefs::page);
    config.routes.post("/tenant/prefs", prefs::change);
    config.routes.post("/tenant/prefs/clear", prefs::change);
    config.routes.post("/tenant/digests", prefs::digest);
    config.routes.get("/tenant/quarantine", quarantine::page);
    config.routes.post("/tenant/quarantine/{id}/{action}", quarantine::act);
    config.routes.get("/tenant/refusals", activity::refusals);
    config.routes.get("/tenant/requests", activity::requestsPage);
    config.routes.post("/tenant/requests/{id}/{action}", activity::answer);

    config.routes.get("/api/tenant", this::whoami);
    config.routes.get("/api/tenant/whitelists/{owner}", lists::apiList);
    config.routes.post("/api/tenant/whitelists/{owner}", lists::apiAdd);
    config.routes.post("/api/tenant/whitelists/{owner}/import", lists::apiImport);
    config.routes.delete("/api/tenant/whitelists/{owner}/{sender}", lists::apiRemove);
    config.routes.get("/api/tenant/prefs", prefs::apiList);
    config.routes.post("/api/tenant/prefs", prefs::apiSet);
    config.routes.delete("/api/tenant/prefs", prefs::apiClear);
    config.routes.get("/api/tenant/digests/{mailbox}", prefs::apiDigest);
    config.routes.post("/api/tenant/digests/{mailbox}", prefs::apiSetDigest);
    config.routes.get("/api/tenant/quarantine", quarantine::apiList);
    config.routes.get("/api/tenant/quarantine/{id}", quarantine::apiShow);
    config.routes.post("/api/tenant/quarantine/{id}/{action}", quarantine::apiAct);
    config.routes.get("/api/tenant/refusals", activity::apiRefusals);
    config.routes.get("/api/tenant/whitelist-requests", activity::apiRequests);
    config.routes.get("/api/tenant/whitelist-requests/{id}", activity::apiRequest);
    config.routes.post("/api/tenant/whitelist-requests/{id}/{action}", activity::apiAnswer);
  }
}
