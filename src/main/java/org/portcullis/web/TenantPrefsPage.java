package org.portcullis.web;

import io.javalin.http.Context;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import org.portcullis.policy.RecipientChoice;
import org.portcullis.quarantine.DigestSettings;
import org.portcullis.quarantine.DigestStore;
import org.portcullis.tenant.TenantAdmin;
import org.portcullis.verdicts.ChoiceRules;
import org.portcullis.verdicts.ChoiceStore;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;

/**
 * {@code /tenant/prefs}, {@code /tenant/digests} and their API: what the tenant's domains and
 * mailboxes chose for per-recipient checks (the same rules and store as {@code portcullis prefs},
 * so the running server applies a change within a second), and each mailbox's quarantine digest.
 * A scope or mailbox outside the tenant's domains is a 404.
 */
final class TenantPrefsPage {

  private final ChoiceStore choices;
  private final DigestStore digests;
  private final List<String> perRecipient;
  private final Clock clock;

  /** @param perRecipient the checks whose on-reject is per-recipient in the configuration */
  TenantPrefsPage(ChoiceStore choices, DigestStore digests, List<String> perRecipient, Clock clock) {
    this.choices = choices;
    this.digests = digests;
    this.perRecipient = List.copyOf(perRecipient);
    this.clock = clock;
  }

  /** {@code GET /tenant/prefs}. */
  void page(Context ctx) {
    show(ctx, 200, TenantPortal.viewer(ctx, false), Optional.empty());
  }

  private void show(Context ctx, int status, TenantPortal.Viewer viewer, Optional<String> message) {
    PortalPages.render(ctx, status, "tenant/prefs.jte", Map.of("view", new PortalViews.TenantPrefs(viewer.user(),
        viewer.csrf(), viewer.admin().domainList(), rows(viewer.admin()), perRecipient, digestsOf(viewer.admin()),
        message)));
  }

  private List<ChoiceStore.Row> rows(TenantAdmin admin) {
    return choices.all().stream().filter(r -> admin.owns(r.scope())).toList();
  }

  private SortedMap<String, DigestSettings> digestsOf(TenantAdmin admin) {
    SortedMap<String, DigestSettings> all = new TreeMap<>();
    admin.domainList().forEach(d -> all.putAll(digests.settingsAt(d)));
    return all;
  }

  /** {@code POST /tenant/prefs} (set) and {@code POST /tenant/prefs/clear}: {@code scope}, {@code check}, {@code choice}. */
  void change(Context ctx) {
    TenantPortal.Viewer viewer = TenantPortal.viewer(ctx, true);
    boolean clear = ctx.path().endsWith("/clear");
    String scope = owned(ctx, viewer.admin(), AdminForms.form(ctx, "scope", 320).orElse(""));
    try {
      String check = ChoiceRules.check(AdminForms.form(ctx, "check", 64).orElse(""));
      if (clear) {
        boolean gone = choices.clear(scope, check);
        show(ctx, gone ? 200 : 404, viewer, Optional.of(gone ? scope + ": " + check + " cleared."
            : scope + " has no choice for " + check + "."));
        return;
      }
      RecipientChoice choice = ChoiceRules.choice(AdminForms.form(ctx, "choice", 20).orElse(""));
      choices.set(scope, check, choice, clock.instant());
      LoggerFactory.getLogger("portcullis.tenant").info("choice of {} for {} set to {} by {}", scope, check,
          choice.label(), TenantPortal.by(ctx));
      show(ctx, 200, viewer, Optional.of(scope + ": " + check + " -> " + choice.label() + "."));
    } catch (IllegalArgumentException e) {
      show(ctx, 400, viewer, Optional.of("Nothing changed: " + e.getMessage() + "."));
    }
  }

  /** {@code POST /tenant/digests}: {@code mailbox}, {@code schedule}, {@code format} (html or text). */
  void digest(Context ctx) {
    TenantPortal.Viewer viewer = TenantPortal.viewer(ctx, true);
    String mailbox = ownedMailbox(ctx, viewer.admin(), AdminForms.form(ctx, "mailbox", 320).orElse(""));
    try {
      DigestSettings settings = settings(AdminForms.form(ctx, "schedule", 20).orElse(""),
          AdminForms.form(ctx, "format", 10).orElse("html"));
      digests.set(mailbox, settings);
      show(ctx, 200, viewer, Optional.of("Digest of " + mailbox + ": " + describe(settings) + "."));
    } catch (IllegalArgumentException e) {
      show(ctx, 400, viewer, Optional.of("Nothing changed: " + e.getMessage() + "."));
    }
  }

  /** {@code GET /api/tenant/prefs?scope=}. */
  void apiList(Context ctx) {
    TenantAdmin admin = TenantPortal.admin(ctx);
    String only = ctx.queryParam("scope");
    String scope = only == null || only.isBlank() ? null : owned(ctx, admin, only);
    List<Map<String, Object>> rows = rows(admin).stream().filter(r -> scope == null || r.scope().equals(scope))
        .map(TenantPrefsPage::toMap).toList();
    ApiRequests.send(ctx, 200, Map.of("choices", rows, "perRecipientChecks", perRecipient));
  }

  /** {@code POST /api/tenant/prefs} with {@code scope}, {@code check}, {@code choice}. */
  void apiSet(Context ctx) {
    JsonNode body = ApiRequests.body(ctx);
    String scope = owned(ctx, TenantPortal.admin(ctx), ApiRequests.text(body, "scope", 320, true));
    try {
      String check = ChoiceRules.check(ApiRequests.text(body, "check", 64, true));
      RecipientChoice choice = ChoiceRules.choice(ApiRequests.text(body, "choice", 20, true));
      choices.set(scope, check, choice, clock.instant());
      LoggerFactory.getLogger("portcullis.tenant").info("choice of {} for {} set to {} by {}", scope, check,
          choice.label(), TenantPortal.by(ctx));
      ApiRequests.send(ctx, 200, toMap(new ChoiceStore.Row(scope, check, choice, clock.instant())));
    } catch (IllegalArgumentException e) {
      throw new ApiError(400, e.getMessage());
    }
  }

  /** {@code DELETE /api/tenant/prefs?scope=&check=}. */
  void apiClear(Context ctx) {
    String scope = owned(ctx, TenantPortal.admin(ctx), ctx.queryParam("scope"));
    String check;
    try {
      check = ChoiceRules.check(ctx.queryParam("check"));
    } catch (IllegalArgumentException e) {
      throw new ApiError(400, e.getMessage());
    }
    if (!choices.clear(scope, check)) {
      throw new ApiError(404, scope + " has no choice for " + check);
    }
    ApiRequests.send(ctx, 200, Map.of("cleared", true));
  }

  /** {@code GET /api/tenant/digests/{mailbox}}: its setting (the default when it has none of its own). */
  void apiDigest(Context ctx) {
    String mailbox = ownedMailbox(ctx, TenantPortal.admin(ctx), ctx.pathParam("mailbox"));
    DigestSettings s = digests.settings(mailbox).orElse(DigestSettings.DEFAULT);
    Map<String, Object> out = digestMap(mailbox, s);
    digests.lastSent(mailbox).ifPresent(t -> out.put("lastSent", t.toString()));
    ApiRequests.send(ctx, 200, out);
  }

  /** {@code POST /api/tenant/digests/{mailbox}} with {@code schedule} and optional {@code format}. */
  void apiSetDigest(Context ctx) {
    String mailbox = ownedMailbox(ctx, TenantPortal.admin(ctx), ctx.pathParam("mailbox"));
    JsonNode body = ApiRequests.body(ctx);
    try {
      DigestSettings s = settings(ApiRequests.text(body, "schedule", 20, true),
          ApiRequests.optional(body, "format", 10).orElse("html"));
      digests.set(mailbox, s);
      ApiRequests.send(ctx, 200, digestMap(mailbox, s));
    } catch (IllegalArgumentException e) {
      throw new ApiError(400, e.getMessage());
    }
  }

  private static DigestSettings settings(String schedule, String format) {
    DigestSettings.Schedule s = DigestSettings.Schedule.parse(schedule.strip().toLowerCase(Locale.ROOT))
        .orElseThrow(() -> new IllegalArgumentException("the schedule is never, hourly, daily or weekly"));
    return switch (format.strip().toLowerCase(Locale.ROOT)) {
      case "html" -> new DigestSettings(s, true);
      case "text" -> new DigestSettings(s, false);
      default -> throw new IllegalArgumentException("the format is html (with a text part) or text");
    };
  }

  static String describe(DigestSettings s) {
    return s.schedule().label() + (s.html() ? ", HTML and text" : ", text only");
  }

  private static Map<String, Object> digestMap(String mailbox, DigestSettings s) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("mailbox", mailbox);
    m.put("schedule", s.schedule().label());
    m.put("format", s.html() ? "html" : "text");
    return m;
  }

  /** A scope (one of its domains or a mailbox at one), normalised; 404 when not the tenant's. */
  private static String owned(Context ctx, TenantAdmin admin, String text) {
    if (text == null || !admin.owns(text)) {
      throw TenantPortal.notFound(ctx, "no such mailbox or domain among yours");
    }
    try {
      return ChoiceRules.scope(text, admin.domainList());
    } catch (IllegalArgumentException e) {
      throw TenantPortal.notFound(ctx, "no such mailbox or domain among yours");
    }
  }

  /** A mailbox at one of its domains, normalised; 404 otherwise. */
  private static String ownedMailbox(Context ctx, TenantAdmin admin, String text) {
    String scope = owned(ctx, admin, text);
    if (!scope.contains("@")) {
      throw TenantPortal.notFound(ctx, "no such mailbox among yours");
    }
    return scope;
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
