package org.portcullis.policy;

import java.util.List;
import org.portcullis.mail.EnhancedStatus;

/**
 * What a check concludes. Checks state intent; the wire text is made later, in one place
 * ({@code ReplyRenderer}), which appends the reference.
 *
 * <p>{@link Continue} has no opinion; {@link Accept} permits and ends the phase's checks;
 * {@link Tag} marks the message and lets the chain go on; {@link Annotate} adds a header field that
 * records a result (Received-SPF) and lets the chain go on; a {@link Refusal} refuses: temporarily,
 * permanently, or by dropping the connection.
 */
public sealed interface Verdict {

  Continue CONTINUE = new Continue();

  /** No opinion: the next check decides. */
  record Continue() implements Verdict {}

  /**
   * Permit: the remaining checks of this phase are skipped.
   *
   * @param reason why, for the log
   */
  record Accept(String reason) implements Verdict {}

  /**
   * Deliver, but mark the message (an X-Portcullis header, and the subject for spam signs).
   *
   * @param reason what was found, in words (not a reply text), without a reply code
   * @param explanation the facts behind it
   * @param kind a spam sign or only information
   */
  record Tag(String reason, Explanation explanation, TagKind kind) implements Verdict {
    public Tag(String reason, Explanation explanation) {
      this(reason, explanation, TagKind.SPAM);
    }
  }

  /**
   * Deliver, with header fields recording what was found (Received-SPF): not a refusal and not a
   * sign of spam, so it needs no reference; the chain goes on. (Results for Authentication-Results
   * are facts, not verdicts: {@link TransactionFacts#authenticated}.)
   *
   * @param fields header fields to add, each name and value (printable ASCII, unfolded)
   */
  record Annotate(List<HeaderField> fields) implements Verdict {
    public Annotate {
      fields = List.copyOf(fields);
    }

    /** One field. */
    public Annotate(String name, String value) {
      this(List.of(new HeaderField(name, value)));
    }

    /** One header field to add. */
    public record HeaderField(String name, String value) {}
  }

  /**
   * A check's own score beside what it decides otherwise (a scanner's: spamd's 7.2, ham's 0.4 too).
   * With {@code on-reject = "score"} the chain adds {@code points} to the message's score and keeps
   * only the annotation of {@code otherwise}; in any other mode {@code otherwise} is the verdict.
   * Never reaches a renderer.
   *
   * @param reason what was found, in words, for a tag the score makes
   */
  record Scored(double points, String reason, Explanation explanation, Verdict otherwise) implements Verdict {
    public Scored {
      if (otherwise instanceof Scored) {
        throw new IllegalArgumentException("a score wraps a verdict, not another score");
      }
      if (!Double.isFinite(points)) {
        throw new IllegalArgumentException("points must be a number, not " + points);
      }
    }
  }

  /**
   * A refusal: every kind carries what kind of refusal it is, an enhanced status, a reason and an
   * explanation. The basic reply code is not the check's to choose: {@link ReplyRenderer#basicCode}
   * derives it.
   */
  sealed interface Refusal extends Verdict permits Tempfail, Reject, Disconnect {
    RefusalKind kind();

    EnhancedStatus status();

    /** The reply text without code, status or reference. */
    String reason();

    Explanation explanation();

    /** The basic reply code this refusal gets when answered at its own command. */
    default int code() {
      return ReplyRenderer.basicCode(this, false);
    }
  }

  /** A temporary failure (4xx): the client should retry. Sticky: a later permit does not undo it. */
  record Tempfail(RefusalKind kind, EnhancedStatus status, String reason, Explanation explanation) implements Refusal {
    public Tempfail {
      requireClass(status, 4);
    }
  }

  /**
   * A permanent refusal (5xx).
   *
   * @param finding what was found, in words, for a tag when the check is softened to tag (the
   *     reason is a reply text, e.g. "Service unavailable; ... blocked using ..."); by default the reason
   */
  record Reject(RefusalKind kind, EnhancedStatus status, String reason, Explanation explanation, String finding)
      implements Refusal {
    public Reject {
      if (kind == RefusalKind.LOCAL_ERROR || kind == RefusalKind.CLOSING) {
        throw new IllegalArgumentException("a permanent refusal is not " + kind);
      }
      requireClass(status, 5);
    }

    public Reject(RefusalKind kind, EnhancedStatus status, String reason, Explanation explanation) {
      this(kind, status, reason, explanation, reason);
    }

    /** The same refusal, with what was found said in words for a tag. */
    public Reject withFinding(String words) {
      return new Reject(kind, status, reason, explanation, words);
    }

    /** The same refusal made temporary ({@code on-reject = "tempfail"}): same kind, status class 4. */
    public Tempfail deferred() {
      return new Tempfail(kind, status.withClass(4), reason, explanation);
    }
  }

  /** Reply (421, or a permanent code) and close the connection. */
  record Disconnect(RefusalKind kind, EnhancedStatus status, String reason, Explanation explanation)
      implements Refusal {
    public Disconnect {
      if (kind == RefusalKind.LOCAL_ERROR) {
        throw new IllegalArgumentException("a disconnect is 421 or permanent, not " + kind);
      }
      requireClass(status, kind == RefusalKind.CLOSING ? 4 : 5);
    }
  }

  /** A policy rejection (550) with the given enhanced status. */
  static Reject reject(String status, String reason, Explanation explanation) {
    return new Reject(RefusalKind.POLICY, EnhancedStatus.parse(status), reason, explanation);
  }

  /** A policy deferral (450) with the given enhanced status. */
  static Tempfail tempfail(String status, String reason, Explanation explanation) {
    return new Tempfail(RefusalKind.POLICY, EnhancedStatus.parse(status), reason, explanation);
  }

  private static void requireClass(EnhancedStatus status, int expectedClass) {
    if (status.statusClass() != expectedClass) {
      throw new IllegalArgumentException("enhanced status " + status + " is not of class " + expectedClass);
    }
  }
}
