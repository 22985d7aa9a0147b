package org.portcullis.policy;

/**
 * One thing a check observed, shown in an explanation: {@code "PTR query" -> "9.2.0.192.in-addr.arpa -> NXDOMAIN"}.
 *
 * @param label what was observed, in a few words
 * @param value what was seen; attacker-controlled text is kept verbatim here and escaped where shown
 */
public record Fact(String label, String value) {
  public Fact {
    if (label.isBlank()) {
      throw new IllegalArgumentException("a fact needs a label");
    }
  }
}
