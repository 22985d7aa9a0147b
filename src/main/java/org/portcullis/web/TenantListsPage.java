package org.portcullis.web;

import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.portcullis.lists.AddressBook;
import org.portcullis.lists.Whitelists;
import org.portcullis.tenant.TenantAdmin;

/**
 * {@code /tenant/whitelists} and {@code /api/tenant/whitelists/{owner}}: the whitelists of the
 * tenant's mailboxes and domains, edited and filled from uploaded address books (the importer of
 * {@code portcullis whitelist import}). An owner outside the tenant's domains is a 404, whatever it is.
 */
final class TenantListsPage {

  private final Whitelists whitelists;
  private final ListsApi api;
  private final long importMaxBytes;

  TenantListsPage(Whitelists whitelists, ListsApi api, long importMaxBytes) {
    this.whitelists = whitelists;
    this.api = api;
    this.importMaxBytes = importMaxBytes;
  }

  /** {@code GET /tenant/whitelists?owner=}: one owner's whitelist, or the form to pick one. */
  void page(Context ctx) {
    TenantPortal.Viewer viewer = TenantPortal.viewer(ctx, false);
    String owner = AdminForms.query(ctx, "owner").strip();
    show(ctx, 200, viewer, owner.isEmpty() ? Optional.empty() : Optional.of(owned(ctx, viewer.admin(), owner)),
        Optional.empty(), List.of());
  }

  private void show(Context ctx, int status, TenantPortal.Viewer viewer, Optional<String> owner,
      Optional<String> notice, List<String> rejected) {
    PortalPages.render(ctx, status, "tenant/whitelists.jte", Map.of("view", new PortalViews.TenantWhitelist(
        viewer.user(), viewer.csrf(), viewer.admin().domainList(), owner.orElse(""),
        owner.map(whitelists::list).orElse(List.of()), notice, rejected)));
  }

  /** {@code POST /tenant/whitelists/add}: {@code owner} and {@code senders} (one per line or comma). */
  void add(Context ctx) {
    TenantPortal.Viewer viewer = TenantPortal.viewer(ctx, true);
    String owner = owned(ctx, viewer.admin(), AdminForms.form(ctx, "owner", 320).orElse(""));
    List<String> senders = List.of(AdminForms.form(ctx, "senders", 20_000).orElse("").split("[,\\s]+")).stream()
        .filter(s -> !s.isBlank()).toList();
    if (senders.isEmpty() || senders.size() > 1000) {
      show(ctx, 400, viewer, Optional.of(owner), Optional.of("Nothing added: name 1 to 1000 senders."), List.of());
      return;
    }
    try {
      Whitelists.Report r = whitelists.add(owner, senders, TenantPortal.by(ctx));
      show(ctx, 200, viewer, Optional.of(owner), Optional.of("Added " + r.added() + ", duplicates " + r.duplicates()
          + "."), List.of());
    } catch (IllegalArgumentException e) {
      show(ctx, 400, viewer, Optional.of(owner), Optional.of("Nothing added: " + e.getMessage() + "."), List.of());
    }
  }

  /** {@code POST /tenant/whitelists/remove}: {@code owner} and {@code sender}. */
  void remove(Context ctx) {
    TenantPortal.Viewer viewer = TenantPortal.viewer(ctx, true);
    String owner = owned(ctx, viewer.admin(), AdminForms.form(ctx, "owner", 320).orElse(""));
    String sender = AdminForms.form(ctx, "sender", 320).orElse("");
    boolean removed;
    try {
      removed = whitelists.remove(owner, sender);
    } catch (IllegalArgumentException e) {
      removed = false;
    }
    show(ctx, removed ? 200 : 404, viewer, Optional.of(owner), Optional.of(removed ? sender + " removed."
        : sender + " is not on this whitelist."), List.of());
  }

  /** {@code POST /tenant/whitelists/import}: {@code owner} and an uploaded {@code file} (multipart). */
  void importBook(Context ctx) {
    TenantPortal.Viewer viewer = TenantPortal.viewer(ctx, true);
    String owner = owned(ctx, viewer.admin(), AdminForms.form(ctx, "owner", 320).orElse(""));
    var file = ctx.uploadedFile("file");
    if (file == null || file.size() == 0) {
      show(ctx, 400, viewer, Optional.of(owner), Optional.of("Not imported: choose a file."), List.of());
      return;
    }
    try (InputStream in = file.content()) {
      byte[] content = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, importMaxBytes + 1));
      Whitelists.Report r = whitelists.importBook(owner, content, importMaxBytes, "upload by "
          + TenantPortal.by(ctx) + ": " + file.filename());
      show(ctx, 200, viewer, Optional.of(owner), Optional.of("Imported into the whitelist of " + owner + ": read "
          + r.read() + ", added " + r.added() + ", duplicates " + r.duplicates() + ", rejected " + r.rejected().size()
          + "."), r.rejected().stream().map(x -> "line " + x.line() + ": \"" + x.text() + "\": " + x.reason()).toList());
    } catch (AddressBook.MalformedAddressBook e) {
      show(ctx, 422, viewer, Optional.of(owner), Optional.of("Nothing imported: " + e.getMessage() + "."), List.of());
    } catch (IOException e) {
      show(ctx, 400, viewer, Optional.of(owner), Optional.of("Nothing imported: the upload could not be read."),
          List.of());
    }
  }

  /** {@code GET /api/tenant/whitelists/{owner}}. */
  void apiList(Context ctx) {
    owned(ctx, TenantPortal.admin(ctx), ctx.pathParam("owner"));
    api.whitelist(ctx);
  }

  /** {@code POST /api/tenant/whitelists/{owner}}: {@code {"senders": [...]}}. */
  void apiAdd(Context ctx) {
    owned(ctx, TenantPortal.admin(ctx), ctx.pathParam("owner"));
    api.addSenders(ctx);
  }

  /** {@code POST /api/tenant/whitelists/{owner}/import}: the address book is the body. */
  void apiImport(Context ctx) {
    owned(ctx, TenantPortal.admin(ctx), ctx.pathParam("owner"));
    api.importBook(ctx);
  }

  /** {@code DELETE /api/tenant/whitelists/{owner}/{sender}}. */
  void apiRemove(Context ctx) {
    owned(ctx, TenantPortal.admin(ctx), ctx.pathParam("owner"));
    api.removeSender(ctx);
  }

  /**
   * The owner (a mailbox or domain) as the whitelists spell it, if it is the tenant's.
   *
   * @throws RuntimeException 404 when it is not a recipient of the tenant's (or not an owner at all)
   */
  static String owned(Context ctx, TenantAdmin admin, String text) {
    String owner;
    try {
      owner = AddressBook.owner(text);
    } catch (IllegalArgumentException e) {
      throw TenantPortal.notFound(ctx, "no such mailbox or domain among yours");
    }
    if (owner.startsWith("*") || !admin.owns(owner)) {
      throw TenantPortal.notFound(ctx, "no such mailbox or domain among yours");
    }
    return owner;
  }
}
