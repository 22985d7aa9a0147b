package org.portcullis.quarantine;

import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

/**
 * How often a mailbox hears of its newly quarantined mail, and in what form.
 *
 * @param schedule never, hourly, daily (the default) or weekly
 * @param html an HTML part beside the plain text (the default), or plain text only
 */
public record DigestSettings(Schedule schedule, boolean html) {

  /** What a mailbox without its own setting gets. */
  public static final DigestSettings DEFAULT = new DigestSettings(Schedule.DAILY, true);

  /** How often. */
  public enum Schedule {
    NEVER(Duration.ZERO), HOURLY(Duration.ofHours(1)), DAILY(Duration.ofDays(1)), WEEKLY(Duration.ofDays(7));

    private final Duration period;

    Schedule(Duration period) {
      this.period = period;
    }

    public Duration period() {
      return period;
    }

    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<Schedule> parse(String text) {
      for (Schedule s : values()) {
        if (s.label().equals(text)) {
          return Optional.of(s);
        }
      }
      return Optional.empty();
    }
  }
}
