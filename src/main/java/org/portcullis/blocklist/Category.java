package org.portcullis.blocklist;

import java.util.Locale;
import java.util.Optional;

/**
 * Why a source is listed. Each category answers with its own A record in the DNSBL zone, so a
 * consumer can weigh them differently (documented in docs/operations.md):
 *
 * <table>
 *   <caption>A records per category</caption>
 *   <tr><th>category</th><th>A</th></tr>
 *   <tr><td>spam-source</td><td>127.0.0.2 (also the RFC 5782 test point)</td></tr>
 *   <tr><td>spam-trap</td><td>127.0.0.3</td></tr>
 *   <tr><td>manual</td><td>127.0.0.4</td></tr>
 *   <tr><td>report</td><td>127.0.0.5</td></tr>
 * </table>
 */
public enum Category {
  SPAM_SOURCE(2, "spam source"),
  SPAM_TRAP(3, "spam-trap hit"),
  MANUAL(4, "listed by the operator"),
  REPORT(5, "reported");

  private final int code;
  private final String description;

  Category(int code, String description) {
    this.code = code;
    this.description = description;
  }

  /** The last octet of the A record (127.0.0.x) this category answers with. */
  public int code() {
    return code;
  }

  public String description() {
    return description;
  }

  /** {@code spam-trap}: the name used in configuration, the CLI and the store. */
  public String label() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  public static Optional<Category> fromLabel(String label) {
    for (Category c : values()) {
      if (c.label().equalsIgnoreCase(label)) {
        return Optional.of(c);
      }
    }
    return Optional.empty();
  }

  public static Optional<Category> fromCode(int code) {
    for (Category c : values()) {
      if (c.code == code) {
        return Optional.of(c);
      }
    }
    return Optional.empty();
  }
}
