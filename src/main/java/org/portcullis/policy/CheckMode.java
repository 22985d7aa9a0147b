package org.portcullis.policy;

/** How a check's verdicts take effect. */
public enum CheckMode {
  /** Verdicts take effect. */
  ENFORCE,
  /** Verdicts are logged ("would reject") and recorded, but change nothing. */
  OBSERVE,
  /** The check does not run. */
  OFF
}
