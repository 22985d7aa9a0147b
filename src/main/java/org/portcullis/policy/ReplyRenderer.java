package org.portcullis.policy;

import java.time.Clock;
import java.util.List;
import java.util.Optional;
import org.portcullis.mail.EnhancedStatus;
import org.portcullis.mail.LogText;
import org.portcullis.mail.Recipient;
import org.portcullis.mail.References;
import org.portcullis.mail.SmtpReply;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place where findings become wire replies and log lines (Postfix's
 * {@code smtpd_check_reject}). It gives each finding a reference, forces the enhanced status to
 * agree with the reply code, keeps the reply text printable and short, writes one key=value log
 * line, and records the explanation for {@code portcullis why}.
 *
 * <p>Thread-safe.
 */
public final class ReplyRenderer {

  private static final Logger log = LoggerFactory.getLogger("portcullis.policy");
  /** RFC 5321 4.5.3.1.5: a reply line is at most 512 octets, CRLF included. */
  private static final int REPLY_LINE_MAX = 512;

  private final String serverName;
  private final References references;
  private final RefusalLog refusalLog;
  private final Clock clock;
  private final String publicUrl;

  /**
   * @param publicUrl where the portal is for strangers ({@code web.public-url}, no trailing slash):
   *     replies end {@code "; see <publicUrl>/ref/<ref>"}; empty: {@code "; ref=<ref>"}
   */
  public ReplyRenderer(String serverName, References references, RefusalLog refusalLog, Clock clock,
      String publicUrl) {
    this.serverName = serverName;
    this.references = references;
    this.refusalLog = refusalLog;
    this.clock = clock;
    this.publicUrl = publicUrl;
  }

  /**
   * How a reply points to its explanation: {@code "; see https://mx.example.org/ref/<ref>"}, or
   * {@code "; ref=<ref>"} when no public address is configured.
   */
  public String pointer(String reference) {
    return publicUrl.isEmpty() ? "; ref=" + reference : "; see " + publicUrl + "/ref/" + reference;
  }

  /** The explanation page's address for a reference, when a public address is configured. */
  public Optional<String> explanationUrl(String reference) {
    return publicUrl.isEmpty() ? Optional.empty() : Optional.of(publicUrl + "/ref/" + reference);
  }

  /** The reply text: the reason cut so that the whole line, with code, status and pointer, fits 512 octets. */
  private String replyText(int code, EnhancedStatus status, String reason, String reference) {
    String pointer = pointer(reference);
    int room = REPLY_LINE_MAX - 2 - String.valueOf(code).length() - 1 - status.toString().length() - 1
        - pointer.length();
    return LogText.forReply(reason, Math.max(0, room)) + pointer;
  }

  /**
   * The basic reply code of a refusal (RFC 5321 4.2.2), settled here and nowhere else: a permanent
   * refusal has its kind's code, or 554 when it is answered instead of the greeting (RFC 5321 3.1);
   * a temporary one is 451 when our side could not decide and 450 otherwise (Postfix's
   * {@code defer_code}), whatever code its permanent form would have had; a closing one is 421.
   */
  public static int basicCode(Verdict.Refusal refusal, boolean replacesGreeting) {
    RefusalKind kind = refusal.kind();
    if (kind == RefusalKind.CLOSING) {
      return 421;
    }
    if (refusal instanceof Verdict.Tempfail) {
      return kind == RefusalKind.LOCAL_ERROR ? 451 : 450;
    }
    return replacesGreeting ? 554 : kind.permanentCode();
  }

  /** Renders, logs and records an enforced refusal answered at its own command. */
  public RecordedRefusal refuse(Finding finding, SessionView session, Optional<Recipient> recipient) {
    return refuse(finding, session, recipient, false);
  }

  /**
   * Renders, logs and records an enforced refusal.
   *
   * @param replacesGreeting whether the reply is sent instead of the 220 greeting
   */
  public RecordedRefusal refuse(Finding finding, SessionView session, Optional<Recipient> recipient,
      boolean replacesGreeting) {
    if (!(finding.verdict() instanceof Verdict.Refusal refusal)) {
      throw new IllegalArgumentException("not a refusal: " + finding);
    }
    String reference = references.next();
    int code = basicCode(refusal, replacesGreeting);
    EnhancedStatus status = refusal.status().withClass(code / 100);
    String text = replyText(code, status, refusal.reason(), reference);
    SmtpReply reply = new SmtpReply(code, Optional.of(status), List.of(text));
    String outcome = switch (refusal) {
      case Verdict.Tempfail t -> "tempfail";
      case Verdict.Reject r -> "reject";
      case Verdict.Disconnect d -> "disconnect";
    };
    record(reference, finding, outcome, code, status.toString(), text, session, recipient);
    log.info("{} ref={} check={} phase={} code={} status={} {} reason={}", outcome, reference,
        finding.check(), finding.phase(), code, status, describe(session, recipient),
        LogText.quoted(refusal.reason(), 300));
    return new RecordedRefusal(reference, finding, reply);
  }

  /** Logs and records a tag; returns its reference, for the X-Portcullis header. */
  public String tag(Finding finding, SessionView session, Optional<Recipient> recipient) {
    Verdict.Tag tag = (Verdict.Tag) finding.verdict();
    String reference = references.next();
    String outcome = tag.kind() == TagKind.QUARANTINE ? "quarantine" : "tag";
    record(reference, finding, outcome, 0, "", tag.reason(), session, recipient);
    log.info("{} ref={} check={} phase={} {} reason={}", outcome, reference, finding.check(), finding.phase(),
        describe(session, recipient), LogText.quoted(tag.reason(), 300));
    return reference;
  }

  /** Logs ("would ...") and records a finding of a check in observe mode; changes nothing. */
  public String observe(Finding finding, SessionView session, Optional<Recipient> recipient) {
    String reference = references.next();
    String reason;
    String wouldDo;
    int code = 0;
    String status = "";
    switch (finding.verdict()) {
      case Verdict.Refusal refusal -> {
        reason = refusal.reason();
        code = refusal.code();
        status = refusal.status().toString();
        wouldDo = refusal instanceof Verdict.Tempfail ? "would-tempfail"
            : refusal instanceof Verdict.Disconnect ? "would-disconnect" : "would-reject";
      }
      case Verdict.Tag tag -> {
        reason = tag.reason();
        wouldDo = "would-tag";
      }
      case Verdict.Accept accept -> {
        reason = accept.reason();
        wouldDo = "would-accept";
      }
      case Verdict.Continue c -> throw new IllegalArgumentException("nothing to observe");
      case Verdict.Annotate a -> throw new IllegalArgumentException("an annotation is not observed");
      case Verdict.Scored s -> throw new IllegalArgumentException("the chain unwraps a score before it is observed");
    }
    record(reference, finding, "observe", code, status, reason, session, recipient);
    log.info("{} ref={} check={} phase={} mode=observe {} reason={}", wouldDo, reference,
        finding.check(), finding.phase(), describe(session, recipient), LogText.quoted(reason, 300));
    return reference;
  }

  private void record(String reference, Finding finding, String outcome, int code, String status,
      String text, SessionView session, Optional<Recipient> recipient) {
    Explanation explanation = switch (finding.verdict()) {
      case Verdict.Refusal refusal -> refusal.explanation();
      case Verdict.Tag tag -> tag.explanation();
      default -> Explanation.builder().rule("", "");
    };
    Optional<String> exception = session.exceptionFor(recipient);
    if (exception.isPresent()) {
      // What an exception let through still shows: the refusal came from a check it did not skip.
      List<Fact> facts = new java.util.ArrayList<>(explanation.facts());
      facts.add(new Fact("exception applied", exception.get()));
      explanation = new Explanation(facts, explanation.rule(), explanation.fix(), explanation.links());
    }
    try {
      refusalLog.record(new RefusalRecord(reference, clock.instant(), serverName, finding.check(),
          finding.phase(), outcome, code, status, text, session.client().addressText(),
          session.client().nameOrUnknown(),
          session.helo().map(h -> h.raw()).orElse(""),
          session.sender().map(Object::toString).orElse(""),
          recipient.map(r -> "<" + r.address() + ">").orElse(""),
          explanation));
    } catch (RuntimeException e) {
      // The explanation is lost, the refusal is not: the client still gets its reply and the log line.
      log.warn("could not record refusal {}: {}", reference, e.toString());
    }
  }

  /** The client, HELO, sender and recipient as key=value pairs for log lines. */
  public static String describe(SessionView session, Optional<Recipient> recipient) {
    StringBuilder out = new StringBuilder(128);
    out.append("client=").append(session.client().nameOrUnknown())
        .append('[').append(session.client().addressText()).append(']');
    session.helo().ifPresent(h -> out.append(" helo=").append(LogText.value("<" + h.raw() + ">")));
    session.sender().ifPresent(s -> out.append(" from=").append(LogText.value(s.toString())));
    recipient.ifPresent(r -> out.append(" to=").append(LogText.value("<" + r.address() + ">")));
    return out.toString();
  }
}
