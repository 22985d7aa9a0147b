package org.portcullis.blocklist;

import java.time.Instant;
import java.util.Objects;

/**
 * One piece of evidence behind a listing: when, from where, and what was seen. Never a message
 * body: at most a header excerpt (Received, From, Subject, Message-ID).
 *
 * @param at when it was seen
 * @param source where it came from: {@code spam-trap}, {@code cli}, {@code api}, {@code auto:<check>}
 * @param clientAddress the offending client address as text
 * @param helo the HELO name given, or empty
 * @param sender the envelope sender, or empty
 * @param recipients the envelope recipients, comma separated, or empty
 * @param headers the header excerpt, or empty
 * @param note free text from the reporter, or empty
 */
public record Evidence(Instant at, String source, String clientAddress, String helo, String sender,
    String recipients, String headers, String note) {

  /** Limits that keep one evidence row small whatever a reporter sends. */
  public static final int FIELD_MAX = 1000;
  public static final int HEADERS_MAX = 4000;

  public Evidence {
    Objects.requireNonNull(at, "at");
    source = clip(source, 64);
    clientAddress = clip(clientAddress, 64);
    helo = clip(helo, FIELD_MAX);
    sender = clip(sender, FIELD_MAX);
    recipients = clip(recipients, FIELD_MAX);
    headers = clip(headers, HEADERS_MAX);
    note = clip(note, FIELD_MAX);
  }

  /** Evidence with only a note (operator reports). */
  public static Evidence note(Instant at, String source, String clientAddress, String note) {
    return new Evidence(at, source, clientAddress, "", "", "", "", note);
  }

  private static String clip(String text, int max) {
    String value = text == null ? "" : text;
    return value.length() <= max ? value : value.substring(0, max);
  }
}
