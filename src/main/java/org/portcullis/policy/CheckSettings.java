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
 */
public record CheckSettings(CheckMode mode, RejectAction onReject, Duration timeout, TagKind tagKind) {

  public CheckSettings(CheckMode mode, RejectAction onReject, Duration timeout) {
    this(mode, onReject, timeout, TagKind.SPAM);
  }

  public CheckSettings {
    Objects.requireNonNull(mode, "mode");
    Objects.requireNonNull(onReject, "onReject");
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("check timeout must be positive, not " + timeout);
    }
  }

  public static CheckSettings enforce(Duration timeout) {
    return new CheckSettings(CheckMode.ENFORCE, RejectAction.REJECT, timeout);
  }
}
