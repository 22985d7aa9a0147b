package org.portcullis.policy.checks;

import java.util.Set;
import org.portcullis.policy.Check;
import org.portcullis.policy.CheckContext;
import org.portcullis.policy.Phase;
import org.portcullis.policy.Verdict;

/**
 * What the catalogue's checks share: a name and phases fixed at construction, and whether clients
 * trusted to relay (the LAN and logged-in users) are judged at all. Most checks judge strangers
 * only: our own users' mail is not refused for a missing PTR or an odd HELO.
 */
abstract class CatalogCheck implements Check {

  /** Which clients a check judges. */
  enum Judges {
    /** Strangers only: LAN and authenticated clients pass without being looked at. */
    STRANGERS,
    /** Every client, trusted ones included. */
    EVERYONE
  }

  private final String name;
  private final Set<Phase> phases;
  private final Judges judges;

  CatalogCheck(String name, Judges judges, Phase... phases) {
    this.name = name;
    this.judges = judges;
    this.phases = Set.of(phases);
  }

  @Override
  public final String name() {
    return name;
  }

  @Override
  public final Set<Phase> phases() {
    return phases;
  }

  @Override
  public final Verdict evaluate(CheckContext context) {
    if (judges == Judges.STRANGERS && context.session().mayRelay()) {
      return Verdict.CONTINUE;
    }
    return judge(context);
  }

  /** Judges a client this check looks at; {@link Verdict#CONTINUE} when it has no opinion. */
  protected abstract Verdict judge(CheckContext context);
}
