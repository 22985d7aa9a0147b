package org.portcullis.policy;

import java.util.ArrayList;
import java.util.List;

/**
 * Why a check refused (or tagged) something, in terms a sender's administrator can act on.
 *
 * @param facts what was observed, in order
 * @param rule the rule that was broken, with its RFC or best practice
 * @param fix what to do about it, in plain words
 * @param links where to look further (a DNS list's own lookup page, our listing and its
 *     delisting); the explanation page shows them as links
 */
public record Explanation(List<Fact> facts, String rule, String fix, List<Link> links) {

  /** A labelled address, e.g. "Look up 192.0.2.9 on zen.spamhaus.org" and its URL (http or https, or a path). */
  public record Link(String label, String url) {
    public Link {
      if (label.isBlank()) {
        throw new IllegalArgumentException("a link needs a label");
      }
      if (!(url.startsWith("https://") || url.startsWith("http://") || url.startsWith("/"))) {
        throw new IllegalArgumentException("a link must be http(s) or a path, not " + url);
      }
    }
  }

  public Explanation {
    facts = List.copyOf(facts);
    links = List.copyOf(links);
  }

  public Explanation(List<Fact> facts, String rule, String fix) {
    this(facts, rule, fix, List.of());
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Collects facts and links in order; {@code rule} and {@code fix} finish it. */
  public static final class Builder {
    private final List<Fact> facts = new ArrayList<>();
    private final List<Link> links = new ArrayList<>(1);

    private Builder() {}

    public Builder fact(String label, Object value) {
      facts.add(new Fact(label, String.valueOf(value)));
      return this;
    }

    public Builder link(String label, String url) {
      links.add(new Link(label, url));
      return this;
    }

    public Explanation rule(String rule, String fix) {
      return new Explanation(facts, rule, fix, links);
    }
  }
}
