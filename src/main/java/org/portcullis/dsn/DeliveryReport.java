package org.portcullis.dsn;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import org.portcullis.mail.EnhancedStatus;
import org.portcullis.mail.Envelope;
import org.portcullis.mail.MailParameters;
import org.portcullis.mail.Recipient;

/**
 * A delivery status notification (RFC 3464) in a multipart/report (RFC 6522): a plain-text
 * explanation, the message/delivery-status part with a per-message section (Reporting-MTA,
 * Original-Envelope-Id, Arrival-Date) and one section per recipient (Final-Recipient,
 * Original-Recipient, Action, Status, Remote-MTA, Diagnostic-Code with the remote's whole reply,
 * Last-Attempt-Date, Will-Retry-Until), and the returned message (whole, or its headers for RET=HDRS
 * or a large message without RET). Built only for the recipients whose NOTIFY asks for it (RFC
 * 3461 4.1), and never for a message from the null sender.
 */
public final class DeliveryReport {

  /** Messages up to this size are returned whole when the sender did not say RET (Postfix: bounce_size_limit). */
  public static final int RETURN_WHOLE_MAX = 50_000;

  private static final DateTimeFormatter DATE = DateTimeFormatter.RFC_1123_DATE_TIME;

  /** The DSN Action field (RFC 3464 2.3.3). */
  public enum Action {
    FAILED, DELAYED, DELIVERED, RELAYED;

    String label() {
      return name().toLowerCase(Locale.ROOT);
    }

    /** Whether a recipient with these NOTIFY values wants this report (RFC 3461 4.1; absent: failures and delays). */
    boolean wanted(Recipient recipient) {
      var notify = recipient.notifyOn();
      return switch (this) {
        case FAILED -> notify.isEmpty() || notify.contains(Recipient.Notify.FAILURE);
        case DELAYED -> notify.isEmpty() || notify.contains(Recipient.Notify.DELAY);
        case DELIVERED, RELAYED -> notify.contains(Recipient.Notify.SUCCESS);
      };
    }
  }

  /**
   * What happened to one recipient.
   *
   * @param recipient the recipient as accepted (address, NOTIFY, ORCPT)
   * @param action what the report says happened
   * @param status the RFC 3463 status
   * @param remoteMta the host name of the server that answered, if one did
   * @param diagnostic that server's reply, every line, if one did
   * @param text one line for people: what happened, in words
   */
  public record Entry(Recipient recipient, Action action, EnhancedStatus status, Optional<String> remoteMta,
      List<String> diagnostic, String text) {}

  /**
   * The message that reports on one queued message.
   *
   * @param reportingMta our host name
   * @param queueId the reported message's queue id
   * @param envelope the reported message's envelope
   * @param arrival when we received it
   * @param original the reported message as stored
   * @param entries what happened to each recipient reported on (those whose NOTIFY does not ask
   *     are left out)
   * @param now the report's date
   * @param retryUntil for delays: when we give up
   * @return the report (CRLF lines), or empty if nobody is to be told
   */
  public static Optional<byte[]> build(String reportingMta, String queueId, Envelope envelope, Instant arrival,
      byte[] original, List<Entry> entries, Instant now, Optional<Instant> retryUntil) {
    if (envelope.sender().isNull()) {
      return Optional.empty(); // never a report about a report (RFC 3464 2, RFC 5321 6.1)
    }
    List<Entry> wanted = entries.stream().filter(e -> e.action().wanted(e.recipient())).toList();
    if (wanted.isEmpty()) {
      return Optional.empty();
    }
    Action kind = wanted.stream().anyMatch(e -> e.action() == Action.FAILED) ? Action.FAILED
        : wanted.getFirst().action();
    String boundary = queueId + "." + Long.toUnsignedString(ThreadLocalRandom.current().nextLong(), 36) + "/"
        + reportingMta;
    Text out = new Text();
    out.line("From: Mail Delivery System <MAILER-DAEMON@" + reportingMta + ">");
    out.line("To: " + envelope.sender());
    out.line("Subject: " + switch (kind) {
      case FAILED -> "Undelivered Mail Returned to Sender";
      case DELAYED -> "Delayed Mail (still being retried)";
      case DELIVERED, RELAYED -> "Successful Mail Delivery Report";
    });
    out.line("Date: " + date(now));
    out.line("Message-ID: <" + queueId + ".dsn." + Long.toUnsignedString(ThreadLocalRandom.current().nextLong(), 36)
        + "@" + reportingMta + ">");
    out.line("Auto-Submitted: auto-replied");
    out.line("MIME-Version: 1.0");
    out.line("Content-Type: multipart/report; report-type=delivery-status;");
    out.line("\tboundary=\"" + boundary + "\"");
    out.line("");
    out.line("This is a MIME-encapsulated message.");
    out.line("");
    out.line("--" + boundary);
    out.line("Content-Description: Notification");
    out.line("Content-Type: text/plain; charset=utf-8");
    out.line("Content-Transfer-Encoding: 8bit");
    out.line("");
    explain(out, reportingMta, kind, wanted, retryUntil);
    out.line("");
    out.line("--" + boundary);
    out.line("Content-Description: Delivery report");
    out.line("Content-Type: message/delivery-status");
    out.line("");
    out.line("Reporting-MTA: dns; " + reportingMta);
    out.line("X-Portcullis-Queue-ID: " + queueId);
    envelope.parameters().envelopeId().ifPresent(id -> out.line("Original-Envelope-Id: " + printable(id)));
    out.line("Arrival-Date: " + date(arrival));
    for (Entry e : wanted) {
      out.line("");
      out.line("Final-Recipient: rfc822; " + e.recipient().address());
      e.recipient().originalRecipient().ifPresent(o -> out.line("Original-Recipient: " + originalRecipient(o)));
      out.line("Action: " + e.action().label());
      out.line("Status: " + e.status());
      e.remoteMta().ifPresent(mta -> out.line("Remote-MTA: dns; " + mta));
      if (!e.diagnostic().isEmpty()) {
        out.line("Diagnostic-Code: smtp; " + printable(e.diagnostic().getFirst()));
        e.diagnostic().stream().skip(1).forEach(l -> out.line("\t" + printable(l)));
      }
      out.line("Last-Attempt-Date: " + date(now));
      if (e.action() == Action.DELAYED) {
        retryUntil.ifPresent(until -> out.line("Will-Retry-Until: " + date(until)));
      }
    }
    out.line("");
    out.line("--" + boundary);
    boolean whole = envelope.parameters().ret().map(r -> r == MailParameters.Ret.FULL)
        .orElse(original.length <= RETURN_WHOLE_MAX);
    out.line("Content-Description: " + (whole ? "Undelivered Message" : "Undelivered Message Headers"));
    out.line("Content-Type: " + (whole ? "message/rfc822" : "text/rfc822-headers"));
    if (envelope.parameters().body() == MailParameters.Body.EIGHT_BIT_MIME || envelope.parameters().smtputf8()) {
      out.line("Content-Transfer-Encoding: 8bit");
    }
    out.line("");
    out.raw(whole ? original : headers(original));
    out.ensureLineEnd();
    out.line("");
    out.line("--" + boundary + "--");
    return Optional.of(out.bytes());
  }

  private static void explain(Text out, String reportingMta, Action kind, List<Entry> entries,
      Optional<Instant> retryUntil) {
    out.line("This is the mail system at host " + reportingMta + ".");
    out.line("");
    switch (kind) {
      case FAILED -> {
        out.line("Your message could not be delivered to one or more recipients. It is");
        out.line("attached below. The receiving servers' own words follow each address;");
        out.line("a mistyped address, a closed mailbox or a policy of the recipient's");
        out.line("domain are the usual causes.");
      }
      case DELAYED -> {
        out.line("Your message has not been delivered yet to the recipients below. The");
        out.line("mail system keeps trying" + retryUntil.map(u -> " until " + date(u)).orElse("")
            + "; you do not need to");
        out.line("send it again. You will hear once more only if it finally fails.");
      }
      case DELIVERED, RELAYED -> {
        out.line("Your message was delivered to the recipients below, as you asked to be");
        out.line("told.");
      }
    }
    out.line("");
    for (Entry e : entries) {
      out.line("<" + e.recipient().address() + ">: " + e.text());
    }
  }

  /** ORCPT as stored ({@code rfc822;user@example.com}) in the field's form. */
  private static String originalRecipient(String orcpt) {
    int semi = orcpt.indexOf(';');
    return semi < 0 ? "rfc822; " + printable(orcpt)
        : printable(orcpt.substring(0, semi).strip()) + "; " + printable(orcpt.substring(semi + 1).strip());
  }

  /** The header section of a stored message (up to the empty line). */
  static byte[] headers(byte[] message) {
    for (int i = 0; i + 3 < message.length; i++) {
      if (message[i] == '\r' && message[i + 1] == '\n' && message[i + 2] == '\r' && message[i + 3] == '\n') {
        return java.util.Arrays.copyOf(message, i + 2);
      }
    }
    return message;
  }

  /** Control characters out, so a hostile reply or ENVID cannot add fields or parts. */
  private static String printable(String text) {
    return text.replaceAll("[\\x00-\\x1f\\x7f]", " ");
  }

  private static String date(Instant instant) {
    return DATE.format(ZonedDateTime.ofInstant(instant, ZoneOffset.UTC));
  }

  /** CRLF text with raw bytes in between. */
  private static final class Text {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream(4096);
    private boolean atLineStart = true;

    void line(String text) {
      raw(text.getBytes(StandardCharsets.UTF_8));
      raw(new byte[] {'\r', '\n'});
    }

    void raw(byte[] bytes) {
      out.writeBytes(bytes);
      if (bytes.length > 0) {
        atLineStart = bytes[bytes.length - 1] == '\n';
      }
    }

    void ensureLineEnd() {
      if (!atLineStart) {
        raw(new byte[] {'\r', '\n'});
      }
    }

    byte[] bytes() {
      return out.toByteArray();
    }
  }
}
