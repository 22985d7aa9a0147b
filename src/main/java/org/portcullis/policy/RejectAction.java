package org.portcullis.policy;

/**
 * What an enforced rejection of a check becomes: reject; tempfail; tag, deliver and let the
 * recipient decide; or quarantine, hold it for the recipient to release.
 */
public enum RejectAction {
  /** Reject as the check says (5xx). */
  REJECT,
  /** Soften to a temporary failure (4xx with the same subject and detail). */
  TEMPFAIL,
  /** Deliver, with an X-Portcullis header (and the subject prefix if configured). */
  TAG,
  /** Accept (250, once fsynced) into the quarantine instead of delivering; released, deleted or expired later. */
  QUARANTINE,
  /** Each recipient's choice ({@link RecipientChoice}: reject, tag, rewrite-subject, quarantine or accept) decides. */
  PER_RECIPIENT,
  /** Add the check's {@code score} to the message's score; {@link ScoreActions} decide what the total becomes. */
  SCORE;

  /** As the configuration spells it: {@code per-recipient}. */
  public String label() {
    return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
  }
}
