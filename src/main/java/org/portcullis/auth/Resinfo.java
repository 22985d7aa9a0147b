package org.portcullis.auth;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * One result of an Authentication-Results field (RFC 8601 2.2): {@code method=result}, an optional
 * comment, then {@code ptype.property=value} pairs. Values that are not a token, an address or a
 * domain are written as quoted strings; comments lose the characters that would end them.
 */
public final class Resinfo {

  private static final Pattern NOT_IN_COMMENT = Pattern.compile("[^\\x21-\\x7e]|[()\\\\]");
  private static final Pattern SPACES = Pattern.compile(" +");
  private static final Pattern PLAIN_VALUE =
      Pattern.compile("[A-Za-z0-9!#$%&'*+\\-./^_`{|}~]+(@[A-Za-z0-9.\\-]+)?|@[A-Za-z0-9.\\-]+");

  /** Comments are cut here: the field is for machines; the explanation page has the whole story. */
  static final int COMMENT_MAX = 200;
  /** Property values are cut here (an address is at most 254 octets). */
  static final int VALUE_MAX = 254;

  private final String method;
  private final String result;
  private String comment = "";
  private final List<String> properties = new ArrayList<>(3);

  private Resinfo(String method, String result) {
    this.method = method;
    this.result = result;
  }

  /** {@code method=result}, e.g. {@code ("spf", "pass")}. */
  public static Resinfo of(String method, String result) {
    return new Resinfo(method, result);
  }

  /** A comment after the result, e.g. the reason; empty comments are left out. */
  public Resinfo comment(String text) {
    String plain = SPACES.matcher(NOT_IN_COMMENT.matcher(text).replaceAll(" ")).replaceAll(" ").strip();
    this.comment = plain.length() > COMMENT_MAX ? plain.substring(0, COMMENT_MAX) + "..." : plain;
    return this;
  }

  /** {@code name=value}, e.g. {@code ("smtp.mailfrom", "alice@example.com")}; empty values are left out. */
  public Resinfo property(String name, String value) {
    if (!value.isEmpty()) {
      properties.add(name + "=" + pvalue(value));
    }
    return this;
  }

  @Override
  public String toString() {
    StringBuilder out = new StringBuilder(64).append(method).append('=').append(result);
    if (!comment.isEmpty()) {
      out.append(" (").append(comment).append(')');
    }
    for (String p : properties) {
      out.append(' ').append(p);
    }
    return out.toString();
  }

  /** RFC 8601 pvalue: a token, {@code [local-part] "@" domain}, or else a quoted string. */
  static String pvalue(String value) {
    if (value.length() <= VALUE_MAX && PLAIN_VALUE.matcher(value).matches()) {
      return value;
    }
    StringBuilder quoted = new StringBuilder(value.length() + 2).append('"');
    for (char c : value.substring(0, Math.min(value.length(), VALUE_MAX)).toCharArray()) {
      if (c == '"' || c == '\\') {
        quoted.append('\\');
      }
      quoted.append(c < 32 || c >= 127 ? '?' : c);
    }
    return quoted.append('"').toString();
  }
}
