package org.portcullis.web;

import io.javalin.http.Context;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reading JSON requests and writing JSON answers for the API: every field is checked for type
 * and length, and a bad one is an {@link ApiError} (400) naming it.
 */
final class ApiRequests {

  /** Duplicate keys are refused: "last one wins" lets a proxy and this server read different requests. */
  static final JsonMapper JSON = JsonMapper.builder()
      .enable(tools.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

  private ApiRequests() {}

  static void send(Context ctx, int status, Object value) {
    ctx.status(status).contentType("application/json").result(JSON.writeValueAsString(value));
  }

  static JsonNode body(Context ctx) {
    String text = ctx.body();
    try {
      JsonNode node = JSON.readTree(text);
      if (node == null || !node.isObject()) {
        throw new ApiError(400, "the body must be a JSON object");
      }
      return node;
    } catch (tools.jackson.core.exc.StreamReadException e) {
      String message = e.getOriginalMessage();
      throw new ApiError(400, message != null && message.startsWith("Duplicate")
          ? "the body has a key twice: " + org.portcullis.mail.LogText.escape(message, 120) : "the body is not valid JSON");
    } catch (JacksonException e) {
      throw new ApiError(400, "the body is not valid JSON");
    }
  }

  static String text(JsonNode body, String field, int max, boolean required) {
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

  static int number(String text, int fallback, int min, int max, String name) {
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

  /** An optional array of strings; absent or null is empty. */
  static java.util.List<String> strings(JsonNode body, String field, int maxItems, int maxLength) {
    JsonNode value = body.get(field);
    if (value == null || value.isNull()) {
      return java.util.List.of();
    }
    if (!value.isArray()) {
      throw new ApiError(400, field + " must be an array of strings");
    }
    if (value.size() > maxItems) {
      throw new ApiError(400, field + " has more than " + maxItems + " items");
    }
    java.util.List<String> out = new java.util.ArrayList<>(value.size());
    for (JsonNode item : value) {
      if (!item.isString()) {
        throw new ApiError(400, field + " must be an array of strings");
      }
      if (item.stringValue().length() > maxLength) {
        throw new ApiError(400, field + " has an item longer than " + maxLength + " characters");
      }
      out.add(item.stringValue());
    }
    return out;
  }

  /** An optional string field, empty when absent or blank. */
  static java.util.Optional<String> optional(JsonNode body, String field, int max) {
    String value = text(body, field, max, false);
    return value.isBlank() ? java.util.Optional.empty() : java.util.Optional.of(value);
  }

  /** A numeric path parameter. */
  static long id(Context ctx, String name) {
    try {
      long id = Long.parseLong(ctx.pathParam(name));
      if (id < 1) {
        throw new NumberFormatException();
      }
      return id;
    } catch (NumberFormatException e) {
      throw new ApiError(400, name + " must be a positive number");
    }
  }
}
