package org.portcullis.store.sqlite;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.portcullis.policy.Explanation;
import org.portcullis.policy.Phase;
import org.portcullis.policy.RefusalRecord;

/** Refusal records on a real SQLite file: explanation texts kept once, old rows readable, pruning. */
class SqliteRefusalLogTest {

  @TempDir
  Path dir;

  private static RefusalRecord record(String reference, Instant at, String rule, String fix) {
    return new RefusalRecord(reference, at, "mx.example.test", "greylist", Phase.RCPT, "tempfail", 451, "4.7.1",
        "Greylisted, retry in 300 seconds; ref=" + reference, "192.0.2.1", "unknown", "mail.example.org",
        "<a@example.org>", "<b@example.test>", Explanation.builder().fact("triplet", "t " + reference).rule(rule, fix));
  }

  private static long count(Path file, String sql) throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  @Test
  void textsAreStoredOnceAndRecordsReadBackWhole() throws Exception {
    Path file = dir.resolve("portcullis.db");
    Instant now = Instant.parse("2026-12-01T10:00:00Z");
    try (SqliteStore store = SqliteStore.open(file)) {
      for (int i = 0; i < 50; i++) {
        store.refusals().record(record("REF" + i, now, "The greylisting rule.", "Retry later."));
      }
      store.refusals().record(record("OTHER", now.plus(Duration.ofDays(10)), "Another rule.", "Retry later."));
      store.refusals().flush();
      RefusalRecord back = store.refusals().find("REF7").orElseThrow();
      assertThat(back.explanation().rule()).isEqualTo("The greylisting rule.");
      assertThat(back.explanation().fix()).isEqualTo("Retry later.");
      assertThat(back.explanation().facts()).singleElement().satisfies(f -> assertThat(f.value()).isEqualTo("t REF7"));
      assertThat(count(file, "SELECT count(*) FROM explanation_text")).isEqualTo(3);
      assertThat(count(file, "SELECT count(*) FROM refusal WHERE rule <> '' OR fix <> ''")).isZero();

      assertThat(store.pruneRefusals(now.plus(Duration.ofDays(1)))).isEqualTo(50);
      assertThat(count(file, "SELECT count(*) FROM explanation_text")).as("the unused rule went").isEqualTo(2);
      assertThat(store.refusals().find("OTHER").orElseThrow().explanation().fix()).isEqualTo("Retry later.");
      store.refusals().record(record("AGAIN", now, "The greylisting rule.", "Retry later."));
      store.refusals().flush();
      assertThat(store.refusals().find("AGAIN").orElseThrow().explanation().rule()).isEqualTo("The greylisting rule.");
    }
  }

  @Test
  void aRowWrittenBeforeTextsWereSharedStillReads() throws Exception {
    Path file = dir.resolve("portcullis.db");
    try (SqliteStore store = SqliteStore.open(file)) {
      store.refusals().flush();
    }
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement s = c.createStatement()) {
      s.executeUpdate("INSERT INTO refusal (reference, created_at, server, check_name, phase, outcome, reply_code, "
          + "status, reply_text, client_address, client_name, helo, sender, recipient, facts, rule, fix) VALUES "
          + "('OLDROW', 0, 'mx', 'client-ptr', 'CONNECT', 'reject', 550, '5.7.25', 'no PTR', '192.0.2.1', 'unknown', "
          + "'', '', '', '[]', 'The old rule.', 'The old fix.')");
    }
    try (SqliteStore store = SqliteStore.open(file)) {
      RefusalRecord old = store.refusals().find("OLDROW").orElseThrow();
      assertThat(old.explanation().rule()).isEqualTo("The old rule.");
      assertThat(old.explanation().fix()).isEqualTo("The old fix.");
    }
  }
}
