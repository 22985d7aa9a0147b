package org.portcullis.testing;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Finds the reference in a reply: {@code "...; see http://host/ref/<ref>"} or {@code "...; ref=<ref>"}. */
public final class Refs {

  /** A reference where replies carry it. */
  public static final Pattern IN_REPLY = Pattern.compile("(?:ref=|/ref/)([0-9A-Z]{16})");

  private Refs() {}

  /** The reference in {@code reply}; fails the test if there is none. */
  public static String of(String reply) {
    Matcher m = IN_REPLY.matcher(reply);
    if (!m.find()) {
      throw new AssertionError("no reference in: " + reply);
    }
    return m.group(1);
  }
}
