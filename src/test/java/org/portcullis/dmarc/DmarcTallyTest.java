package org.portcullis.dmarc;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.portcullis.store.sqlite.SqliteStore;

/** The aggregate-report tally, counted in memory and added to a real SQLite file in batches. */
class DmarcTallyTest {

  @TempDir
  Path dir;

  private static final DmarcTally.Evidence EVIDENCE = new DmarcTally.Evidence("example.com", "mfrom", "fail",
      List.of(new DmarcTally.Signature("example.com", "s1", "pass")));

  private static DmarcOutcome outcome(String from, DmarcResult result, DmarcPolicy disposition, boolean dkim) {
    DmarcRecord record = DmarcRecord.parse("v=DMARC1; p=reject; rua=mailto:d@" + from);
    return new DmarcOutcome(result, from, Optional.of(from), Optional.of(record), DmarcPolicy.REJECT, disposition,
        false, dkim, Optional.empty(), List.of(), "");
  }

  @Test
  void messagesAreCountedPerDaySourceAndResultAndAddedUpAcrossFlushes() throws Exception {
    try (SqliteStore store = SqliteStore.open(dir.resolve("portcullis.db"))) {
      DmarcTally tally = new DmarcTally(store.dmarcTally());
      Instant day1 = Instant.parse("2026-12-03T10:00:00Z");
      InetAddress a = InetAddress.ofLiteral("192.0.2.1");
      InetAddress b = InetAddress.ofLiteral("198.51.100.7");
      for (int i = 0; i < 3; i++) {
        tally.count(day1, a, outcome("example.com", DmarcResult.PASS, DmarcPolicy.NONE, true), EVIDENCE);
      }
      tally.count(day1, b, outcome("example.com", DmarcResult.FAIL, DmarcPolicy.REJECT, false), EVIDENCE);
      tally.count(day1.plusSeconds(86_400), a, outcome("example.com", DmarcResult.PASS, DmarcPolicy.NONE, true), EVIDENCE);
      DmarcOutcome noPolicy = new DmarcOutcome(DmarcResult.NONE, "nobody.example", Optional.empty(), Optional.empty(),
          DmarcPolicy.NONE, DmarcPolicy.NONE, false, false, Optional.empty(), List.of(), "");
      tally.count(day1, a, noPolicy, EVIDENCE);
      tally.flush();
      tally.count(day1, a, outcome("example.com", DmarcResult.PASS, DmarcPolicy.NONE, true), EVIDENCE);
      tally.flush();

      List<Map.Entry<DmarcTally.Row, Long>> rows = store.dmarcTally().rows(LocalDate.of(2026, 12, 3), "example.com");
      assertThat(rows).hasSize(2);
      assertThat(rows.get(0).getKey().source()).isEqualTo("192.0.2.1");
      assertThat(rows.get(0).getKey().dkim()).isEqualTo("pass");
      assertThat(rows.get(0).getValue()).isEqualTo(4);
      assertThat(rows.get(1).getKey().disposition()).isEqualTo("reject");
      assertThat(rows.get(1).getValue()).isEqualTo(1);
      assertThat(rows.get(0).getKey().evidence()).as("the raw results come back as counted").isEqualTo(EVIDENCE);
      assertThat(store.dmarcTally().policyDomains(LocalDate.of(2026, 12, 3))).containsExactly("example.com");
      LocalDate day = LocalDate.of(2026, 12, 3);
      assertThat(store.dmarcTally().reported(day, "example.com")).isFalse();
      store.dmarcTally().markReported(day, "example.com", "r1", "d@example.com", day1);
      store.dmarcTally().markReported(day, "example.com", "r2", "other@example.com", day1);
      assertThat(store.dmarcTally().reported(day, "example.com")).isTrue();
      assertThat(store.dmarcTally().rows(LocalDate.of(2026, 12, 3), "nobody.example")).as("no policy, no report").isEmpty();
      assertThat(store.dmarcTally().prune(LocalDate.of(2026, 12, 4))).isEqualTo(2);
      assertThat(store.dmarcTally().rows(LocalDate.of(2026, 12, 4), "example.com")).hasSize(1);
    }
  }

  @Test
  void aFloodOfSourceAddressesIsCappedBetweenFlushes() throws Exception {
    try (SqliteStore store = SqliteStore.open(dir.resolve("portcullis.db"))) {
      DmarcTally tally = new DmarcTally(store.dmarcTally());
      Instant now = Instant.parse("2026-12-03T10:00:00Z");
      DmarcOutcome fail = outcome("example.com", DmarcResult.FAIL, DmarcPolicy.REJECT, false);
      for (int i = 0; i < DmarcTally.PENDING_MAX + 10; i++) {
        tally.count(now, InetAddress.getByAddress(new byte[] {10, (byte) (i >> 16), (byte) (i >> 8), (byte) i}), fail, EVIDENCE);
      }
      assertThat(tally.dropped()).isEqualTo(10);
      tally.flush();
      assertThat(store.dmarcTally().rows(LocalDate.of(2026, 12, 3), "example.com")).hasSize(DmarcTally.PENDING_MAX);
    }
  }
}
