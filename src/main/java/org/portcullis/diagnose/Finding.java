package org.portcullis.diagnose;

import java.util.List;

/**
 * What one probe found.
 *
 * @param id stable, for scripts and the catalogue: {@code rdns.fcrdns}, {@code dnsbl.zen.example}
 * @param title what was checked, in words
 * @param facts what was observed, in order (names and addresses as DNS gave them: untrusted text)
 * @param advice what to do, in plain words, with the observed values filled in; empty for a pass
 */
public record Finding(String id, String title, Status status, List<Fact> facts, String advice) {

  /** One observed value. */
  public record Fact(String label, String value) {}

  public Finding {
    facts = List.copyOf(facts);
  }
}
