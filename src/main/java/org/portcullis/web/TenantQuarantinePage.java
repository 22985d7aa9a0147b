package org.portcullis.web;

import io.javalin.http.Context;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.portcullis.quarantine.Quarantine;
import org.portcullis.quarantine.QuarantineEntry;
import org.portcullis.tenant.TenantAdmin;
import org.portcullis.web.PortalViews.TenantHeld;
import org.slf4j.LoggerFactory;

/**
 * {@code /tenant/quarantine} and {@code /api/tenant/quarantine}: the mail held for the tenant's
 * recipients. A tenant sees and acts on its own recipients' copies only: a message sent to
 * {@code a.example} and {@code b.example} shows the tenant of {@code a.example} its own recipients,
 * and a release delivers it to them alone (exactly once, as {@link Quarantine#release} does);
 * the other copy stays held for its own tenant. A message with none of its recipients is a 404.
 */
final class TenantQuarantinePage {

  static final int LIMIT_DEFAULT = 200;

  private final Optional<AdminQuarantinePage.Access> access;

  TenantQuarantinePage(Optional<AdminQuarantinePage.Access> access) {
    this.access = access;
  }

  /** {@code GET /tenant/quarantine?state=held|all}. */
  void page(Context ctx) {
    show(ctx, 200, TenantPortal.viewer(ctx, false), Optional.empty());
  }

  private void show(Context ctx, int status, TenantPortal.Viewer viewer, Optional<String> message) {
    boolean all = "all".equals(ctx.queryParam("state"));
    PortalPages.render(ctx, status, "tenant/quarantine.jte", Map.of("view", new PortalViews.TenantQuarantine(
        viewer.user(), viewer.csrf(), viewer.admin().domainList(), all, rows(viewer.admin(), all, LIMIT_DEFAULT),
        access.isPresent(), message)));
  }

  /** {@code POST /tenant/quarantine/{id}/release} and {@code .../delete}: for all its own held recipients. */
  void act(Context ctx) {
    TenantPortal.Viewer viewer = TenantPortal.viewer(ctx, true);
    Quarantine.Outcome outcome = act(ctx, viewer.admin());
    show(ctx, outcome instanceof Quarantine.Outcome.Done ? 200 : 409, viewer, Optional.of(switch (outcome) {
      case Quarantine.Outcome.Done d -> d.queueId().map(q -> "Released: queued as " + q + ".").orElse("Deleted.");
      case Quarantine.Outcome.Refused r -> "Nothing done: " + r.why() + ".";
    }));
  }

  /** {@code GET /api/tenant/quarantine?state=held|all&limit=}. */
  void apiList(Context ctx) {
    String state = ctx.queryParam("state");
    if (state != null && !state.equals("held") && !state.equals("all")) {
      throw new ApiError(400, "state must be held or all");
    }
    int limit = ApiRequests.number(ctx.queryParam("limit"), LIMIT_DEFAULT, 1, AdminQuarantinePage.LIMIT_MAX, "limit");
    ApiRequests.send(ctx, 200, Map.of("messages", rows(TenantPortal.admin(ctx), "all".equals(state), limit).stream()
        .map(TenantQuarantinePage::toMap).toList()));
  }

  /** {@code GET /api/tenant/quarantine/{id}}. */
  void apiShow(Context ctx) {
    ApiRequests.send(ctx, 200, toMap(row(ctx, TenantPortal.admin(ctx), ctx.pathParam("id"))));
  }

  /** {@code POST /api/tenant/quarantine/{id}/release} and {@code .../delete}, optionally {@code ?to=} one of its recipients. */
  void apiAct(Context ctx) {
    switch (act(ctx, TenantPortal.admin(ctx))) {
      case Quarantine.Outcome.Done d -> {
        Map<String, Object> out = toMap(row(ctx, TenantPortal.admin(ctx), d.entry().id()));
        d.queueId().ifPresent(q -> out.put("queueId", q));
        ApiRequests.send(ctx, 200, out);
      }
      case Quarantine.Outcome.Refused r -> throw new ApiError(409, r.why());
    }
  }

  /** How many messages wait for the tenant's recipients (up to the page's limit). */
  long heldCount(TenantAdmin admin) {
    return rows(admin, false, LIMIT_DEFAULT).size();
  }

  private Quarantine.Outcome act(Context ctx, TenantAdmin admin) {
    TenantHeld row = row(ctx, admin, ctx.pathParam("id"));
    String action = ctx.pathParam("action");
    if (!action.equals("release") && !action.equals("delete")) {
      throw TenantPortal.notFound(ctx, "release or delete");
    }
    List<String> targets = row.held();
    String to = ctx.queryParam("to");
    if (to != null) {
      targets = row.mine().stream().filter(r -> r.equalsIgnoreCase(to.strip())).toList();
      if (targets.isEmpty()) {
        throw TenantPortal.notFound(ctx, "no such recipient of this message among yours");
      }
    }
    if (targets.isEmpty()) {
      return new Quarantine.Outcome.Refused("it is no longer held for your recipients");
    }
    AdminQuarantinePage.Access a = access.orElseThrow();
    String by = TenantPortal.by(ctx);
    Quarantine.Outcome last = new Quarantine.Outcome.Refused("it is no longer held for your recipients");
    boolean any = false;
    // One recipient at a time, so that nothing is ever released to a recipient that is not the tenant's.
    for (String rcpt : targets) {
      try {
        Quarantine.Outcome o = action.equals("release")
            ? a.quarantine().release(row.entry().id(), by, a.requeue(), false, Optional.of(rcpt))
            : a.quarantine().delete(row.entry().id(), by, Optional.of(rcpt));
        if (o instanceof Quarantine.Outcome.Done) {
          any = true;
          last = o;
        } else if (!any) {
          last = o;
        }
      } catch (IOException e) {
        LoggerFactory.getLogger("portcullis.tenant").warn("quarantine {} of {} for {} failed: {}", action,
            row.entry().id(), rcpt, e.getMessage());
        if (!any) {
          last = new Quarantine.Outcome.Refused("it could not be done (" + e.getMessage() + "); it is still held");
        }
      }
    }
    return last;
  }

  /** The message {@code id} as the tenant sees it; 404 when unknown, malformed, or none of its recipients is the tenant's. */
  private TenantHeld row(Context ctx, TenantAdmin admin, String id) {
    Optional<QuarantineEntry> entry = access.flatMap(a -> a.quarantine().find(id));
    if (entry.isEmpty() || !admin.ownsAny(entry.get().recipients())) {
      throw TenantPortal.notFound(ctx, "no such quarantined message for your recipients");
    }
    return toHeld(admin, entry.get());
  }

  private TenantHeld toHeld(TenantAdmin admin, QuarantineEntry e) {
    List<String> held = admin.own(access.orElseThrow().quarantine().heldRecipients(e.id()));
    return new TenantHeld(e, admin.own(e.recipients()), held);
  }

  /** The tenant's messages, newest first: every one, or those still held for one of its recipients. */
  private List<TenantHeld> rows(TenantAdmin admin, boolean all, int limit) {
    if (access.isEmpty()) {
      return List.of();
    }
    Quarantine q = access.get().quarantine();
    Map<String, QuarantineEntry> found = new LinkedHashMap<>();
    for (String domain : admin.domainList()) {
      // The entry's overall state is everybody's; whether it is held for the tenant is decided per recipient below.
      Optional<QuarantineEntry.State> state = all ? Optional.empty() : Optional.of(QuarantineEntry.State.HELD);
      for (QuarantineEntry e : q.list(Optional.of(domain), state, limit)) {
        found.putIfAbsent(e.id(), e);
      }
    }
    List<TenantHeld> rows = new ArrayList<>();
    for (QuarantineEntry e : found.values()) {
      TenantHeld r = toHeld(admin, e);
      if (all || !r.held().isEmpty()) {
        rows.add(r);
      }
    }
    rows.sort(Comparator.comparing((TenantHeld r) -> r.entry().receivedAt()).reversed().thenComparing(r -> r.entry().id()));
    return rows.size() > limit ? List.copyOf(rows.subList(0, limit)) : rows;
  }

  private static Map<String, Object> toMap(TenantHeld r) {
    QuarantineEntry e = r.entry();
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", e.id());
    m.put("arrival", e.receivedAt().toString());
    m.put("state", r.held().isEmpty() ? "done" : "held");
    m.put("client", e.clientAddress());
    m.put("sender", e.sender());
    m.put("recipients", r.mine());
    m.put("held", r.held());
    m.put("subject", e.subject());
    m.put("check", e.check());
    m.put("reason", e.reason());
    m.put("reference", e.reference());
    m.put("size", e.size());
    return m;
  }
}
