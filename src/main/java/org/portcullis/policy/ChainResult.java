package org.portcullis.policy;

import java.util.List;
import java.util.Optional;

/**
 * The outcome of running one phase's checks.
 *
 * @param decision the first decisive finding (accept, reject or disconnect), if any
 * @param tempfails temporary failures seen before the decision, in order (sticky)
 * @param tags tag findings seen before the decision, in order
 * @param observed findings of checks in observe mode
 * @param soft refusals of checks whose {@code on-reject} is {@code per-recipient}: each recipient's
 *     choice decides what they become, so they decide nothing here and the chain goes on
 * @param scored refusals and tags of checks whose {@code on-reject} is {@code score}: points
 *     towards the message's score, deciding nothing here either
 */
public record ChainResult(Optional<Finding> decision, List<Finding> tempfails, List<Finding> tags,
    List<Finding> observed, List<Verdict.Annotate> annotations, List<Finding> soft, List<Scored> scored) {

  public ChainResult(Optional<Finding> decision, List<Finding> tempfails, List<Finding> tags,
      List<Finding> observed, List<Verdict.Annotate> annotations, List<Finding> soft) {
    this(decision, tempfails, tags, observed, annotations, soft, List.of());
  }

  public ChainResult {
    scored = List.copyOf(scored);
    soft = List.copyOf(soft);
    tempfails = List.copyOf(tempfails);
    tags = List.copyOf(tags);
    observed = List.copyOf(observed);
    annotations = List.copyOf(annotations);
  }

  public ChainResult(Optional<Finding> decision, List<Finding> tempfails, List<Finding> tags, List<Finding> observed) {
    this(decision, tempfails, tags, observed, List.of(), List.of());
  }
}
