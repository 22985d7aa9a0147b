package org.portcullis.web;

import io.javalin.http.Context;
import java.util.Optional;
import org.portcullis.mail.Cidr;

/** What the admin pages read from forms and paths, each field bounded; garbage is a 400 page, never an exception. */
final class AdminForms {

  private AdminForms() {}

  /** A form field, stripped; empty when absent or blank. @throws PortalPages.PageError 400 when longer than {@code max} */
  static Optional<String> form(Context ctx, String name, int max) {
    String value = ctx.formParam(name);
    if (value == null || value.isBlank()) {
      return Optional.empty();
    }
    if (value.length() > max) {
      throw new PortalPages.PageError(400, "Too long", "The field \"" + name + "\" is longer than " + max
          + " characters.");
    }
    return Optional.of(value.strip());
  }
  /** The {@code {id}} in the path. @throws PortalPages.PageError 400 when it is not a number */
  static long id(Context ctx) {
    try {
      return Long.parseLong(ctx.pathParam("id"));
    } catch (NumberFormatException e) {
      throw new PortalPages.PageError(400, "Bad request", "Not a request number.");
    }
  }
  /** The optional {@code message} to a requester, at most 1000 characters. */
  static String message(Context ctx) {
    String message = Optional.ofNullable(ctx.formParam("message")).orElse("");
    if (message.length() > 1000) {
      throw new PortalPages.PageError(400, "Too long", "The message has at most 1000 characters.");
    }
    return message;
  }
  /** An address or CIDR network typed into a form; empty when it is neither. */
  static Optional<Cidr> network(String text) {
    try {
      return text.isBlank() ? Optional.empty() : Optional.of(Cidr.parse(text.strip()));
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }
  /** A query parameter for showing back in a form: never null, cut at 320 characters. */
  static String query(Context ctx, String name) {
    String v = ctx.queryParam(name);
    return v == null ? "" : v.length() > 320 ? v.substring(0, 320) : v;
  }}
