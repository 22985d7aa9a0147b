package org.portcullis.policy;

import java.time.Duration;
import java.util.Objects;

/**
 * How one check is applied.
 *
 * @param mode enforce, observe or off
 * @param onReject what an enforced rejection becomes
 * @param timeout how long the check may take before it counts as a temporary failure
 * @param tagKind what a rejection softened to a tag says about the message
 * @param scope where these settings come from when not the global configuration ({@code listener
 *     partners}), named among the facts of what the check decides; empty for the global configuration
 * @param score with {@code on-reject = "score"}: the points a refusal or tag of this check adds
 */
public record CheckSettings(CheckMode mode, RejectAction onReject, Duration timeout, TagKind tagKind, String scope,
    double score) {

  /** The points a check in score mode adds unless configured otherwise. */
  public static final double SCORE_DEFAULT = 5.0;

  public CheckSettings(CheckMode mode, RejectAction onReject, Duration timeout) {
    this(mode, onReject, timeout, TagKind.SPAM);
  }

  public CheckSettings(CheckMode mode, RejectAction onReject, Duration timeout, TagKind tagKind) {
    this(mode, onReject, timeout, tagKind, "", SCORE_DEFAULT);
  }

  public CheckSettings {
    Objects.requireNonNull(mode, "mode");
    Objects.requireNonNull(onReject, "onReject");
    Objects.requireNonNull(scope, "scope");
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("check timeout must be positive, not " + timeout);
    }
  }

  public static CheckSettings enforce(Duration timeout) {
    return new CheckSettings(CheckMode.ENFORCE, RejectAction.REJECT, timeout);
  }
}
