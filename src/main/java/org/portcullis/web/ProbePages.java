package org.portcullis.web;

import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.portcullis.probe.RetryProbe;
import org.portcullis.probe.RetryProbes;

/**
 * The retry probe of "test your server", public and without JavaScript: {@code POST /diagnose/probe}
 * (a form with a CSRF token, counted against {@code diagnose.requests-per-minute}) hands out an
 * address valid for 24 hours and sends the browser to {@code /diagnose/probe/<token>}, which shows
 * every attempt that reached it (time, address, HELO, what it got) and the result so far. The token
 * is the only key (128 bits); its page counts against the page limit like every guessable page. The
 * same as JSON: {@code POST /api/diagnose/probe} and {@code GET /api/diagnose/probe/<token>}.
 */
final class ProbePages {

  private final RetryProbes probes;
  private final FormGuard guard;
  private final PageLimiter pages;
  private final PageLimiter diagnoses;
  private final java.time.Clock clock;

  ProbePages(RetryProbes probes, FormGuard guard, PageLimiter pages, PageLimiter diagnoses, java.time.Clock clock) {
    this.probes = probes;
    this.guard = guard;
    this.pages = pages;
    this.diagnoses = diagnoses;
    this.clock = clock;
  }

  /** {@code POST /diagnose/probe}. */
  void create(Context ctx) {
    guard.check(ctx, "probe");
    if (!diagnoses.tryAcquire(ctx)) {
      ctx.header("Retry-After", String.valueOf(PageLimiter.WINDOW.toSeconds()));
      throw new PortalPages.PageError(429, "Too many diagnoses", "Too many probes or diagnoses were asked for from "
          + "your network. Wait a minute and try again.");
    }
    ctx.redirect("/diagnose/probe/" + probes.create().token(), io.javalin.http.HttpStatus.SEE_OTHER);
  }

  /** {@code GET /diagnose/probe/<token>}. */
  void page(Context ctx) {
    pages.check(ctx);
    RetryProbe probe = found(ctx.pathParam("token")).orElseThrow(() -> new PortalPages.PageError(404,
        "Unknown probe", "This probe address does not exist or expired (probes work for 24 hours). Ask the \"Test "
            + "your server\" page for a new one."));
    RetryProbe.Verdict verdict = probe.verdict(clock.instant());
    PortalPages.render(ctx, 200, "portal/probe.jte", Map.of("probe", probe, "address", probes.address(probe.token()),
        "verdict", verdict, "delay", probes.delay().toMinutes() > 0 ? probes.delay().toMinutes() + " minutes"
            : probes.delay().toSeconds() + " seconds"));
  }

  /** {@code POST /api/diagnose/probe}. */
  void apiCreate(Context ctx) {
    if (!diagnoses.tryAcquire(ctx)) {
      ctx.header("Retry-After", String.valueOf(PageLimiter.WINDOW.toSeconds()));
      throw new ApiError(429, "too many diagnoses from this network; wait a minute");
    }
    RetryProbe probe = probes.create();
    ApiRequests.send(ctx, 201, toMap(probe));
  }

  /** {@code GET /api/diagnose/probe/<token>}. */
  void apiStatus(Context ctx) {
    RetryProbe probe = found(ctx.pathParam("token")).orElseThrow(() -> new ApiError(404,
        "no such probe (or it expired)"));
    ApiRequests.send(ctx, 200, toMap(probe));
  }

  private Optional<RetryProbe> found(String token) {
    return RetryProbes.isToken(token) ? probes.find(token) : Optional.empty();
  }

  private Map<String, Object> toMap(RetryProbe probe) {
    RetryProbe.Verdict verdict = probe.verdict(clock.instant());
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("token", probe.token());
    m.put("address", probes.address(probe.token()));
    m.put("created", probe.created().toString());
    m.put("expires", probe.expires().toString());
    m.put("status", verdict.status().label());
    m.put("summary", verdict.summary());
    List<Map<String, Object>> attempts = probe.attempts().stream().map(a -> {
      Map<String, Object> am = new LinkedHashMap<>();
      am.put("at", a.at().toString());
      am.put("client", a.client());
      am.put("helo", a.helo());
      am.put("outcome", a.outcome().label());
      if (!a.excerpt().isEmpty()) {
        am.put("header", a.excerpt());
      }
      return am;
    }).toList();
    m.put("attempts", attempts);
    return m;
  }
}
