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
import org.portcullis.blocklist.HeaderExcerpt;
import org.portcullis.blocklist.Listing;
import org.portcullis.blocklist.ListingState;
import org.portcullis.mail.Addresses;
import org.portcullis.mail.Cidr;
import org.portcullis.mail.EmailAddress;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code /api/blocklist/...}: reports (evidence), lookups, operator delisting and false-positive
 * reports, as JSON. Every route needs an API token (checked by {@link WebServer}); every input is
 * validated and bounded, and a bad one is a 400 with a message, changing nothing.
 */
final class BlocklistApi {

  static final JsonMapper JSON = JsonMapper.builder().build();
  private static final int TEXT_MAX = 1000;
  private static final int HEADERS_MAX = 64 * 1024;

  private final Blocklist blocklist;

  BlocklistApi(Blocklist blocklist) {
    this.blocklist = blocklist;
  }

  /** {@code POST /api/blocklist/reports}: evidence against an address or network. */
  void report(Context ctx) {
    JsonNode body = body(ctx);
    Cidr network = network(text(body, "network", 64, true));
    Category category = Category.fromLabel(text(body, "category", 32, false).isEmpty() ? "report"
        : text(body, "category", 32, false))
        .orElseThrow(() -> new ApiError(400, "category must be spam-source, spam-trap, manual or report"));
    String note = text(body, "note", TEXT_MAX, true);
    String headers = text(body, "headers", HEADERS_MAX, false);
    Evidence evidence = new Evidence(blocklist.clock().instant(), "api:" + ctx.attribute(WebServer.TOKEN_NAME),
        Addresses.toText(network.address()), text(body, "helo", TEXT_MAX, false), text(body, "sender", TEXT_MAX, false),
        text(body, "recipients", TEXT_MAX, false), headers.isEmpty() ? "" : HeaderExcerpt.ofText(headers), note);
    Listing listing = blocklist.report(network, category, evidence);
    send(ctx, 201, listing.toMap(false));
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
    send(ctx, 200, out);
  }

  /** {@code GET /api/blocklist/listings?state=listed&limit=100}. */
  void list(Context ctx) {
    String state = Optional.ofNullable(ctx.queryParam("state")).orElse("listed");
    Optional<ListingState> filter;
    try {
      filter = state.equals("all") ? Optional.empty() : Optional.of(ListingState.fromLabel(state));
    } catch (IllegalArgumentException e) {
      throw new ApiError(400, "state must be listed, delisted, expired, permanent or all");
    }
    int limit = number(ctx.queryParam("limit"), 100, 1, 10_000, "limit");
    int offset = number(ctx.queryParam("offset"), 0, 0, 100_000_000, "offset");
    send(ctx, 200, blocklist.store().list(filter, limit, offset).stream().map(l -> l.toMap(false)).toList());
  }

  /** {@code POST /api/blocklist/delist}: the operator delists. */
  void delist(Context ctx) {
    JsonNode body = body(ctx);
    Cidr network = network(text(body, "network", 64, true));
    Listing listing = blocklist.operatorDelist(network, "api:" + ctx.attribute(WebServer.TOKEN_NAME),
        text(body, "note", TEXT_MAX, false)).orElseThrow(() -> new ApiError(404, network + " has no listing"));
    send(ctx, 200, listing.toMap(false));
  }

  /** {@code POST /api/blocklist/false-positives}: a false-positive report for review. */
  void falsePositive(Context ctx) {
    JsonNode body = body(ctx);
    InetAddress address = Addresses.parseLiteral(text(body, "address", 64, true))
        .orElseThrow(() -> new ApiError(400, "address must be an IP address"));
    String contact = text(body, "contact", 254, true);
    try {
      EmailAddress.parse(contact);
    } catch (IllegalArgumentException e) {
      throw new ApiError(400, "contact must be an email address");
    }
    long id = blocklist.reportFalsePositive(Addresses.toText(address), contact, text(body, "message", TEXT_MAX, true));
    send(ctx, 201, Map.of("id", id, "status", "open"));
  }

  static void send(Context ctx, int status, Object value) {
    ctx.status(status).contentType("application/json").result(JSON.writeValueAsString(value));
  }

  private static JsonNode body(Context ctx) {
    String text = ctx.body();
    try {
      JsonNode node = JSON.readTree(text);
      if (node == null || !node.isObject()) {
        throw new ApiError(400, "the body must be a JSON object");
      }
      return node;
    } catch (JacksonException e) {
      throw new ApiError(400, "the body is not valid JSON");
    }
  }

  private static String text(JsonNode body, String field, int max, boolean required) {
    JsonNode value = body.get(field);
    if (value == null || value.isNull()) {
      if (required) {
        throw new ApiError(400, field + " is required");
      }
      return "";
    }
    if (!value.isString()) {
      throw new ApiError(400, field + " must be a string");
    }
    String s = value.stringValue();
    if (s.length() > max) {
      throw new ApiError(400, field + " is longer than " + max + " characters");
    }
    if (required && s.isBlank()) {
      throw new ApiError(400, field + " must not be empty");
    }
    return s.replaceAll("[\\x00-\\x08\\x0B\\x0C\\x0E-\\x1F\\x7F]", "?");
  }

  private static Cidr network(String text) {
    try {
      return Cidr.parse(text);
    } catch (IllegalArgumentException e) {
      throw new ApiError(400, "network must be an IP address or CIDR network");
    }
  }

  private static int number(String text, int fallback, int min, int max, String name) {
    if (text == null) {
      return fallback;
    }
    try {
      int n = Integer.parseInt(text);
      if (n < min || n > max) {
        throw new ApiError(400, name + " must be " + min + ".." + max);
      }
      return n;
    } catch (NumberFormatException e) {
      throw new ApiError(400, name + " must be a number");
    }
  }
}
