package org.portcullis.web;

import io.javalin.http.Context;
import java.util.Map;
import org.portcullis.access.AdminUsers;

/**
 * {@code /admin/login} and {@code /admin/logout}, and the gate before every other admin page: no
 * session, no page. Logins are rate-limited per client network and account ({@link AdminUsers}).
 */
final class AdminLoginPage {

  private final AdminUsers users;
  private final AdminSessions sessions;
  private final FormGuard guard;

  AdminLoginPage(AdminUsers users, AdminSessions sessions, FormGuard guard) {
    this.users = users;
    this.sessions = sessions;
    this.guard = guard;
  }

  /** Before every {@code /admin} page but the login: no session, no page. */
  void requireSession(Context ctx) {
    if (ctx.path().equals("/admin/login")) {
      return;
    }
    if (sessions.current(ctx).isEmpty()) {
      ctx.redirect("/admin/login");
      ctx.skipRemainingHandlers();
    }
  }

  void loginForm(Context ctx) {
    PortalPages.render(ctx, 200, "admin/login.jte", Map.of("csrf", guard.token(ctx), "error", ""));
  }

  void login(Context ctx) {
    guard.check(ctx, "login");
    answer(ctx, guard, "admin/login.jte", users::login, name -> {
      sessions.start(ctx, name);
      ctx.redirect("/admin");
    });
  }

  /** Who asks to log in, with the name and password of the form. */
  @FunctionalInterface
  interface Logins {
    AdminUsers.Login login(java.net.InetAddress client, String name, String password);
  }

  /**
   * The answer to a login form (the admin pages' and the tenant portal's): {@code accepted} for a
   * login, the form again with 401 for a wrong name or password, 429 with {@code Retry-After} when
   * throttled.
   */
  static void answer(Context ctx, FormGuard guard, String template, Logins logins,
      java.util.function.Consumer<String> accepted) {
    java.net.InetAddress client = org.portcullis.mail.Addresses.parseLiteral(ctx.ip())
        .orElse(java.net.InetAddress.getLoopbackAddress());
    switch (logins.login(client, ctx.formParam("name"), ctx.formParam("password"))) {
      case AdminUsers.Login.Accepted a -> accepted.accept(a.name());
      case AdminUsers.Login.Rejected r -> PortalPages.render(ctx, 401, template, Map.of("csrf", guard.token(ctx),
          "error", "Wrong name or password."));
      case AdminUsers.Login.Throttled t -> {
        ctx.header("Retry-After", "900");
        PortalPages.render(ctx, 429, template, Map.of("csrf", guard.token(ctx), "error", "Not tried: " + t.why()
            + "."));
      }
    }
  }

  void logout(Context ctx) {
    AdminSessions.Session session = sessions.posted(ctx);
    sessions.end(ctx);
    ctx.redirect("/admin/login");
  }
}
