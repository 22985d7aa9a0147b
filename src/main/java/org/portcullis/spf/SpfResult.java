package org.portcullis.spf;

import java.util.Locale;

/** The seven results of RFC 7208 section 2.6, in the words of its Received-SPF header. */
public enum SpfResult {
  PASS, FAIL, SOFTFAIL, NEUTRAL, NONE, TEMPERROR, PERMERROR;

  /** {@code "pass"}, {@code "temperror"}, as RFC 7208 and Received-SPF write them. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The result for a jSPF result word; anything unknown is a permanent error, never a pass. */
  static SpfResult ofLabel(String label) {
    for (SpfResult r : values()) {
      if (r.label().equalsIgnoreCase(label == null ? "" : label.strip())) {
        return r;
      }
    }
    return PERMERROR;
  }
}
