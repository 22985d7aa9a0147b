package org.portcullis.web;

import io.javalin.http.Context;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.portcullis.quarantine.DigestStore;
import org.portcullis.quarantine.Quarantine;
import org.portcullis.quarantine.QuarantineEntry;
import org.portcullis.quarantine.QuarantineLinks;
import org.slf4j.LoggerFactory;

/**
 * {@code /q/<token>}: the links of a quarantine digest. Opening a link (GET) acts on nothing, since
 * mail scanners and previews fetch links: it shows the message and a button, and the button (POST,
 * with the portal's CSRF protection and rate limit) releases or deletes the mailbox's own copy,
 * once. A login ticket shows the mailbox's whole quarantine, each message with its buttons, and
 * lets the mailbox choose its digest's schedule and form ({@code POST /q/<token>/digest}). A token
 * that is unknown, expired or used gets the same 404; nothing tells a guess from an old link.
 */
final class QuarantineLinkPages {

  private final Optional<AdminQuarantinePage.Access> access;
  private final FormGuard guard;
  private final PageLimiter pages;
  private final org.portcullis.lists.AccessListStore lists;
  private final java.time.Clock clock;
  private final DigestStore digests;

  QuarantineLinkPages(Optional<AdminQuarantinePage.Access> access, FormGuard guard, PageLimiter pages,
      org.portcullis.lists.AccessListStore lists, DigestStore digests, java.time.Clock clock) {
    this.digests = digests;
    this.lists = lists;
    this.clock = clock;
    this.access = access;
    this.guard = guard;
    this.pages = pages;
  }

  /** {@code GET /q/{token}}. */
  void page(Context ctx) {
    pages.check(ctx);
    String token = ctx.pathParam("token");
    DigestStore.Link link = link(token);
    show(ctx, 200, token, link, Optional.empty());
  }

  private void show(Context ctx, int status, String token, DigestStore.Link link, Optional<String> message) {
    Quarantine q = access.orElseThrow().quarantine();
    List<QuarantineEntry> held;
    if (link.action().equals(QuarantineLinks.LOGIN)) {
      held = q.heldFor(link.mailbox(), 200);
    } else {
      held = q.find(link.entry()).filter(e -> q.isHeldFor(e.id(), link.mailbox())).stream().toList();
    }
    Optional<org.portcullis.quarantine.DigestSettings> digest = link.action().equals(QuarantineLinks.LOGIN)
        ? Optional.of(digests.settings(link.mailbox()).orElse(org.portcullis.quarantine.DigestSettings.DEFAULT))
        : Optional.empty();
    PortalPages.render(ctx, status, "portal/quarantine.jte", Map.of("view", new PortalViews.QuarantineLink(token,
        link.mailbox(), link.action(), held, guard.token(ctx), message, digest)));
  }

  /** {@code POST /q/{token}/digest} with a login ticket: {@code schedule} and {@code format} (html or text). */
  void digest(Context ctx) {
    guard.check(ctx, "quarantine-digest");
    String token = ctx.pathParam("token");
    DigestStore.Link link = link(token);
    if (!link.action().equals(QuarantineLinks.LOGIN)) {
      throw notFound();
    }
    Optional<org.portcullis.quarantine.DigestSettings.Schedule> schedule = org.portcullis.quarantine.DigestSettings
        .Schedule.parse(AdminForms.form(ctx, "schedule", 20).orElse(""));
    String format = AdminForms.form(ctx, "format", 10).orElse("html");
    if (schedule.isEmpty() || !(format.equals("html") || format.equals("text"))) {
      show(ctx, 400, token, link, Optional.of("Nothing changed: choose never, hourly, daily or weekly, and HTML or "
          + "text."));
      return;
    }
    org.portcullis.quarantine.DigestSettings chosen = new org.portcullis.quarantine.DigestSettings(schedule.get(),
        format.equals("html"));
    digests.set(link.mailbox(), chosen);
    LoggerFactory.getLogger("portcullis.quarantine").info("digest of {} set to {} by its owner (digest ticket)",
        link.mailbox(), TenantPrefsPage.describe(chosen));
    show(ctx, 200, token, link, Optional.of("Your digest: " + TenantPrefsPage.describe(chosen) + "."));
  }

  /** {@code POST /q/{token}}: the action of an action link; {@code POST /q/{token}/{id}/{action}}: a ticket's. */
  void act(Context ctx) {
    guard.check(ctx, "quarantine-link");
    String token = ctx.pathParam("token");
    DigestStore.Link link = link(token);
    AdminQuarantinePage.Access a = access.orElseThrow();
    String id;
    String action;
    if (link.action().equals(QuarantineLinks.LOGIN)) {
      id = ctx.pathParamMap().getOrDefault("id", "");
      action = ctx.pathParamMap().getOrDefault("action", "");
      if (!QuarantineLinks.ACTIONS.contains(action)) {
        throw notFound();
      }
    } else {
      if (ctx.pathParamMap().containsKey("id") || !a.links().use(token)) {
        throw notFound(); // used a moment ago (a double click), or a ticket path on an action link
      }
      id = link.entry();
      action = link.action();
    }
    if (!Quarantine.isId(id) || !a.quarantine().isHeldFor(id, link.mailbox())) {
      show(ctx, 409, token, link, Optional.of("That message is no longer held for you: it was released or "
          + "deleted already, or it expired."));
      return;
    }
    String by = "mailbox owner " + link.mailbox() + " (digest link)";
    boolean releasing = action.equals(QuarantineLinks.RELEASE) || action.equals(QuarantineLinks.RELEASE_ALLOW);
    String sender = a.quarantine().find(id).map(QuarantineEntry::sender).orElse("");
    Quarantine.Outcome outcome;
    try {
      outcome = releasing
          ? a.quarantine().release(id, by, a.requeue(), false, Optional.of(link.mailbox()))
          : a.quarantine().delete(id, by, Optional.of(link.mailbox()));
      if (outcome instanceof Quarantine.Outcome.Done && !sender.isEmpty()) {
        remember(action, sender, link.mailbox());
      }
    } catch (IOException e) {
      LoggerFactory.getLogger("portcullis.quarantine").warn("digest {} of {} failed: {}", action, id, e.getMessage());
      outcome = new Quarantine.Outcome.Refused("it could not be done just now; try again later");
    }
    String said = switch (outcome) {
      case Quarantine.Outcome.Done d -> switch (action) {
        case QuarantineLinks.RELEASE -> "Released: the message is on its way to your mailbox.";
        case QuarantineLinks.RELEASE_ALLOW -> "Released, and mail from " + sender + " to you is always accepted now.";
        case QuarantineLinks.DENY -> "Deleted, and mail from " + sender + " to you is refused from now on.";
        default -> "Deleted.";
      };
      case Quarantine.Outcome.Refused r -> "Nothing done: " + r.why() + ".";
    };
    show(ctx, outcome instanceof Quarantine.Outcome.Done ? 200 : 409, token, link, Optional.of(said));
  }

  /** The whitelist entry or the deny entry a release-allow or a deny makes for the mailbox. */
  private void remember(String action, String sender, String mailbox) {
    if (action.equals(QuarantineLinks.RELEASE_ALLOW)) {
      lists.addToWhitelist(mailbox, List.of(sender.toLowerCase(java.util.Locale.ROOT)), "quarantine digest",
          clock.instant());
    } else if (action.equals(QuarantineLinks.DENY)) {
      lists.add(new org.portcullis.lists.ListEntry(0, org.portcullis.lists.ListEntry.Action.DENY, Optional.empty(),
          Optional.of(org.portcullis.policy.AddressPattern.parse(sender)),
          Optional.of(org.portcullis.policy.AddressPattern.parse(mailbox)), Optional.empty(), java.util.Set.of(),
          Optional.empty(), Optional.empty(), "denied by " + mailbox + " from its quarantine digest", clock.instant()));
    }
  }

  private DigestStore.Link link(String token) {
    return access.flatMap(a -> a.links().resolve(token)).orElseThrow(QuarantineLinkPages::notFound);
  }

  private static PortalPages.PageError notFound() {
    return new PortalPages.PageError(404, "Link not valid", "This link has expired, was used already, or does "
        + "not exist. The next digest brings new links.");
  }
}
