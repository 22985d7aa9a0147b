package org.portcullis.dmarc;

import java.util.Locale;

/** The DMARC result of a message, in the words of Authentication-Results (RFC 7489 11.2). */
public enum DmarcResult {
  /** An aligned SPF or DKIM pass. */
  PASS,
  /** The domain publishes a policy and neither SPF nor DKIM passed aligned with the From domain. */
  FAIL,
  /** No policy published (or several records, which count as none). */
  NONE,
  /** The policy could not be looked up for now. */
  TEMPERROR,
  /** The published record is broken beyond RFC 7489's fallbacks. */
  PERMERROR;

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
