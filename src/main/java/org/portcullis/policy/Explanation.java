package org.portcullis.policy;

import java.util.ArrayList;
import java.util.List;

/**
 * Why a check refused (or tagged) something, in terms a sender's administrator can act on.
 *
 * @param facts what was observed, in order
 * @param rule the rule that was broken, with its RFC or best practice
 * @param fix what to do about it, in plain words
 */
public record Explanation(List<Fact> facts, String rule, String fix) {

  public Explanation {
    facts = List.copyOf(facts);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Collects facts in order; {@code rule} and {@code fix} finish it. */
  public static final class Builder {
    private final List<Fact> facts = new ArrayList<>();

    private Builder() {}

    public Builder fact(String label, Object value) {
      facts.add(new Fact(label, String.valueOf(value)));
      return this;
    }

    public Explanation rule(String rule, String fix) {
      return new Explanation(facts, rule, fix);
    }
  }
}
