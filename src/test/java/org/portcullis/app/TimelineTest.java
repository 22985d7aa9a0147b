package org.portcullis.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.portcullis.policy.Explanation;
import org.portcullis.policy.MemoryRefusalLog;
import org.portcullis.policy.Phase;
import org.portcullis.policy.RefusalCounts;
import org.portcullis.policy.RefusalRecord;
import org.portcullis.smtp.SmtpStats;
import org.portcullis.store.sqlite.SqliteStore;
import org.portcullis.testing.FakeClock;

/** The dashboard's timeline: per-minute counts, per-check series, and kept across a restart in a real SQLite file. */
class TimelineTest {

  @TempDir
  Path data;

  private static void refuse(RefusalCounts counts, String check, String outcome) {
    counts.record(new RefusalRecord("r", Instant.EPOCH, "mx", check, Phase.RCPT, outcome, 550, "5.7.1", "no",
        "192.0.2.1", "", "helo", "a@b.example", "c@d.example", new Explanation(List.of(), "", "")));
  }

  @Test
  @SuppressWarnings("unchecked")
  void eachMinuteCountsWhatHappenedInItAndARestartKeepsTheLastDay() {
    FakeClock clock = new FakeClock(Instant.parse("2026-12-01T10:00:00Z"));
    RefusalCounts counts = new RefusalCounts(new MemoryRefusalLog());
    try (SqliteStore store = SqliteStore.open(data.resolve("portcullis.db"))) {
      Timeline timeline = new Timeline(new SmtpStats(), counts, store.traffic(), clock);
      refuse(counts, "dnsbl", "reject");
      refuse(counts, "dnsbl", "reject");
      refuse(counts, "greylist", "tempfail");
      refuse(counts, "spf", "tag");
      clock.advance(Duration.ofMinutes(1));
      timeline.sample();
      refuse(counts, "helo", "disconnect");
      clock.advance(Duration.ofMinutes(1));
      timeline.sample();

      Map<String, Object> columns = timeline.columns();
      assertThat(columns.get("t")).isEqualTo(List.of(clock.instant().getEpochSecond() - 60, clock.instant().getEpochSecond()));
      assertThat(columns.get("refused")).isEqualTo(List.of(2L, 1L));
      assertThat(columns.get("greylisted")).isEqualTo(List.of(1L, 0L));
      assertThat(columns.get("deferred")).isEqualTo(List.of(0L, 0L));
      assertThat((Map<String, List<Long>>) columns.get("checks")).containsExactlyInAnyOrderEntriesOf(Map.of(
          "dnsbl", List.of(2L, 0L), "greylist", List.of(1L, 0L), "helo", List.of(0L, 1L)));
    }

    // A restart 10 minutes later: the saved minutes come back; nothing is counted twice.
    clock.advance(Duration.ofMinutes(10));
    try (SqliteStore store = SqliteStore.open(data.resolve("portcullis.db"))) {
      Timeline restarted = new Timeline(new SmtpStats(), new RefusalCounts(new MemoryRefusalLog()), store.traffic(), clock);
      assertThat((List<Long>) restarted.columns().get("refused")).containsExactly(2L, 1L);
      clock.advance(Duration.ofMinutes(1));
      restarted.sample();
      assertThat((List<Long>) restarted.columns().get("refused")).containsExactly(2L, 1L, 0L);

      // A day later the old minutes fall out of the chart.
      clock.advance(Duration.ofHours(24).plusMinutes(1));
      restarted.sample();
      assertThat((List<Long>) restarted.columns().get("t")).hasSize(1);
      assertThat(store.traffic().prune(clock.instant().minus(Duration.ofHours(1)))).isGreaterThan(0);
      assertThat(store.traffic().since(Instant.EPOCH)).hasSize(1);
    }
  }
}
