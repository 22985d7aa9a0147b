package org.portcullis.diagnose;

import java.util.Locale;

/** How one check came out; {@link #UNKNOWN} (a timeout, no answer) is never a pass. */
public enum Status {
  PASS, INFO, WARN, UNKNOWN, FAIL;

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
