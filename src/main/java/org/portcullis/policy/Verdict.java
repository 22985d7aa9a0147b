package org.portcullis.policy;

import org.portcullis.mail.EnhancedStatus;

/**
 * What a check concludes. Checks state intent; the wire text is made later, in one place
 * ({@code ReplyRenderer}), which appends the reference.
 *
 * <p>{@link Continue} has no opinion; {@link Accept} permits and ends the phase's checks;
 * {@link Tag} marks the message and lets the chain go on; a {@link Refusal} refuses: temporarily,
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

  /** A refusal: every kind carries a reply code, an enhanced status, a reason and an explanation. */
  sealed interface Refusal extends Verdict permits Tempfail, Reject, Disconnect {
    int code();

    EnhancedStatus status();

    /** The reply text without code, status or reference. */
    String reason();

    Explanation explanation();
  }

  /** A temporary failure (4xx): the client should retry. Sticky: a later permit does not undo it. */
  record Tempfail(int code, EnhancedStatus status, String reason, Explanation explanation) implements Refusal {
    public Tempfail {
      requireClass(code, status, 4);
    }
  }

  /**
   * A permanent refusal (5xx).
   *
   * @param finding what was found, in words, for a tag when the check is softened to tag (the
   *     reason is a reply text, e.g. "Service unavailable; ... blocked using ..."); by default the reason
   */
  record Reject(int code, EnhancedStatus status, String reason, Explanation explanation, String finding)
      implements Refusal {
    public Reject {
      requireClass(code, status, 5);
    }

    public Reject(int code, EnhancedStatus status, String reason, Explanation explanation) {
      this(code, status, reason, explanation, reason);
    }

    /** The same refusal, with what was found said in words for a tag. */
    public Reject withFinding(String words) {
      return new Reject(code, status, reason, explanation, words);
    }
  }

  /** Reply (421 or 5xx) and close the connection. */
  record Disconnect(int code, EnhancedStatus status, String reason, Explanation explanation) implements Refusal {
    public Disconnect {
      if (code != 421 && code / 100 != 5) {
        throw new IllegalArgumentException("a disconnect replies 421 or 5xx, not " + code);
      }
      requireClass(code, status, code / 100);
    }
  }

  /** A 550 rejection with the given enhanced status. */
  static Reject reject(String status, String reason, Explanation explanation) {
    return new Reject(550, EnhancedStatus.parse(status), reason, explanation);
  }

  /** A 450 temporary failure with the given enhanced status. */
  static Tempfail tempfail(String status, String reason, Explanation explanation) {
    return new Tempfail(450, EnhancedStatus.parse(status), reason, explanation);
  }

  private static void requireClass(int code, EnhancedStatus status, int expectedClass) {
    if (code / 100 != expectedClass) {
      throw new IllegalArgumentException("reply code " + code + " is not " + expectedClass + "xx");
    }
    if (status.statusClass() != expectedClass) {
      throw new IllegalArgumentException(
          "enhanced status " + status + " does not match reply code " + code);
    }
  }
}
