package org.portcullis.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.portcullis.dmarc.AggregateReport;
import org.portcullis.store.sqlite.SqliteStore;

/** {@code portcullis dmarc reports}: who sends as our domains, from the stored reports. */
class DmarcCliTest {

  @TempDir
  Path dir;

  @Test
  void storedReportsAreShownPerDomainAndDayAndBadOptionsRefused() throws Exception {
    Path config = dir.resolve("portcullis.toml");
    Files.writeString(config, "[server]\ndata-dir = \"" + dir.resolve("data") + "\"\nhostname = \"mx.example.test\"\n");
    assertThat(CliRun.withConfig(config.toString(), "dmarc", "reports").out()).contains("no DMARC reports")
        .contains("set dmarc.report-address");
    Instant yesterday = Instant.now().minusSeconds(86_400);
    try (SqliteStore store = SqliteStore.open(dir.resolve("data/portcullis.db"))) {
      store.dmarcReports().add(new AggregateReport("google.com", "r1", yesterday, yesterday.plusSeconds(86_399),
          "example.test", "reject", List.of(new AggregateReport.Row("192.0.2.10", 42, "none", "pass", "pass",
              "example.test"), new AggregateReport.Row("203.0.113.66", 3, "reject", "fail", "fail", "example.test"))),
          Instant.now());
    }
    CliRun shown = CliRun.withConfig(config.toString(), "dmarc", "reports", "--domain", "example.test");
    assertThat(shown.code()).isZero();
    assertThat(shown.out()).contains("example.test:").containsPattern("google\\.com\\s+192\\.0\\.2\\.10\\s+42\\s+none\\s+pass")
        .containsPattern("203\\.0\\.113\\.66\\s+3\\s+reject\\s+fail\\s+fail");
    assertThat(CliRun.withConfig(config.toString(), "dmarc", "reports", "--days", "0").code()).isEqualTo(2);
  }
}
