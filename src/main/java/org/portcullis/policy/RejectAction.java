package org.portcullis.policy;

/** What an enforced rejection of a check becomes (reject; or tag, deliver and let the recipient decide). */
public enum RejectAction {
  /** Reject as the check says (5xx). */
  REJECT,
  /** Soften to a temporary failure (4xx with the same subject and detail). */
  TEMPFAIL,
  /** Deliver, with an X-Portcullis header (and the subject prefix if configured). */
  TAG
}
