package org.portcullis.web;

import io.javalin.http.Context;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.portcullis.policy.RecipientChoice;
import org.portcullis.verdicts.ChoiceRules;
import org.portcullis.verdicts.ChoiceStore;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;

/**
 * {@code /admin/prefs} and {@code /api/prefs}: what each tenant (domain of ours) and mailbox chose
 * for per-recipient checks. The same rules as {@code portcullis prefs} ({@link ChoiceRules}); the
 * running server applies a change within a second.
 */
final class AdminPrefsPage {

  private final AdminSessions sessions;
  private final ChoiceStore store;
  private final List<String> ourDomains;
  private final List<String> perRecipient;
  private final Clock clock;

  /** @param perRecipient the checks whose on-reject is per-recipient in the configuration */
  AdminPrefsPage(AdminSessions sessions, ChoiceStore store, List<String> ourDomains, List<String> perRecipient,
      Clock clock) {
    this.sessions = sessions;
    this.store = store;
    this.ourDomains = List.copyOf(ourDomains);
    this.perRecipient = List.copyOf(perRecipient);
    this.clock = clock;
  }

  /** {@code GET /admin/prefs}. */
  void page(Context ctx) {
    show(ctx, 200, sessions.required(ctx), Optional.empty());
  }

  private void show(Context ctx, int status, AdminSessions.Session session, Optional<String> message) {
    PortalPages.render(ctx, status, "admin/prefs.jte", Map.of("view", new PortalViews.AdminPrefs(session.user(),
        session.csrf(), store.all(), perRecipient, message)));
  }

  /** {@code POST /admin/prefs} (set) and {@code POST /admin/prefs/clear}. */
  void change(Context ctx) {
    AdminSessions.Session session = sessions.posted(ctx);
    boolean clear = ctx.path().endsWith("/clear");
    try {
      String scope = ChoiceRules.scope(AdminForms.form(ctx, "scope", 320).orElse(""), ourDomains);
      String check = ChoiceRules.check(AdminForms.form(ctx, "check", 64).orElse(""));
      if (clear) {
        boolean gone = store.clear(scope, check);
        show(ctx, gone ? 200 : 404, session, Optional.of(gone ? scope + ": " + check + " cleared."
            : scope + " has no choice for " + check + "."));
      } else {
        RecipientChoice choice = ChoiceRules.choice(AdminForms.form(ctx, "choice", 20).orElse(""));
        store.set(scope, check, choice, clock.instant());
        LoggerFactory.getLogger("portcullis.admin").info("choice of {} for {} set to {} by {}", scope, check,
            choice.label(), session.user());
        show(ctx, 200, session, Optional.of(scope + ": " + check + " -> " + choice.label() + "."));
      }
    } catch (IllegalArgumentException e) {
      show(ctx, 400, session, Optional.of("Nothing changed: " + e.getMessage() + "."));
    }
  }

  /** {@code GET /api/prefs?scope=}. */
  void list(Context ctx) {
    String only = ctx.queryParam("scope");
    String scope;
    try {
      scope = only == null || only.isBlank() ? null : ChoiceRules.scope(only, ourDomains);
    } catch (IllegalArgumentException e) {
      throw new ApiError(400, e.getMessage());
    }
    List<Map<String, Object>> rows = store.all().stream().filter(r -> scope == null || r.scope().equals(scope))
        .map(AdminPrefsPage::toMap).toList();
    ApiRequests.send(ctx, 200, Map.of("choices", rows, "perRecipientChecks", perRecipient));
  }

  /** {@code POST /api/prefs} with {@code scope}, {@code check}, {@code choice}. */
  void set(Context ctx) {
    JsonNode body = ApiRequests.body(ctx);
    try {
      String scope = ChoiceRules.scope(ApiRequests.text(body, "scope", 320, true), ourDomains);
      String check = ChoiceRules.check(ApiRequests.text(body, "check", 64, true));
      RecipientChoice choice = ChoiceRules.choice(ApiRequests.text(body, "choice", 20, true));
      store.set(scope, check, choice, clock.instant());
      ApiRequests.send(ctx, 200, toMap(new ChoiceStore.Row(scope, check, choice, clock.instant())));
    } catch (IllegalArgumentException e) {
      throw new ApiError(400, e.getMessage());
    }
  }

  /** {@code DELETE /api/prefs?scope=&check=}. */
  void clear(Context ctx) {
    try {
      String scope = ChoiceRules.scope(ctx.queryParam("scope"), ourDomains);
      String check = ChoiceRules.check(ctx.queryParam("check"));
      if (!store.clear(scope, check)) {
        throw new ApiError(404, scope + " has no choice for " + check);
      }
      ApiRequests.send(ctx, 200, Map.of("cleared", true));
    } catch (IllegalArgumentException e) {
      throw new ApiError(400, e.getMessage());
    }
  }

  private static Map<String, Object> toMap(ChoiceStore.Row r) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("scope", r.scope());
    m.put("check", r.check());
    m.put("choice", r.choice().label());
    m.put("changed", r.changed().toString());
    return m;
  }
}
