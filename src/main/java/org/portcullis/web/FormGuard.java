package org.portcullis.web;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.javalin.http.Context;
import io.javalin.http.Cookie;
import io.javalin.http.SameSite;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Protects the portal's public forms. CSRF: a random id in an HttpOnly, SameSite=Strict cookie,
 * and in each form its HMAC under a key made at start; a POST must carry both and they must
 * agree. Abuse: each client address may post each form a few times per minute.
 */
final class FormGuard {

  static final String COOKIE = "pc_form";
  static final String FIELD = "csrf";
  private static final Duration WINDOW = Duration.ofMinutes(1);

  private final byte[] key = new byte[32];
  private final SecureRandom random = new SecureRandom();
  private final int postsPerMinute;
  private final Cache<String, AtomicInteger> posts;

  private final boolean secure;

  /** @param secure whether the listener is HTTPS (cookies are then {@code Secure}) */
  FormGuard(int postsPerMinute, boolean secure) {
    this.secure = secure;
    random.nextBytes(key);
    this.postsPerMinute = postsPerMinute;
    this.posts = Caffeine.newBuilder().expireAfterWrite(WINDOW).maximumSize(100_000).build();
  }

  /** The token to put in a form on this page, setting the cookie if the client has none. */
  String token(Context ctx) {
    String id = ctx.cookie(COOKIE);
    if (id == null || !id.matches("[0-9a-f]{32}")) {
      byte[] bytes = new byte[16];
      random.nextBytes(bytes);
      id = HexFormat.of().formatHex(bytes);
      Cookie cookie = new Cookie(COOKIE, id);
      cookie.setHttpOnly(true);
      cookie.setSameSite(SameSite.STRICT);
      cookie.setSecure(secure);
      cookie.setPath("/");
      ctx.cookie(cookie);
    }
    return mac(id);
  }

  /**
   * Checks a form post: its CSRF token, then the client's rate for this form.
   *
   * @throws PortalPages.PageError 403 for a missing or wrong token, 429 past the rate
   */
  void check(Context ctx, String form) {
    String id = ctx.cookie(COOKIE);
    String token = ctx.formParam(FIELD);
    if (id == null || token == null || !MessageDigest.isEqual(mac(id).getBytes(StandardCharsets.US_ASCII),
        token.getBytes(StandardCharsets.US_ASCII))) {
      throw new PortalPages.PageError(403, "Form expired", "The form could not be verified (it is too old, or "
          + "cookies are off). Go back, reload the page and send it again.");
    }
    AtomicInteger count = posts.get(ctx.ip() + " " + form, k -> new AtomicInteger());
    if (count.incrementAndGet() > postsPerMinute) {
      ctx.header("Retry-After", String.valueOf(WINDOW.toSeconds()));
      throw new PortalPages.PageError(429, "Too many requests", "This form was sent too often from your address. "
          + "Wait a minute and try again.");
    }
  }

  private String mac(String id) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return Base64.getUrlEncoder().withoutPadding().encodeToString(mac.doFinal(id.getBytes(StandardCharsets.US_ASCII)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
    }
  }
}
