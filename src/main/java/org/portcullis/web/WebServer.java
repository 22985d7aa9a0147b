package org.portcullis.web;

import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.portcullis.access.AdminUserStore;
import org.portcullis.access.AdminUsers;
import org.portcullis.access.ApiTokens;
import org.portcullis.blocklist.Blocklist;
import org.portcullis.history.TransactionLog;
import org.portcullis.lists.AccessListStore;
import org.portcullis.lists.WhitelistRequests;
import org.portcullis.lists.Whitelists;
import org.portcullis.policy.CheckMode;
import org.portcullis.policy.CheckModeStore;
import org.portcullis.policy.CheckModes;
import org.portcullis.policy.RefusalLog;
import org.portcullis.policy.checks.CheckCatalog;
import org.portcullis.store.StoreException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The web listener (default 127.0.0.1:8080): Prometheus metrics at {@code /metrics}, and the JSON
 * API under {@code /api/} (described at {@code /api/openapi.json}), which needs an API token
 * ({@code Authorization: Bearer pct_...}, made with {@code portcullis admin add-token}); the
 * portal's public pages ({@code /ref/}, {@code /lookup}, {@code /requests/}, the whitelist form) and
 * the admin pages under {@code /admin} ({@link AdminPages}).
 *
 * <p>API errors are JSON ({@code {"error": "..."}}) and page errors are pages, with the right
 * status; no stack trace reaches a client. Request bodies are limited to 256 kB. Lifecycle: {@link #start} binds, {@link #close}
 * stops.
 */
public final class WebServer implements AutoCloseable {

  static final String TOKEN_NAME = "portcullis.token";
  private static final Logger log = LoggerFactory.getLogger("portcullis.web");
  private static final long BODY_MAX = 256 * 1024;
  /** The uPlot webjar's version (pom.xml: uplot.version). */
  private static final String UPLOT = "1.6.30";

  private final Javalin app;

  private WebServer(Javalin app) {
    this.app = app;
  }

  /**
   * What the web listener serves from.
   *
   * @param blocklist our blocklist, when enabled (its routes answer 404 otherwise)
   * @param lists the allow and deny lists, whitelists and whitelist requests
   * @param refusals refusal records, for the explanation pages
   * @param adminUsers the admin pages' users
   * @param dashboard the admin dashboard's figures, as JSON-ready values
   * @param importMaxBytes the largest address book an import takes
   * @param checks the checks' modes, for the admin pages' switch
   * @param transactions recent transactions, for the admin pages and the API
   * @param requests whitelist requests, for the portal, the admin pages and the API
   * @param whitelists recipients' whitelists, for address-book imports from the admin pages and the API
   * @param dmarcReports the aggregate reports others sent about our domains
   * @param ourDomains {@code mail.accepted-domains}, the domains those reports may be about
   * @param tenants the tenant administrators, for the tenant portal
   * @param digests the mailboxes' quarantine digest settings, for the tenant portal
   * @param diagnosis "test your server", as the gateway judges
   */
  public record Sources(PrometheusMeterRegistry metrics, ApiTokens tokens, Optional<Blocklist> blocklist,
      AccessListStore lists, RefusalLog refusals, AdminUserStore adminUsers,
      java.util.function.Supplier<Map<String, Object>> dashboard, Clock clock, long importMaxBytes,
      Checks checks, TransactionLog transactions, WhitelistRequests requests, Whitelists whitelists,
      org.portcullis.dmarc.DmarcReportStore dmarcReports, java.util.List<String> ourDomains,
      Optional<AdminQuarantinePage.Access> quarantine, org.portcullis.verdicts.ChoiceStore choices,
      java.util.List<String> perRecipientChecks, org.portcullis.tenant.TenantAdmins tenants,
      org.portcullis.quarantine.DigestStore digests, Optional<org.portcullis.probe.RetryProbes> probes,
      org.portcullis.diagnose.Diagnosis diagnosis) {}

  /** The quarantine for the admin pages and the API, with how a release is queued. */
  public static Optional<AdminQuarantinePage.Access> quarantine(org.portcullis.quarantine.Quarantine quarantine,
      org.portcullis.quarantine.Quarantine.Requeue requeue, org.portcullis.quarantine.QuarantineLinks links) {
    return Optional.of(new AdminQuarantinePage.Access(quarantine, requeue, links));
  }

  /**
   * How the listener is set up ({@code [web]}).
   *
   * @param publicUrl where strangers reach the portal, for the addresses pages give; empty: the request's host
   * @param formPostsPerMinute posts of each public form one client address may make per minute
   * @param pageViewsPerMinute explanation, lookup and status pages one client network may view per minute
   * @param tls serve HTTPS with this context (cookies are then {@code Secure}); empty: plain HTTP
   * @param metricsNetworks who may read {@code /metrics}; empty: anyone
   * @param adminEnabled whether {@code /admin} is served
   * @param tenantEnabled whether {@code /tenant} and {@code /api/tenant} are served
   * @param diagnosesPerMinute diagnoses one client network may run per minute ({@code /diagnose}, {@code /api/diagnose})
   */
  public record Settings(InetSocketAddress listen, String publicUrl, int formPostsPerMinute, int pageViewsPerMinute,
      Optional<javax.net.ssl.SSLContext> tls, java.util.List<org.portcullis.mail.Cidr> metricsNetworks,
      boolean adminEnabled, boolean tenantEnabled, int diagnosesPerMinute) {}

  /**
   * The checks as the admin pages show and switch them.
   *
   * @param configured each check's mode in the configuration, in chain order
   */
  public record Checks(Map<String, CheckMode> configured, Set<String> fixed, CheckModes modes, CheckModeStore store) {}

  public static WebServer start(Settings settings, Sources sources) {
    InetSocketAddress listen = settings.listen();
    boolean secure = settings.tls().isPresent();
    PrometheusMeterRegistry metrics = sources.metrics();
    ApiTokens tokens = sources.tokens();
    Optional<Blocklist> blocklist = sources.blocklist();
    AccessListStore lists = sources.lists();
    Clock clock = sources.clock();
    long importMaxBytes = sources.importMaxBytes();
    byte[] openapi = resource("/web/openapi.json");
    byte[] css = resource("/web/static/portal.css");
    byte[] dashboardJs = resource("/web/static/dashboard.js");
    byte[] uplotJs = resource("/META-INF/resources/webjars/uplot/" + UPLOT + "/dist/uPlot.iife.min.js");
    byte[] uplotCss = resource("/META-INF/resources/webjars/uplot/" + UPLOT + "/dist/uPlot.min.css");
    FormGuard guard = new FormGuard(settings.formPostsPerMinute(), secure);
    WhitelistRequests requests = sources.requests();
    PageLimiter pages = new PageLimiter(settings.pageViewsPerMinute(), () -> clock.millis() * 1_000_000L);
    PortalPages portal = new PortalPages(sources.refusals(), blocklist, requests, guard, pages, settings.publicUrl());
    PageLimiter diagnoses = new PageLimiter(settings.diagnosesPerMinute(), () -> clock.millis() * 1_000_000L);
    DiagnosePage diagnose = new DiagnosePage(sources.diagnosis(), sources.refusals(), pages, diagnoses,
        sources.probes().isPresent() ? Optional.of(guard) : Optional.empty());
    Optional<ProbePages> probePages = sources.probes().map(p -> new ProbePages(p, guard, pages, diagnoses, clock));
    DiagnoseApi diagnoseApi = new DiagnoseApi(sources.diagnosis(), sources.refusals(), diagnoses);
    QuarantineLinkPages quarantineLinks = new QuarantineLinkPages(sources.quarantine(), guard, pages, sources.lists(),
        sources.digests(), clock);
    AdminPages admin = new AdminPages(new AdminUsers(sources.adminUsers(), clock), new AdminSessions(secure), guard,
        sources, sources.whitelists(), new LinkedHashSet<>(CheckCatalog.names()));
    Optional<BlocklistApi> api = blocklist.map(BlocklistApi::new);
    ListsApi listsApi = new ListsApi(lists, sources.whitelists(), requests, clock, new LinkedHashSet<>(CheckCatalog.names()),
        importMaxBytes);
    TenantPortal tenant = new TenantPortal(sources.tenants(), new AdminSessions(secure, AdminSessions.TENANT_COOKIE,
        "/tenant"), guard, new TenantListsPage(sources.whitelists(), listsApi, importMaxBytes),
        new TenantPrefsPage(sources.choices(), sources.digests(), sources.perRecipientChecks(), clock),
        new TenantQuarantinePage(sources.quarantine()), new TenantActivityPage(sources.transactions(), requests, clock));
    Javalin app = Javalin.create(config -> {
      config.startup.showJavalinBanner = false;
      config.startup.showOldJavalinVersionWarning = false;
      // Address books may be larger than other bodies; every other route is held to BODY_MAX below.
      config.http.maxRequestSize = Math.max(BODY_MAX, importMaxBytes);
      config.jetty.host = listen.getAddress().getHostAddress();
      config.jetty.port = listen.getPort();
      settings.tls().ifPresent(tls -> config.jetty.addConnector((server, http) -> httpsConnector(server, http, tls,
          listen)));
      // Jetty's own answers (a malformed request, an oversized header) carry our headers and no details.
      config.jetty.modifyServer(server -> server.setErrorHandler(new QuietErrorHandler()));
      config.routes.before(ctx -> securityHeaders(ctx));
      config.routes.get("/metrics", ctx -> {
        if (!allowed(ctx, settings.metricsNetworks())) {
          throw new HttpResponseException(403, "metrics are not served to this address (web.metrics-networks)");
        }
        ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(metrics.scrape());
      });
      config.routes.get("/api/openapi.json", ctx -> ctx.contentType("application/json").result(openapi));
      config.routes.get("/", ctx -> ctx.redirect("/lookup"));
      config.routes.get("/static/portal.css", ctx -> ctx.header("Cache-Control", "public, max-age=3600")
          .contentType("text/css; charset=utf-8").result(css));
      config.routes.get("/ref/{ref}", portal::ref);
      config.routes.get("/q/{token}", quarantineLinks::page);
      config.routes.post("/q/{token}", quarantineLinks::act);
      config.routes.post("/q/{token}/digest", quarantineLinks::digest);
      config.routes.post("/q/{token}/{id}/{action}", quarantineLinks::act);
      config.routes.get("/requests/{token}", portal::status);
      config.routes.get("/diagnose", diagnose::page);
      probePages.ifPresent(p -> {
        config.routes.post("/diagnose/probe", p::create);
        config.routes.get("/diagnose/probe/{token}", p::page);
      });
      config.routes.get("/lookup", portal::lookupForm);
      config.routes.get("/lookup/{address}", portal::lookup);
      config.routes.post("/lookup/{address}/delist", portal::delist);
      config.routes.post("/lookup/{address}/false-positive", portal::falsePositive);
      config.routes.post("/lookup/{address}/delisting-request", portal::delistingRequest);
      config.routes.get("/whitelist-request", portal::requestForm);
      config.routes.post("/whitelist-request", portal::request);
      config.routes.exception(PortalPages.Rendered.class, (e, ctx) -> { });
      config.routes.before("/admin", ctx -> requireAdmin(ctx, settings.adminEnabled(), admin));
      config.routes.before("/admin/*", ctx -> requireAdmin(ctx, settings.adminEnabled(), admin));
      config.routes.get("/admin/ref/{ref}", portal::adminRef);
      config.routes.get("/static/uplot/{file}", ctx -> {
        String file = ctx.pathParam("file");
        byte[] content = switch (file) {
          case "uPlot.iife.min.js" -> uplotJs;
          case "uPlot.min.css" -> uplotCss;
          default -> throw new HttpResponseException(404, "no such file");
        };
        ctx.header("Cache-Control", "public, max-age=86400")
            .contentType(file.endsWith(".js") ? "text/javascript; charset=utf-8" : "text/css; charset=utf-8")
            .result(content);
      });
      config.routes.get("/static/dashboard.js", ctx -> ctx.header("Cache-Control", "public, max-age=3600")
          .contentType("text/javascript; charset=utf-8").result(dashboardJs));
      admin.routes(config);
      config.routes.before("/tenant", ctx -> requireTenant(ctx, settings.tenantEnabled(), tenant));
      config.routes.before("/tenant/*", ctx -> requireTenant(ctx, settings.tenantEnabled(), tenant));
      config.routes.exception(PortalPages.PageError.class, (e, ctx) -> PortalPages.error(ctx, e.status, e.title,
          e.getMessage()));
      config.routes.before("/api/*", ctx -> authenticate(ctx, tokens));
      config.routes.before("/api/tenant", ctx -> requireTenantToken(ctx, settings.tenantEnabled(), tenant));
      config.routes.before("/api/tenant/*", ctx -> requireTenantToken(ctx, settings.tenantEnabled(), tenant));
      if (settings.tenantEnabled()) {
        tenant.routes(config);
      }
      config.routes.before(ctx -> {
        if (ctx.contentLength() > BODY_MAX && !ctx.path().endsWith("/import")) {
          throw new HttpResponseException(413, "the body is larger than " + BODY_MAX + " bytes");
        }
      });
      config.routes.get("/api/transactions", ctx -> ApiRequests.send(ctx, 200, sources.transactions()
          .search(AdminTransactionsPage.search(ctx, clock)).stream().map(AdminTransactionsPage::toMap).toList()));
      config.routes.get("/api/dmarc/reports", admin.dmarc()::api);
      config.routes.get("/api/prefs", admin.prefs()::list);
      config.routes.post("/api/prefs", admin.prefs()::set);
      config.routes.delete("/api/prefs", admin.prefs()::clear);
      config.routes.get("/api/quarantine", admin.quarantine()::list);
      config.routes.post("/api/quarantine/{id}/{action}", admin.quarantine()::apiAct);
      config.routes.post("/api/diagnose", diagnoseApi::run);
      probePages.ifPresent(p -> {
        config.routes.post("/api/diagnose/probe", p::apiCreate);
        config.routes.get("/api/diagnose/probe/{token}", p::apiStatus);
      });
      config.routes.get("/api/dashboard", ctx -> ApiRequests.send(ctx, 200, sources.dashboard().get()));
      config.routes.get("/api/checks", ctx -> ApiRequests.send(ctx, 200, checkModes(sources.checks())));
      config.routes.post("/api/checks/{name}", ctx -> switchCheck(ctx, sources.checks(), clock));
      config.routes.get("/api/lists", listsApi::entries);
      config.routes.post("/api/lists", listsApi::add);
      config.routes.delete("/api/lists/{id}", listsApi::remove);
      config.routes.get("/api/whitelists/{owner}", listsApi::whitelist);
      config.routes.post("/api/whitelists/{owner}", listsApi::addSenders);
      config.routes.post("/api/whitelists/{owner}/import", listsApi::importBook);
      config.routes.delete("/api/whitelists/{owner}/{sender}", listsApi::removeSender);
      config.routes.get("/api/whitelist-requests", listsApi::requests);
      config.routes.post("/api/whitelist-requests", listsApi::submit);
      config.routes.get("/api/whitelist-requests/{id}", listsApi::request);
      config.routes.post("/api/whitelist-requests/{id}/approve", listsApi::approve);
      config.routes.post("/api/whitelist-requests/{id}/decline", listsApi::decline);
      api.ifPresent(a -> {
        config.routes.post("/api/blocklist/reports", a::report);
        config.routes.get("/api/blocklist/listings", a::list);
        config.routes.get("/api/blocklist/lookup/{address}", a::lookup);
        config.routes.post("/api/blocklist/delist", a::delist);
        config.routes.post("/api/blocklist/permanent", a::permanent);
        config.routes.post("/api/blocklist/notes", a::note);
        config.routes.post("/api/blocklist/delisting-requests", a::delistingRequest);
        config.routes.post("/api/blocklist/false-positives", a::falsePositive);
        config.routes.get("/api/blocklist/false-positives", a::falsePositives);
        config.routes.post("/api/blocklist/false-positives/{id}/answer", a::answerFalsePositive);
      });
      config.routes.exception(ApiError.class, (e, ctx) -> error(ctx, e.status(), e.getMessage()));
      config.routes.exception(HttpResponseException.class, (e, ctx) -> failure(ctx, e.getStatus(), e.getMessage()));
      config.routes.exception(StoreException.class, (e, ctx) -> {
        log.warn("web request {} {} failed: {}", ctx.method(), ctx.path(), e.getMessage());
        failure(ctx, 503, "the store is unavailable; try again later");
      });
      config.routes.exception(Exception.class, (e, ctx) -> {
        log.warn("web request {} {} failed", ctx.method(), ctx.path(), e);
        failure(ctx, 500, "internal error");
      });
      config.routes.error(404, ctx -> {
        String type = ctx.res().getContentType();
        if (ctx.result() == null || type == null || !(type.startsWith("application/json") || type.startsWith("text/html"))) {
          failure(ctx, 404, "no such resource");
        }
      });
      config.routes.error(405, ctx -> error(ctx, 405, "method not allowed"));
    }).start();
    log.info("web listener on {}:{} (/metrics, /api/)", listen.getAddress().getHostAddress(), app.port());
    return new WebServer(app);
  }

  private static void requireAdmin(Context ctx, boolean enabled, AdminPages admin) {
    if (!enabled) {
      throw new HttpResponseException(404, "the admin pages are off (web.admin-enabled)");
    }
    admin.requireSession(ctx);
  }

  private static void requireTenant(Context ctx, boolean enabled, TenantPortal tenant) {
    if (!enabled) {
      throw new HttpResponseException(404, "the tenant portal is off (web.tenant-enabled)");
    }
    tenant.gate(ctx);
  }

  /** After {@link #authenticate}: the tenant portal is on and the token is a tenant administrator's. */
  private static void requireTenantToken(Context ctx, boolean enabled, TenantPortal tenant) {
    if (!enabled) {
      throw new ApiError(404, "the tenant portal is off (web.tenant-enabled)");
    }
    tenant.apiGate(ctx);
  }

  private static boolean allowed(Context ctx, java.util.List<org.portcullis.mail.Cidr> networks) {
    if (networks.isEmpty()) {
      return true;
    }
    Optional<java.net.InetAddress> client = org.portcullis.mail.Addresses.parseLiteral(ctx.ip());
    return client.isPresent() && networks.stream().anyMatch(n -> n.contains(client.get()));
  }

  /** HTTPS on the listen address, with the configured certificate; SNI is not checked (one name per listener). */
  private static org.eclipse.jetty.server.Connector httpsConnector(org.eclipse.jetty.server.Server server,
      org.eclipse.jetty.server.HttpConfiguration http, javax.net.ssl.SSLContext tls, InetSocketAddress listen) {
    org.eclipse.jetty.util.ssl.SslContextFactory.Server factory = new org.eclipse.jetty.util.ssl.SslContextFactory.Server();
    factory.setSslContext(tls);
    org.eclipse.jetty.server.HttpConfiguration https = new org.eclipse.jetty.server.HttpConfiguration(http);
    org.eclipse.jetty.server.SecureRequestCustomizer customizer = new org.eclipse.jetty.server.SecureRequestCustomizer();
    customizer.setSniHostCheck(false);
    https.addCustomizer(customizer);
    org.eclipse.jetty.server.ServerConnector connector = new org.eclipse.jetty.server.ServerConnector(server,
        new org.eclipse.jetty.server.SslConnectionFactory(factory, "http/1.1"),
        new org.eclipse.jetty.server.HttpConnectionFactory(https));
    connector.setHost(listen.getAddress().getHostAddress());
    connector.setPort(listen.getPort());
    return connector;
  }

  /**
   * Jetty's error answers (requests it refuses before any route: a bad request line, an oversized
   * header, an ambiguous path) with the same security headers as our pages, and no stack or cause.
   */
  private static final class QuietErrorHandler extends org.eclipse.jetty.server.handler.ErrorHandler {
    QuietErrorHandler() {
      setShowStacks(false);
      setShowCauses(false);
      setShowMessageInTitle(false);
    }

    @Override
    public boolean handle(org.eclipse.jetty.server.Request request, org.eclipse.jetty.server.Response response,
        org.eclipse.jetty.util.Callback callback) throws Exception {
      SECURITY_HEADERS.forEach((name, value) -> response.getHeaders().put(name, value));
      return super.handle(request, response, callback);
    }

    @Override
    public java.nio.ByteBuffer badMessageError(int status, String reason,
        org.eclipse.jetty.http.HttpFields.Mutable fields) {
      SECURITY_HEADERS.forEach(fields::put);
      return super.badMessageError(status, reason, fields);
    }
  }

  /** The headers every answer carries (the admin pages add their own scripts to the policy). */
  private static final Map<String, String> SECURITY_HEADERS = Map.of(
      "Content-Security-Policy", "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
          + "frame-ancestors 'none'; base-uri 'none'",
      "X-Frame-Options", "DENY",
      "X-Content-Type-Options", "nosniff",
      "Cache-Control", "no-store",
      "Referrer-Policy", "no-referrer");

  private static java.util.List<Map<String, Object>> checkModes(Checks checks) {
    java.util.List<Map<String, Object>> out = new java.util.ArrayList<>();
    checks.configured().forEach((name, configured) -> {
      Map<String, Object> m = new java.util.LinkedHashMap<>();
      m.put("check", name);
      m.put("configured", configured.name().toLowerCase(java.util.Locale.ROOT));
      m.put("mode", checks.modes().effective(name, configured).name().toLowerCase(java.util.Locale.ROOT));
      m.put("switched", checks.modes().switched(name).isPresent());
      m.put("fixed", checks.fixed().contains(name));
      out.add(m);
    });
    return out;
  }

  /** {@code POST /api/checks/{name}}: {@code {"mode": "enforce" | "observe" | "off" | "configured"}}. */
  private static void switchCheck(Context ctx, Checks checks, Clock clock) {
    String name = ctx.pathParam("name");
    if (!checks.configured().containsKey(name)) {
      throw new ApiError(404, "no check " + name);
    }
    String mode = ApiRequests.text(ApiRequests.body(ctx), "mode", 16, true);
    Optional<CheckMode> chosen = switch (mode) {
      case "enforce", "observe", "off" -> Optional.of(CheckMode.valueOf(mode.toUpperCase(java.util.Locale.ROOT)));
      case "configured" -> Optional.empty();
      default -> throw new ApiError(400, "mode must be enforce, observe, off or configured");
    };
    try {
      checks.modes().set(name, chosen);
    } catch (IllegalArgumentException e) {
      throw new ApiError(403, e.getMessage());
    }
    checks.store().save(name, chosen, "api:" + ctx.attribute(TOKEN_NAME), clock.instant());
    log.info("check {} switched to {} through the API ({})", name, chosen.map(m -> m.name().toLowerCase(
        java.util.Locale.ROOT)).orElse("its configured mode"), (Object) ctx.attribute(TOKEN_NAME));
    ApiRequests.send(ctx, 200, checkModes(checks).stream().filter(m -> m.get("check").equals(name)).findFirst()
        .orElseThrow());
  }

  private static void securityHeaders(Context ctx) {
    // Public pages run no script at all; the admin pages run only our own files (the dashboard's charts).
    String scripts = ctx.path().startsWith("/admin") ? "script-src 'self'; connect-src 'self'; " : "";
    ctx.header("Content-Security-Policy", "default-src 'none'; " + scripts + "style-src 'self'; img-src 'self'; "
        + "form-action 'self'; frame-ancestors 'none'; base-uri 'none'");
    ctx.header("X-Frame-Options", "DENY");
    ctx.header("X-Content-Type-Options", "nosniff");
    ctx.header("Cache-Control", "no-store");
    ctx.header("Referrer-Policy", "no-referrer");
  }

  private static void authenticate(Context ctx, ApiTokens tokens) {
    if (ctx.path().equals("/api/openapi.json")) {
      return;
    }
    String header = ctx.header("Authorization");
    String token = header != null && header.regionMatches(true, 0, "Bearer ", 0, 7) ? header.substring(7).strip() : null;
    Optional<org.portcullis.access.ApiTokenStore.Entry> entry = tokens.verify(token);
    if (entry.isEmpty()) {
      ctx.header("WWW-Authenticate", "Bearer");
      throw new ApiError(401, token == null ? "an API token is required (Authorization: Bearer ...)"
          : "the API token is not valid");
    }
    org.portcullis.access.ApiScope needed = scopeFor(ctx.method().name(), ctx.path());
    if (!needed.grantedBy(entry.get().scopes())) {
      throw new ApiError(403, "the token " + entry.get().name() + " has the scopes "
          + org.portcullis.access.ApiScope.text(entry.get().scopes()) + "; this needs " + needed.label());
    }
    ctx.attribute(TOKEN_NAME, entry.get().name());
    ctx.attribute(TOKEN_SCOPES, entry.get().scopes());
  }

  static final String TOKEN_SCOPES = "portcullis.token.scopes";

  /** The scope a route needs; anything not named here needs admin. */
  static org.portcullis.access.ApiScope scopeFor(String method, String path) {
    if (path.equals("/api/tenant") || path.startsWith("/api/tenant/")) {
      return org.portcullis.access.ApiScope.TENANT;
    }
    boolean post = method.equals("POST");
    if (post && (path.equals("/api/blocklist/reports") || path.equals("/api/blocklist/false-positives")
        || path.equals("/api/blocklist/delisting-requests"))
        || method.equals("GET") && path.startsWith("/api/blocklist/lookup/")) {
      return org.portcullis.access.ApiScope.REPORT;
    }
    if (path.startsWith("/api/blocklist/")) {
      return org.portcullis.access.ApiScope.BLOCKLIST;
    }
    if (path.equals("/api/diagnose") || path.startsWith("/api/diagnose/")) {
      return org.portcullis.access.ApiScope.DIAGNOSE;
    }
    if (path.equals("/api/lists") || path.startsWith("/api/lists/") || path.startsWith("/api/whitelists/")
        || path.equals("/api/whitelist-requests") || path.startsWith("/api/whitelist-requests/")) {
      return org.portcullis.access.ApiScope.LISTS;
    }
    return org.portcullis.access.ApiScope.ADMIN;
  }

  /** An error as JSON under /api/ and /metrics, as an HTML page elsewhere; never a stack trace. */
  private static void failure(Context ctx, int status, String message) {
    if (ctx.path().startsWith("/api/") || ctx.path().equals("/metrics")) {
      error(ctx, status, message);
    } else {
      PortalPages.error(ctx, status, status == 404 ? "Not found" : status < 500 ? "Bad request" : "Something went wrong",
          status == 404 ? "There is no page here." : status < 500 ? "The request was not understood."
              : "The server could not answer: " + message + ".");
    }
  }

  private static void error(Context ctx, int status, String message) {
    ApiRequests.send(ctx, status, Map.of("error", message == null ? "error" : message));
  }

  private static byte[] resource(String name) {
    try (InputStream in = WebServer.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException(name + " is missing from the jar");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public int port() {
    return app.port();
  }

  @Override
  public void close() {
    app.stop();
  }
}
