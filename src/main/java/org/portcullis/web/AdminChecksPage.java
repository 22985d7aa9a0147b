package org.portcullis.web;

import io.javalin.http.Context;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.portcullis.policy.CheckMode;
import org.slf4j.LoggerFactory;

/** {@code /admin/checks}: each check's configured and effective mode, switched at run time (fixed checks cannot be). */
final class AdminChecksPage {

  private final AdminSessions sessions;
  private final WebServer.Checks modes;
  private final Clock clock;

  AdminChecksPage(AdminSessions sessions, WebServer.Checks modes, Clock clock) {
    this.sessions = sessions;
    this.modes = modes;
    this.clock = clock;
  }

  /** {@code GET /admin/checks}: each check's configured and effective mode. */
  void checks(Context ctx) {
    showChecks(ctx, 200, sessions.required(ctx), Optional.empty());
  }

  private void showChecks(Context ctx, int status, AdminSessions.Session session, Optional<String> notice) {
    List<PortalViews.CheckRow> rows = new ArrayList<>();
    modes.configured().forEach((name, configured) -> {
      CheckMode effective = modes.modes().effective(name, configured);
      rows.add(new PortalViews.CheckRow(name, label(configured), label(effective),
          modes.modes().switched(name).isPresent(), modes.fixed().contains(name)));
    });
    PortalPages.render(ctx, status, "admin/checks.jte", Map.of("view", new PortalViews.AdminChecks(session.user(),
        session.csrf(), rows, notice)));
  }

  private static String label(CheckMode mode) {
    return mode.name().toLowerCase(Locale.ROOT);
  }

  /** {@code POST /admin/checks/{name}}: {@code mode} = enforce, observe, off, or configured. */
  void switchCheck(Context ctx) {
    AdminSessions.Session session = sessions.posted(ctx);
    String name = ctx.pathParam("name");
    String mode = Optional.ofNullable(ctx.formParam("mode")).orElse("");
    if (!modes.configured().containsKey(name)) {
      throw new PortalPages.PageError(404, "Not found", "There is no such check.");
    }
    Optional<CheckMode> chosen;
    switch (mode) {
      case "enforce", "observe", "off" -> chosen = Optional.of(CheckMode.valueOf(
          mode.toUpperCase(Locale.ROOT)));
      case "configured" -> chosen = Optional.empty();
      default -> {
        showChecks(ctx, 400, session, Optional.of("Choose enforce, observe, off or the configured mode."));
        return;
      }
    }
    try {
      modes.modes().set(name, chosen);
    } catch (IllegalArgumentException e) {
      showChecks(ctx, 403, session, Optional.of("Not switched: " + e.getMessage() + "."));
      return;
    }
    modes.store().save(name, chosen, session.user(), clock.instant());
    LoggerFactory.getLogger("portcullis.admin").info("check {} switched to {} by {}", name,
        chosen.map(AdminChecksPage::label).orElse("its configured mode"), session.user());
    showChecks(ctx, 200, session, Optional.of(name + " is now in " + chosen.map(AdminChecksPage::label)
        .orElse("its configured") + " mode."));
  }
}
