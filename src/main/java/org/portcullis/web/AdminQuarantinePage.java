package org.portcullis.web;

import io.javalin.http.Context;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.portcullis.quarantine.Quarantine;
import org.portcullis.quarantine.QuarantineEntry;
import org.slf4j.LoggerFactory;

/**
 * {@code /admin/quarantine} and {@code /api/quarantine}: the messages checks held (on-reject
 * quarantine), by domain of ours, with release (delivered exactly once) and delete. Every action
 * names an id that must exist; a release of one no longer held changes nothing.
 */
final class AdminQuarantinePage {

  static final int LIMIT_DEFAULT = 200;
  static final int LIMIT_MAX = 5_000;

  /** The quarantine, how a released message is queued, and the digests' links. */
  record Access(Quarantine quarantine, Quarantine.Requeue requeue, org.portcullis.quarantine.QuarantineLinks links) {}

  private final AdminSessions sessions;
  private final Optional<Access> access;
  private final List<String> ourDomains;

  AdminQuarantinePage(AdminSessions sessions, Optional<Access> access, List<String> ourDomains) {
    this.sessions = sessions;
    this.access = access;
    this.ourDomains = List.copyOf(ourDomains);
  }

  /** {@code GET /admin/quarantine?domain=&state=}. */
  void page(Context ctx) {
    AdminSessions.Session session = sessions.required(ctx);
    show(ctx, 200, session, Optional.empty());
  }

  private void show(Context ctx, int status, AdminSessions.Session session, Optional<String> message) {
    List<QuarantineEntry> found = List.of();
    Optional<String> error = Optional.empty();
    try {
      found = search(ctx, LIMIT_DEFAULT);
    } catch (ApiError e) {
      error = Optional.of(e.getMessage());
    }
    PortalPages.render(ctx, error.isPresent() ? 400 : status, "admin/quarantine.jte", Map.of("view",
        new PortalViews.AdminQuarantine(session.user(), session.csrf(), ourDomains, AdminForms.query(ctx, "domain"),
            AdminForms.query(ctx, "state"), found, error.or(() -> message))));
  }

  /** {@code POST /admin/quarantine/{id}/release} and {@code .../delete}. */
  void act(Context ctx) {
    AdminSessions.Session session = sessions.posted(ctx);
    Quarantine.Outcome outcome = act(ctx.pathParam("id"), ctx.pathParam("action"), "admin " + session.user());
    show(ctx, outcome instanceof Quarantine.Outcome.Done ? 200 : 409, session, Optional.of(switch (outcome) {
      case Quarantine.Outcome.Done d -> d.queueId().map(q -> "Released: queued as " + q + ".").orElse("Deleted.");
      case Quarantine.Outcome.Refused r -> "Nothing done: " + r.why() + ".";
    }));
  }

  /** {@code GET /api/quarantine?domain=&state=&limit=}. */
  void list(Context ctx) {
    int limit = ApiRequests.number(ctx.queryParam("limit"), LIMIT_DEFAULT, 1, LIMIT_MAX, "limit");
    ApiRequests.send(ctx, 200, Map.of("messages", search(ctx, limit).stream().map(AdminQuarantinePage::toMap)
        .toList()));
  }

  /** {@code POST /api/quarantine/{id}/release} and {@code .../delete}. */
  void apiAct(Context ctx) {
    String by = "api token " + ctx.attribute(WebServer.TOKEN_NAME);
    String id = ctx.pathParam("id");
    if (access.isEmpty() || !Quarantine.isId(id) || access.get().quarantine().find(id).isEmpty()) {
      throw new ApiError(404, "no such quarantined message");
    }
    if (!List.of("release", "delete").contains(ctx.pathParam("action"))) {
      throw new ApiError(404, "POST /api/quarantine/{id}/release or /delete");
    }
    String to = ctx.queryParam("to");
    if (to != null && (to.length() > 320 || !to.contains("@"))) {
      throw new ApiError(400, "to must be one recipient's address");
    }
    switch (act(ctx.pathParam("id"), ctx.pathParam("action"), by, Optional.ofNullable(to))) {
      case Quarantine.Outcome.Done d -> {
        Map<String, Object> out = new LinkedHashMap<>(toMap(d.entry()));
        d.queueId().ifPresent(q -> out.put("queueId", q));
        ApiRequests.send(ctx, 200, out);
      }
      case Quarantine.Outcome.Refused r -> throw new ApiError(409, r.why());
    }
  }

  private Quarantine.Outcome act(String id, String action, String by) {
    return act(id, action, by, Optional.empty());
  }

  private Quarantine.Outcome act(String id, String action, String by, Optional<String> only) {
    Access a = access.orElseThrow(() -> new ApiError(404, "this server has no quarantine"));
    if (!Quarantine.isId(id) || a.quarantine().find(id).isEmpty()) {
      throw new PortalPages.PageError(404, "Not found", "There is no such quarantined message.");
    }
    try {
      return switch (action) {
        case "release" -> a.quarantine().release(id, by, a.requeue(), false, only);
        case "delete" -> a.quarantine().delete(id, by, only);
        default -> throw new PortalPages.PageError(404, "Not found", "Release or delete.");
      };
    } catch (IOException e) {
      LoggerFactory.getLogger("portcullis.admin").warn("quarantine {} of {} failed: {}", action, id, e.getMessage());
      return new Quarantine.Outcome.Refused("it could not be done (" + e.getMessage() + "); it is still held");
    }
  }

  /** The query's domain (one of ours; empty: all), state (held by default, or all) and limit. */
  private List<QuarantineEntry> search(Context ctx, int limit) {
    Access a = access.orElseThrow(() -> new ApiError(404, "this server has no quarantine"));
    String domain = blankless(ctx.queryParam("domain"));
    Optional<String> d = Optional.empty();
    if (domain != null) {
      String lower = domain.strip().toLowerCase(Locale.ROOT);
      if (!ourDomains.contains(lower)) {
        throw new ApiError(400, "domain must be one of mail.accepted-domains");
      }
      d = Optional.of(lower);
    }
    String state = blankless(ctx.queryParam("state"));
    Optional<QuarantineEntry.State> s;
    if (state == null || state.equals("held")) {
      s = Optional.of(QuarantineEntry.State.HELD);
    } else if (state.equals("all")) {
      s = Optional.empty();
    } else {
      s = java.util.Arrays.stream(QuarantineEntry.State.values()).filter(v -> v.label().equals(state)).findFirst();
      if (s.isEmpty()) {
        throw new ApiError(400, "state must be held, releasing, released, deleted or all");
      }
    }
    return a.quarantine().list(d, s, limit);
  }

  static Map<String, Object> toMap(QuarantineEntry e) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", e.id());
    m.put("arrival", e.receivedAt().toString());
    m.put("state", e.state().label());
    m.put("client", e.clientAddress());
    m.put("sender", e.sender());
    m.put("recipients", e.recipients());
    m.put("subject", e.subject());
    m.put("check", e.check());
    m.put("reason", e.reason());
    m.put("reference", e.reference());
    m.put("size", e.size());
    return m;
  }

  private static String blankless(String value) {
    return value == null || value.isBlank() ? null : value;
  }
}
