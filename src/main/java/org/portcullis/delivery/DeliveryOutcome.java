package org.portcullis.delivery;

import java.util.Optional;
import org.portcullis.mail.EnhancedStatus;
import org.portcullis.mail.SmtpReply;

/**
 * What happened to one recipient in one delivery attempt, with what a delivery status
 * notification (RFC 3464) reports of it: the status code and, when a remote server answered, its
 * name and full reply.
 */
public sealed interface DeliveryOutcome {

  /** A short description for the log line: where it went, or the remote reply. */
  String detail();

  /** The RFC 3463 status of this outcome. */
  EnhancedStatus status();

  /** The remote server's name and reply, when one answered. */
  Optional<Remote> remote();

  /**
   * A remote server's answer.
   *
   * @param mta its host name (the MX name, or the address literal when it had none)
   * @param reply its reply, every line
   * @param inReplyTo the command it answered ({@code RCPT TO:<...>}, {@code end of DATA}, ...)
   */
  record Remote(String mta, SmtpReply reply, String inReplyTo) {
    /** The reply as a DSN's Diagnostic-Code gives it: every line with its code. */
    public java.util.List<String> diagnostic() {
      String status = reply.status().map(s -> " " + s).orElse("");
      return reply.lines().stream().map(l -> reply.code() + status + " " + l).toList();
    }
  }

  /**
   * Delivered, or accepted by the next hop.
   *
   * @param notifyPassedOn whether the next hop took the DSN request (it supports DSN), so a
   *     success notification is its job, not ours
   */
  record Delivered(String detail, EnhancedStatus status, Optional<Remote> remote, boolean notifyPassedOn)
      implements DeliveryOutcome {
    public Delivered(String detail) {
      this(detail, EnhancedStatus.OK, Optional.empty(), false);
    }
  }

  /**
   * A temporary problem: try again later.
   *
   * @param retryAt when trying again can help (the end of a suspension); empty: the retry schedule decides
   */
  record Deferred(String detail, EnhancedStatus status, Optional<Remote> remote, Optional<java.time.Instant> retryAt)
      implements DeliveryOutcome {
    public Deferred(String detail, EnhancedStatus status, Optional<Remote> remote) {
      this(detail, status, remote, Optional.empty());
    }

    public Deferred(String detail) {
      this(detail, new EnhancedStatus(4, 0, 0), Optional.empty());
    }
  }

  /** A permanent failure: do not try again. */
  record Failed(String detail, EnhancedStatus status, Optional<Remote> remote) implements DeliveryOutcome {
    public Failed(String detail) {
      this(detail, new EnhancedStatus(5, 0, 0), Optional.empty());
    }
  }

  /** The same outcome for every one of {@code recipients}. */
  static java.util.Map<Integer, DeliveryOutcome> toAll(java.util.List<Integer> recipients, DeliveryOutcome outcome) {
    java.util.Map<Integer, DeliveryOutcome> out = new java.util.LinkedHashMap<>();
    recipients.forEach(i -> out.put(i, outcome));
    return out;
  }

  /** The outcome a remote reply means: 2xx delivered, 4xx deferred, 5xx failed. */
  static DeliveryOutcome of(Remote remote, boolean notifyPassedOn) {
    SmtpReply reply = remote.reply();
    String detail = remote.mta() + " said: " + reply + " (in reply to " + remote.inReplyTo() + ")";
    int kind = reply.code() / 100;
    EnhancedStatus status = reply.status().orElse(new EnhancedStatus(kind == 2 ? 2 : kind == 4 ? 4 : 5, 0, 0));
    return switch (kind) {
      case 2 -> new Delivered(detail, status, Optional.of(remote), notifyPassedOn);
      case 5 -> new Failed(detail, status, Optional.of(remote));
      default -> new Deferred(detail, status.statusClass() == 4 ? status : new EnhancedStatus(4, 0, 0),
          Optional.of(remote));
    };
  }
}
