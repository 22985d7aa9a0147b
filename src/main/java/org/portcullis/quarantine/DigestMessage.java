package org.portcullis.quarantine;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.List;

/**
 * The digest a mailbox gets: its newly quarantined messages (when, from whom, the subject, why),
 * each with a link to release it and one to delete it, and a link to its whole quarantine; plain
 * text, with an HTML alternative unless the mailbox asked for text only. Everything a stranger
 * wrote (sender, subject, reason) is escaped in the HTML and made printable in both.
 */
public final class DigestMessage {

  /**
   * One message in the digest, with its links.
   *
   * @param release the link that releases it to this mailbox
   * @param releaseAllow the link that releases it and whitelists its sender for this mailbox
   * @param delete the link that deletes this mailbox's copy
   * @param deny the link that deletes it and refuses its sender's mail to this mailbox from now on
   */
  public record Item(QuarantineEntry entry, String release, String releaseAllow, String delete, String deny) {}

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'")
      .withZone(ZoneOffset.UTC);

  private DigestMessage() {}

  /**
   * The whole message, CRLF line ends.
   *
   * @param from our address the digest comes from
   * @param login the link to the mailbox's quarantine
   * @param validDays how long the links work
   */
  public static byte[] build(String from, String mailbox, List<Item> items, String login, boolean html,
      Instant now, String hostname, int validDays) {
    String boundary = "=_digest_" + HexFormat.of().formatHex(random(12));
    StringBuilder out = new StringBuilder(4096);
    out.append("From: Quarantine <").append(from).append(">\r\n");
    out.append("To: <").append(mailbox).append(">\r\n");
    out.append("Subject: Quarantine: ").append(items.size()).append(items.size() == 1 ? " message" : " messages")
        .append(" held for you\r\n");
    out.append("Date: ").append(DateTimeFormatter.RFC_1123_DATE_TIME.format(now.atZone(ZoneOffset.UTC))).append("\r\n");
    out.append("Message-ID: <digest.").append(HexFormat.of().formatHex(random(12))).append('@').append(hostname)
        .append(">\r\n");
    out.append("Auto-Submitted: auto-generated\r\n");
    out.append("MIME-Version: 1.0\r\n");
    String text = text(items, login, validDays);
    if (!html) {
      out.append("Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n").append(text);
      return out.toString().getBytes(StandardCharsets.UTF_8);
    }
    out.append("Content-Type: multipart/alternative; boundary=\"").append(boundary).append("\"\r\n\r\n");
    out.append("--").append(boundary).append("\r\nContent-Type: text/plain; charset=utf-8\r\n")
        .append("Content-Transfer-Encoding: 8bit\r\n\r\n").append(text).append("\r\n");
    out.append("--").append(boundary).append("\r\nContent-Type: text/html; charset=utf-8\r\n")
        .append("Content-Transfer-Encoding: 8bit\r\n\r\n").append(html(items, login, validDays)).append("\r\n");
    out.append("--").append(boundary).append("--\r\n");
    return out.toString().getBytes(StandardCharsets.UTF_8);
  }

  private static String text(List<Item> items, String login, int validDays) {
    StringBuilder t = new StringBuilder();
    t.append("These messages for you were held in quarantine. Nothing was delivered; release what you\r\n")
        .append("want to read. The links work for ").append(validDays).append(" days.\r\n\r\n");
    for (Item i : items) {
      QuarantineEntry e = i.entry();
      t.append(WHEN.format(e.receivedAt())).append("  from ").append(shown(e.sender(), 100)).append("\r\n")
          .append("  Subject: ").append(shown(e.subject(), 120)).append("\r\n")
          .append("  Held because: ").append(shown(e.reason(), 160)).append("\r\n")
          .append("  Release: ").append(i.release()).append("\r\n")
          .append("  Release and always accept this sender: ").append(i.releaseAllow()).append("\r\n")
          .append("  Delete:  ").append(i.delete()).append("\r\n")
          .append("  Delete and refuse this sender from now on: ").append(i.deny()).append("\r\n\r\n");
    }
    t.append("All your quarantined messages: ").append(login).append("\r\n");
    return t.toString();
  }

  private static String html(List<Item> items, String login, int validDays) {
    StringBuilder h = new StringBuilder();
    h.append("<!DOCTYPE html><html><body><p>These messages for you were held in quarantine. Nothing was ")
        .append("delivered; release what you want to read. The links work for ").append(validDays)
        .append(" days.</p>\r\n<table border=\"1\" cellpadding=\"4\">\r\n")
        .append("<tr><th>Received</th><th>From</th><th>Subject</th><th>Held because</th><th></th></tr>\r\n");
    for (Item i : items) {
      QuarantineEntry e = i.entry();
      h.append("<tr><td>").append(WHEN.format(e.receivedAt())).append("</td><td>").append(escape(shown(e.sender(), 100)))
          .append("</td><td>").append(escape(shown(e.subject(), 120))).append("</td><td>")
          .append(escape(shown(e.reason(), 160))).append("</td><td><a href=\"").append(escape(i.release()))
          .append("\">Release</a> <a href=\"").append(escape(i.releaseAllow()))
          .append("\">Release, always accept the sender</a> <a href=\"").append(escape(i.delete()))
          .append("\">Delete</a> <a href=\"").append(escape(i.deny())).append("\">Delete, refuse the sender</a>")
          .append("</td></tr>\r\n");
    }
    h.append("</table>\r\n<p><a href=\"").append(escape(login)).append("\">All your quarantined messages</a></p>")
        .append("</body></html>\r\n");
    return h.toString();
  }

  /** Printable, one line, bounded: what a stranger wrote, as it may appear in a line of ours. */
  static String shown(String value, int max) {
    String v = value == null || value.isEmpty() ? "(none)" : value;
    StringBuilder out = new StringBuilder();
    v.codePoints().limit(max).forEach(c -> out.appendCodePoint(Character.isISOControl(c) ? '?' : c));
    return out.toString();
  }

  static String escape(String s) {
    StringBuilder out = new StringBuilder(s.length() + 16);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '&' -> out.append("&amp;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&#39;");
        default -> out.append(c);
      }
    }
    return out.toString();
  }

  private static byte[] random(int n) {
    byte[] b = new byte[n];
    RANDOM.nextBytes(b);
    return b;
  }
}
