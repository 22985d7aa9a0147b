package org.portcullis.web;

import io.javalin.http.Context;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.portcullis.lists.AccessListStore;
import org.portcullis.lists.AddressBook;
import org.portcullis.lists.EntryForm;
import org.portcullis.lists.ListEntry;
import org.portcullis.lists.WhitelistRequest;
import org.portcullis.lists.WhitelistRequests;
import org.portcullis.lists.Whitelists;
import tools.jackson.databind.JsonNode;

/**
 * {@code /api/lists}, {@code /api/whitelists/...} and {@code /api/whitelist-requests/...}: the
 * allow and deny lists, recipients' whitelists (with address-book import) and whitelist requests,
 * as JSON. Every route needs an API token; bad input is a 400 (a malformed address book a 422)
 * naming the problem, and changes nothing.
 */
final class ListsApi {

  private static final int FIELD_MAX = 500;

  private final AccessListStore store;
  private final Whitelists whitelists;
  private final WhitelistRequests requests;
  private final Set<String> checks;
  private final long importMaxBytes;
  private final java.time.Clock clock;

  /**
   * @param checks the check names an allow entry may skip
   */
  ListsApi(AccessListStore store, Whitelists whitelists, WhitelistRequests requests, java.time.Clock clock,
      Set<String> checks, long importMaxBytes) {
    this.store = store;
    this.clock = clock;
    this.whitelists = whitelists;
    this.requests = requests;
    this.checks = Set.copyOf(checks);
    this.importMaxBytes = importMaxBytes;
  }

  long importMaxBytes() {
    return importMaxBytes;
  }

  /** {@code GET /api/lists}: every entry, with whether it is active. */
  void entries(Context ctx) {
    Instant now = clock.instant();
    ApiRequests.send(ctx, 200, store.entries().stream().map(e -> {
      Map<String, Object> m = e.toMap();
      m.put("active", e.active(now));
      return m;
    }).toList());
  }

  /** {@code POST /api/lists}: a new allow or deny entry. */
  void add(Context ctx) {
    JsonNode body = ApiRequests.body(ctx);
    String action = ApiRequests.text(body, "action", 10, true).toLowerCase(Locale.ROOT);
    if (!action.equals("allow") && !action.equals("deny")) {
      throw new ApiError(400, "action must be allow or deny");
    }
    EntryForm form = new EntryForm(ListEntry.Action.valueOf(action.toUpperCase(Locale.ROOT)),
        ApiRequests.optional(body, "client", 64), ApiRequests.optional(body, "sender", 320),
        ApiRequests.optional(body, "recipient", 320), ApiRequests.optional(body, "helo", 255),
        ApiRequests.strings(body, "skip", 64, 64), ApiRequests.optional(body, "reply", FIELD_MAX),
        ApiRequests.optional(body, "expires", 64), ApiRequests.optional(body, "note", FIELD_MAX));
    ListEntry entry;
    try {
      entry = form.toEntry(checks, clock.instant());
    } catch (IllegalArgumentException e) {
      throw new ApiError(400, e.getMessage());
    }
    ApiRequests.send(ctx, 201, store.add(entry).toMap());
  }

  /** {@code DELETE /api/lists/{id}}. */
  void remove(Context ctx) {
    long id = ApiRequests.id(ctx, "id");
    if (!store.remove(id)) {
      throw new ApiError(404, "no entry " + id);
    }
    ctx.status(204);
  }

  /** {@code GET /api/whitelists/{owner}}. */
  void whitelist(Context ctx) {
    String owner = owner(ctx);
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("owner", owner);
    out.put("senders", whitelists.list(owner));
    ApiRequests.send(ctx, 200, out);
  }

  /** {@code POST /api/whitelists/{owner}}: {@code {"senders": [...]}}, all or nothing. */
  void addSenders(Context ctx) {
    String owner = owner(ctx);
    List<String> senders = ApiRequests.strings(ApiRequests.body(ctx), "senders", 1000, 320);
    try {
      ApiRequests.send(ctx, 200, report(owner, whitelists.add(owner, senders, "api:" + ctx.attribute(WebServer.TOKEN_NAME))));
    } catch (IllegalArgumentException e) {
      throw new ApiError(400, e.getMessage() + "; nothing added");
    }
  }

  /** {@code POST /api/whitelists/{owner}/import}: the address book is the request body. */
  void importBook(Context ctx) {
    String owner = owner(ctx);
    byte[] content = ctx.bodyAsBytes();
    if (content.length == 0) {
      throw new ApiError(400, "the body must be the address book (CSV, vCard or one address per line)");
    }
    try {
      Whitelists.Report report = whitelists.importBook(owner, content, importMaxBytes,
          "import via api:" + ctx.attribute(WebServer.TOKEN_NAME));
      ApiRequests.send(ctx, 200, report(owner, report));
    } catch (AddressBook.MalformedAddressBook e) {
      throw new ApiError(422, e.getMessage() + "; nothing imported");
    }
  }

  /** {@code DELETE /api/whitelists/{owner}/{sender}}. */
  void removeSender(Context ctx) {
    String owner = owner(ctx);
    try {
      if (!whitelists.remove(owner, ctx.pathParam("sender"))) {
        throw new ApiError(404, "not on the whitelist of " + owner);
      }
    } catch (IllegalArgumentException e) {
      throw new ApiError(400, "sender: " + e.getMessage());
    }
    ctx.status(204);
  }

  private static String owner(Context ctx) {
    try {
      return AddressBook.owner(ctx.pathParam("owner"));
    } catch (IllegalArgumentException e) {
      throw new ApiError(400, "owner must be a recipient address or domain");
    }
  }

  private static Map<String, Object> report(String owner, Whitelists.Report r) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("owner", owner);
    out.put("format", r.format().name().toLowerCase(Locale.ROOT));
    out.put("read", r.read());
    out.put("added", r.added());
    out.put("duplicates", r.duplicates());
    out.put("rejected", r.rejected().stream().map(x -> Map.of("line", x.line(), "text", x.text(), "reason", x.reason()))
        .toList());
    return out;
  }

  /** {@code GET /api/whitelist-requests?status=pending}. */
  void requests(Context ctx) {
    String status = Optional.ofNullable(ctx.queryParam("status")).orElse("pending");
    Optional<WhitelistRequest.Status> filter;
    try {
      filter = status.equals("all") ? Optional.empty()
          : Optional.of(WhitelistRequest.Status.valueOf(status.toUpperCase(Locale.ROOT)));
    } catch (IllegalArgumentException e) {
      throw new ApiError(400, "status must be pending, approved, declined or all");
    }
    int limit = ApiRequests.number(ctx.queryParam("limit"), 100, 1, 10_000, "limit");
    ApiRequests.send(ctx, 200, requests.list(filter, limit).stream().map(WhitelistRequest::toMap).toList());
  }

  /** {@code GET /api/whitelist-requests/{id}}. */
  void request(Context ctx) {
    long id = ApiRequests.id(ctx, "id");
    ApiRequests.send(ctx, 200, requests.get(id).orElseThrow(() -> new ApiError(404, "no request " + id)).toMap());
  }

  /** {@code POST /api/whitelist-requests}: a sender's request. */
  void submit(Context ctx) {
    JsonNode body = ApiRequests.body(ctx);
    try {
      String reference = ApiRequests.text(body, "reference", 32, false);
      String email = ApiRequests.text(body, "email", 320, true);
      String reason = ApiRequests.text(body, "reason", 2000, true);
      WhitelistRequests.Submission submitted = reference.isEmpty()
          ? requests.submit(email, ApiRequests.text(body, "ip", 64, true),
              ApiRequests.text(body, "recipient", 320, true), reason, "")
          : requests.submitFor(reference, email, reason);
      Map<String, Object> out = submitted.request().toMap();
      out.put("merged", submitted.merged());
      requests.statusUrl(submitted.request()).ifPresent(url -> out.put("status_url", url));
      ApiRequests.send(ctx, submitted.merged() ? 200 : 201, out);
    } catch (IllegalArgumentException e) {
      throw new ApiError(400, e.getMessage());
    }
  }

  /** {@code POST /api/whitelist-requests/{id}/approve}: {@code {"match": [...], "skip": [...], "expires", "message"}}. */
  void approve(Context ctx) {
    long id = ApiRequests.id(ctx, "id");
    JsonNode body = ApiRequests.body(ctx);
    List<String> match = ApiRequests.strings(body, "match", 3, 16);
    Optional<ListEntry> entry;
    try {
      Set<WhitelistRequests.Scope> scope = java.util.EnumSet.noneOf(WhitelistRequests.Scope.class);
      for (String m : match.isEmpty() ? List.of("sender", "recipient") : match) {
        scope.add(switch (m.toLowerCase(Locale.ROOT)) {
          case "sender" -> WhitelistRequests.Scope.SENDER;
          case "ip", "client" -> WhitelistRequests.Scope.CLIENT;
          case "recipient" -> WhitelistRequests.Scope.RECIPIENT;
          default -> throw new IllegalArgumentException("match: each item is sender, ip or recipient");
        });
      }
      Instant now = clock.instant();
      entry = requests.approve(id, scope, skip(ApiRequests.strings(body, "skip", 64, 64)),
          ApiRequests.optional(body, "expires", 64).map(e -> EntryForm.expiry(e, now)),
          ApiRequests.text(body, "message", 1000, false));
    } catch (IllegalArgumentException e) {
      throw new ApiError(400, e.getMessage());
    }
    if (entry.isEmpty()) {
      throw new ApiError(409, "request " + id + " is not pending (or does not exist)");
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("request", requests.get(id).orElseThrow().toMap());
    out.put("entry", entry.get().toMap());
    ApiRequests.send(ctx, 200, out);
  }

  private Set<String> skip(List<String> names) {
    return EntryForm.skips(names, checks);
  }

  /** {@code POST /api/whitelist-requests/{id}/decline}: {@code {"message": "..."}}. */
  void decline(Context ctx) {
    long id = ApiRequests.id(ctx, "id");
    String message = ApiRequests.text(ApiRequests.body(ctx), "message", 1000, true);
    try {
      if (!requests.decline(id, message)) {
        throw new ApiError(409, "request " + id + " is not pending (or does not exist)");
      }
    } catch (IllegalArgumentException e) {
      throw new ApiError(400, e.getMessage());
    }
    ApiRequests.send(ctx, 200, requests.get(id).orElseThrow().toMap());
  }
}
