package org.portcullis.web;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.javalin.http.Context;
import io.javalin.http.Cookie;
import io.javalin.http.SameSite;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Optional;

/**
 * Logged-in sessions of the admin pages ({@code pc_admin}, limited to {@code /admin}) or of the
 * tenant portal ({@code pc_tenant}, limited to {@code /tenant}): a random id in an HttpOnly,
 * SameSite=Strict cookie, kept in memory for 8 hours of inactivity (a restart logs everyone out),
 * each with its own CSRF token for the forms. The two kinds never share a cookie or a table.
 */
final class AdminSessions {

  static final String COOKIE = "pc_admin";
  static final String TENANT_COOKIE = "pc_tenant";
  private static final Duration IDLE = Duration.ofHours(8);

  /** One session. */
  record Session(String user, String csrf) {}

  private final SecureRandom random = new SecureRandom();
  private final boolean secure;
  private final String name;
  private final String path;

  /** The admin pages' sessions. @param secure whether the listener is HTTPS (the cookie is then {@code Secure}) */
  AdminSessions(boolean secure) {
    this(secure, COOKIE, "/admin");
  }

  /** Sessions whose cookie is {@code name}, sent only under {@code path}. */
  AdminSessions(boolean secure, String name, String path) {
    this.secure = secure;
    this.name = name;
    this.path = path;
  }
  private final Cache<String, Session> sessions = Caffeine.newBuilder().expireAfterAccess(IDLE).maximumSize(10_000)
      .build();

  /** Starts a session for {@code user} and sets its cookie. */
  void start(Context ctx, String user) {
    String id = randomHex(32);
    sessions.put(id, new Session(user, randomHex(16)));
    ctx.cookie(cookie(id, (int) IDLE.toSeconds()));
  }

  Optional<Session> current(Context ctx) {
    String id = ctx.cookie(name);
    return id == null || !id.matches("[0-9a-f]{64}") ? Optional.empty() : Optional.ofNullable(sessions.getIfPresent(id));
  }

  /** @throws PortalPages.PageError 401 when the request has no live session */
  Session required(Context ctx) {
    return current(ctx).orElseThrow(() -> new PortalPages.PageError(401, "Log in", "Your session ended."));
  }

  /** The session of a form post, whose CSRF token must match. @throws PortalPages.PageError 401 or 403 */
  Session posted(Context ctx) {
    Session session = required(ctx);
    checkCsrf(ctx, session);
    return session;
  }

  /** Ends the session and clears its cookie. */
  void end(Context ctx) {
    String id = ctx.cookie(name);
    if (id != null) {
      sessions.invalidate(id);
    }
    ctx.cookie(cookie("", 0));
  }

  /** @throws PortalPages.PageError 403 unless the form carries the session's CSRF token */
  static void checkCsrf(Context ctx, Session session) {
    String token = ctx.formParam(FormGuard.FIELD);
    if (token == null || !MessageDigest.isEqual(token.getBytes(StandardCharsets.US_ASCII),
        session.csrf().getBytes(StandardCharsets.US_ASCII))) {
      throw new PortalPages.PageError(403, "Form expired", "The form could not be verified. Reload the page and "
          + "send it again.");
    }
  }

  private Cookie cookie(String value, int maxAge) {
    Cookie cookie = new Cookie(name, value);
    cookie.setSecure(secure);
    cookie.setHttpOnly(true);
    cookie.setSameSite(SameSite.STRICT);
    cookie.setPath(path);
    cookie.setMaxAge(maxAge);
    return cookie;
  }

  private String randomHex(int bytes) {
    byte[] b = new byte[bytes];
    random.nextBytes(b);
    return HexFormat.of().formatHex(b);
  }
}
