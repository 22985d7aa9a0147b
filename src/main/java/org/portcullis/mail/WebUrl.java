package org.portcullis.mail;

import java.util.regex.Pattern;

/**
 * An http(s) address as the configuration and explanations take it: printable ASCII without
 * spaces, quotes, angle brackets or backslashes, so it can stand in a reply line, a TXT record and
 * an HTML attribute as it is.
 */
public final class WebUrl {

  /** One such address, found or matched whole. */
  public static final Pattern PATTERN = Pattern.compile("https?://[!-~&&[^\"<>\\\\]]+");

  private WebUrl() {}

  /** Whether {@code text} is one such address of at most {@code max} characters. */
  public static boolean isValid(String text, int max) {
    return text.length() <= max && PATTERN.matcher(text).matches();
  }
}
