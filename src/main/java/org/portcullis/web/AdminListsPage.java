package org.portcullis.web;

import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.portcullis.lists.AccessListStore;
import org.portcullis.lists.AddressBook;
import org.portcullis.lists.EntryForm;
import org.portcullis.lists.ListEntry;
import org.portcullis.lists.Whitelists;

/** {@code /admin/lists}: the allow and deny entries, added and removed, and recipients' address books uploaded as whitelists. */
final class AdminListsPage {

  private final AdminSessions sessions;
  private final AccessListStore lists;
  private final Whitelists whitelists;
  private final Set<String> checks;
  private final Clock clock;
  private final long importMaxBytes;

  AdminListsPage(AdminSessions sessions, AccessListStore lists, Whitelists whitelists, Set<String> checks, Clock clock,
      long importMaxBytes) {
    this.sessions = sessions;
    this.lists = lists;
    this.whitelists = whitelists;
    this.checks = Set.copyOf(checks);
    this.clock = clock;
    this.importMaxBytes = importMaxBytes;
  }

  /** {@code GET /admin/lists}. */
  void lists(Context ctx) {
    showLists(ctx, 200, sessions.required(ctx), Optional.empty(), List.of());
  }

  private void showLists(Context ctx, int status, AdminSessions.Session session, Optional<String> notice,
      List<String> rejected) {
    PortalPages.render(ctx, status, "admin/lists.jte", Map.of("view", new PortalViews.AdminLists(session.user(),
        session.csrf(), lists.entries(), notice, rejected)));
  }

  /** {@code POST /admin/lists}: a new allow or deny entry from the form. */
  void addEntry(Context ctx) {
    AdminSessions.Session session = sessions.posted(ctx);
    String action = Optional.ofNullable(ctx.formParam("action")).orElse("");
    if (!action.equals("allow") && !action.equals("deny")) {
      showLists(ctx, 400, session, Optional.of("Not added: choose allow or deny."), List.of());
      return;
    }
    String skip = AdminForms.form(ctx, "skip", 500).orElse("");
    EntryForm entry = new EntryForm(ListEntry.Action.valueOf(action.toUpperCase(Locale.ROOT)),
        AdminForms.form(ctx, "client", 64), AdminForms.form(ctx, "sender", 320), AdminForms.form(ctx, "recipient", 320), AdminForms.form(ctx, "helo", 255),
        action.equals("allow") && !skip.isBlank() ? List.of(skip.split("[,\\s]+")) : List.of(),
        action.equals("deny") ? AdminForms.form(ctx, "reply", 300) : Optional.empty(), AdminForms.form(ctx, "expires", 64),
        AdminForms.form(ctx, "note", 500).map(n -> session.user() + ": " + n).or(() -> Optional.of("by " + session.user())));
    try {
      ListEntry added = lists.add(entry.toEntry(checks, clock.instant()));
      showLists(ctx, 200, session, Optional.of(added.action().label() + " entry " + added.id() + " added ("
          + added.criteria() + "); in force within a second."), List.of());
    } catch (IllegalArgumentException e) {
      showLists(ctx, 400, session, Optional.of("Not added: " + e.getMessage()), List.of());
    }
  }

  /** {@code POST /admin/lists/{id}/remove}. */
  void removeEntry(Context ctx) {
    AdminSessions.Session session = sessions.posted(ctx);
    long id = AdminForms.id(ctx);
    boolean removed = lists.remove(id);
    showLists(ctx, removed ? 200 : 404, session, Optional.of(removed ? "Entry " + id + " removed." : "No entry " + id + "."),
        List.of());
  }

  /** {@code POST /admin/whitelists/import}: {@code owner} and an uploaded {@code file} (multipart). */
  void importBook(Context ctx) {
    AdminSessions.Session session = sessions.posted(ctx);
    String owner = AdminForms.form(ctx, "owner", 320).orElse("");
    var file = ctx.uploadedFile("file");
    if (file == null || file.size() == 0) {
      showLists(ctx, 400, session, Optional.of("Not imported: choose a file."), List.of());
      return;
    }
    try (InputStream in = file.content()) {
      byte[] content = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, importMaxBytes + 1));
      Whitelists.Report r = whitelists.importBook(owner, content, importMaxBytes, "upload by " + session.user() + ": "
          + file.filename());
      showLists(ctx, 200, session, Optional.of("Whitelist of " + AddressBook.owner(owner) + ": read " + r.read()
          + ", added " + r.added() + ", duplicates " + r.duplicates() + ", rejected " + r.rejected().size() + "."),
          r.rejected().stream().map(x -> "line " + x.line() + ": \"" + x.text() + "\": " + x.reason()).toList());
    } catch (AddressBook.MalformedAddressBook e) {
      showLists(ctx, 422, session, Optional.of("Nothing imported: " + e.getMessage() + "."), List.of());
    } catch (IllegalArgumentException e) {
      showLists(ctx, 400, session, Optional.of("Nothing imported: the owner must be a recipient address or domain."),
          List.of());
    } catch (IOException e) {
      showLists(ctx, 400, session, Optional.of("Nothing imported: the upload could not be read."), List.of());
    }
  }
}
