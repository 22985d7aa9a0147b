package org.portcullis.web;

import io.javalin.http.Context;
import java.net.InetAddress;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.portcullis.blocklist.Blocklist;
import org.portcullis.blocklist.Category;
import org.portcullis.blocklist.Evidence;
import org.portcullis.blocklist.FalsePositiveReport;
import org.portcullis.blocklist.HeaderExcerpt;
import org.portcullis.blocklist.Listing;
import org.portcullis.blocklist.ListingState;
import org.portcullis.mail.Addresses;
import org.portcullis.mail.Cidr;
import org.portcullis.mail.EmailAddress;
import tools.jackson.databind.JsonNode;

/**
 * {@code /api/blocklist/...}: reports (evidence), lookups, operator delisting and false-positive
 * reports, as JSON. Every route needs an API token (checked by {@link WebServer}); every input is
 * validated and bounded, and a bad one is a 400 with a message, changing nothing.
 */
final class BlocklistApi {

  private static final int TEXT_MAX = 1000;
  private static final int HEADERS_MAX = 64 * 1024;

  private final Blocklist blocklist;

  BlocklistApi(Blocklist blocklist) {
    this.blocklist = blocklist;
  }

  /** A network a token may name: not wider than the configured prefix (a stranger's token must not list the internet). */
  private Cidr reportable(JsonNode body) {
    Cidr network = network(ApiRequests.text(body, "network", 64, true));
    blocklist.settings().tooWide(network).ifPresent(why -> {
      throw new ApiError(422, why);
    });
    return network;
  }

  /** {@code POST /api/blocklist/reports}: evidence against an address or network. */
  void report(Context ctx) {
    JsonNode body = ApiRequests.body(ctx);
    Cidr network = reportable(body);
    Category category = Category.fromLabel(ApiRequests.text(body, "category", 32, false).isEmpty() ? "report"
        : ApiRequests.text(body, "category", 32, false))
        .orElseThrow(() -> new ApiError(400, "category must be spam-source, spam-trap, manual or report"));
    String note = ApiRequests.text(body, "note", TEXT_MAX, true);
    String headers = ApiRequests.text(body, "headers", HEADERS_MAX, false);
    Evidence evidence = new Evidence(blocklist.clock().instant(), "api:" + ctx.attribute(WebServer.TOKEN_NAME),
        Addresses.toText(network.address()), ApiRequests.text(body, "helo", TEXT_MAX, false), ApiRequests.text(body, "sender", TEXT_MAX, false),
        ApiRequests.text(body, "recipients", TEXT_MAX, false), headers.isEmpty() ? "" : HeaderExcerpt.ofText(headers), note);
    Listing listing = blocklist.report(network, category, evidence);
    ApiRequests.send(ctx, 201, listing.toMap(false));
  }

  /** {@code GET /api/blocklist/lookup/{address}}: every listing covering the address. */
  void lookup(Context ctx) {
    InetAddress address = Addresses.parseLiteral(ctx.pathParam("address"))
        .orElseThrow(() -> new ApiError(400, "not an IP address"));
    List<Listing> history = blocklist.history(address);
    Instant now = blocklist.clock().instant();
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("address", Addresses.toText(address));
    out.put("listed", history.stream().anyMatch(l -> l.activeAt(now)));
    out.put("listings", history.stream().map(l -> l.toMap(true)).toList());
    ApiRequests.send(ctx, 200, out);
  }

  /**
   * {@code GET /api/blocklist/listings?state=listed&limit=100}, or {@code ?network=} for the listing
   * of exactly that network (with evidence and notes; an empty array if there is none).
   */
  void list(Context ctx) {
    String asked = ctx.queryParam("network");
    if (asked != null) {
      ApiRequests.send(ctx, 200, blocklist.find(network(asked.length() > 64 ? "" : asked.strip()))
          .map(l -> List.of(l.toMap(true))).orElse(List.of()));
      return;
    }
    String state = Optional.ofNullable(ctx.queryParam("state")).orElse("listed");
    Optional<ListingState> filter;
    try {
      filter = state.equals("all") ? Optional.empty() : Optional.of(ListingState.fromLabel(state));
    } catch (IllegalArgumentException e) {
      throw new ApiError(400, "state must be listed, delisted, expired, permanent or all");
    }
    int limit = ApiRequests.number(ctx.queryParam("limit"), 100, 1, 10_000, "limit");
    int offset = ApiRequests.number(ctx.queryParam("offset"), 0, 0, 100_000_000, "offset");
    ApiRequests.send(ctx, 200, blocklist.list(filter, limit, offset).stream().map(l -> l.toMap(false)).toList());
  }

  /** {@code POST /api/blocklist/delist}: the operator delists. */
  void delist(Context ctx) {
    JsonNode body = ApiRequests.body(ctx);
    Cidr network = network(ApiRequests.text(body, "network", 64, true));
    Listing listing = blocklist.operatorDelist(network, "api:" + ctx.attribute(WebServer.TOKEN_NAME),
        ApiRequests.text(body, "note", TEXT_MAX, false)).orElseThrow(() -> new ApiError(404, network + " has no listing"));
    ApiRequests.send(ctx, 200, listing.toMap(false));
  }

  /** {@code POST /api/blocklist/permanent}: the operator lists a network permanently (no expiry, no self-service). */
  void permanent(Context ctx) {
    JsonNode body = ApiRequests.body(ctx);
    Cidr network = reportable(body);
    String label = ApiRequests.text(body, "category", 32, false);
    Category category = Category.fromLabel(label.isEmpty() ? "manual" : label)
        .orElseThrow(() -> new ApiError(400, "category must be spam-source, spam-trap, manual or report"));
    Listing listing = blocklist.listPermanently(network, category, "api:" + ctx.attribute(WebServer.TOKEN_NAME),
        ApiRequests.text(body, "note", TEXT_MAX, false));
    ApiRequests.send(ctx, 200, listing.toMap(false));
  }

  /** {@code POST /api/blocklist/notes}: the operator adds a note to a listing. */
  void note(Context ctx) {
    JsonNode body = ApiRequests.body(ctx);
    Cidr network = network(ApiRequests.text(body, "network", 64, true));
    String note = ApiRequests.text(body, "note", TEXT_MAX, true);
    if (note.isBlank()) {
      throw new ApiError(400, "note must not be blank");
    }
    Listing listing = blocklist.addNote(network, "api:" + ctx.attribute(WebServer.TOKEN_NAME), note)
        .orElseThrow(() -> new ApiError(404, network + " has no listing"));
    ApiRequests.send(ctx, 200, listing.toMap(true));
  }

  /**
   * {@code GET /api/blocklist/false-positives?status=open&kind=}: false-positive reports and
   * delisting requests, newest first.
   */
  void falsePositives(Context ctx) {
    String status = Optional.ofNullable(ctx.queryParam("status")).orElse("open");
    if (!List.of("open", "accepted", "declined", "all").contains(status)) {
      throw new ApiError(400, "status must be open, accepted, declined or all");
    }
    Optional<FalsePositiveReport.Kind> kind = Optional.empty();
    if (ctx.queryParam("kind") != null) {
      kind = Optional.of(FalsePositiveReport.Kind.fromLabel(ctx.queryParam("kind"))
          .orElseThrow(() -> new ApiError(400, "kind must be false-positive or delisting")));
    }
    int limit = ApiRequests.number(ctx.queryParam("limit"), 100, 1, 10_000, "limit");
    Optional<FalsePositiveReport.Kind> only = kind;
    ApiRequests.send(ctx, 200, blocklist.reports(status.equals("all") ? Optional.empty() : Optional.of(status),
        limit).stream().filter(r -> only.isEmpty() || r.kind() == only.get()).map(BlocklistApi::report).toList());
  }

  /**
   * {@code POST /api/blocklist/false-positives/{id}/answer}: {@code status} accepted (the address
   * is delisted by the operator) or declined, and a {@code message}.
   */
  void answerFalsePositive(Context ctx) {
    long id = ApiRequests.id(ctx, "id");
    JsonNode body = ApiRequests.body(ctx);
    String status = ApiRequests.text(body, "status", 16, true);
    if (!status.equals("accepted") && !status.equals("declined")) {
      throw new ApiError(400, "status must be accepted or declined");
    }
    String message = ApiRequests.text(body, "message", TEXT_MAX, false);
    Blocklist.Answered answered;
    try {
      answered = blocklist.answerReport(id, status.equals("accepted"), message,
          "api:" + ctx.attribute(WebServer.TOKEN_NAME))
          .orElseThrow(() -> new ApiError(409, "report " + id + " is not open (or does not exist)"));
    } catch (IllegalArgumentException e) {
      throw new ApiError(400, e.getMessage());
    }
    Map<String, Object> out = new LinkedHashMap<>();
    if (answered.accepted()) {
      out.put("delisted", answered.delisted().map(l -> l.network().toString()).orElse(null));
    }
    out.put("id", id);
    out.put("status", status);
    ApiRequests.send(ctx, 200, out);
  }

  private static Map<String, Object> report(FalsePositiveReport r) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", r.id());
    m.put("at", r.at().toString());
    m.put("kind", r.kind().label());
    m.put("address", r.address());
    m.put("contact", r.contact());
    m.put("message", r.message());
    m.put("status", r.status());
    m.put("answer", r.answer());
    return m;
  }

  /**
   * {@code POST /api/blocklist/delisting-requests}: a delisting request for an address that may no
   * longer delist itself; 409 when it is not listed or still may.
   */
  void delistingRequest(Context ctx) {
    JsonNode body = ApiRequests.body(ctx);
    InetAddress address = Addresses.parseLiteral(ApiRequests.text(body, "address", 64, true))
        .orElseThrow(() -> new ApiError(400, "address must be an IP address"));
    String contact = contact(body);
    Blocklist.Filed filed = blocklist.requestDelisting(address, contact, ApiRequests.text(body, "message", TEXT_MAX,
        true)).orElseThrow(() -> new ApiError(409, Addresses.toText(address) + " is not listed, or may still delist itself"));
    ApiRequests.send(ctx, filed.merged() ? 200 : 201, filed(filed));
  }

  private static String contact(JsonNode body) {
    String contact = ApiRequests.text(body, "contact", 254, true);
    try {
      EmailAddress.parse(contact);
    } catch (IllegalArgumentException e) {
      throw new ApiError(400, "contact must be an email address");
    }
    return contact;
  }

  /** {@code POST /api/blocklist/false-positives}: a false-positive report for review. */
  void falsePositive(Context ctx) {
    JsonNode body = ApiRequests.body(ctx);
    InetAddress address = Addresses.parseLiteral(ApiRequests.text(body, "address", 64, true))
        .orElseThrow(() -> new ApiError(400, "address must be an IP address"));
    String contact = contact(body);
    Blocklist.Filed filed = blocklist.reportFalsePositive(Addresses.toText(address), contact,
        ApiRequests.text(body, "message", TEXT_MAX, true));
    ApiRequests.send(ctx, filed.merged() ? 200 : 201, filed(filed));
  }

  private Map<String, Object> filed(Blocklist.Filed filed) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("id", filed.report().id());
    out.put("kind", filed.report().kind().label());
    out.put("status", filed.report().status());
    out.put("merged", filed.merged());
    blocklist.statusUrl(filed.report()).ifPresent(url -> out.put("status_url", url));
    return out;
  }

  private static Cidr network(String text) {
    try {
      return Cidr.parse(text);
    } catch (IllegalArgumentException e) {
      throw new ApiError(400, "network must be an IP address or CIDR network");
    }
  }
}
