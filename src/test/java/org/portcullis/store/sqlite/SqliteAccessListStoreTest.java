package org.portcullis.store.sqlite;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.portcullis.lists.ListEntry;
import org.portcullis.mail.Cidr;

/** Allow and deny entries in a real SQLite file: expired ones are pruned after the retention, live ones stay. */
class SqliteAccessListStoreTest {

  @TempDir
  Path dir;

  private static ListEntry entry(String network, Optional<Instant> expires) {
    return new ListEntry(0, ListEntry.Action.ALLOW, Optional.of(Cidr.parse(network)), Optional.empty(),
        Optional.empty(), Optional.empty(), Set.of("greylist"), Optional.empty(), expires, "test",
        Instant.parse("2026-01-01T00:00:00Z"));
  }

  @Test
  void entriesExpiredBeforeTheCutOffArePrunedAndTheVersionMoves() {
    Instant now = Instant.parse("2026-12-01T00:00:00Z");
    try (SqliteStore store = SqliteStore.open(dir.resolve("portcullis.db"))) {
      store.lists().add(entry("192.0.2.0/24", Optional.of(now.minus(Duration.ofDays(40)))));
      store.lists().add(entry("198.51.100.0/24", Optional.of(now.minus(Duration.ofDays(2)))));
      store.lists().add(entry("203.0.113.0/24", Optional.empty()));
      long before = store.lists().version();
      assertThat(store.lists().pruneExpired(now.minus(Duration.ofDays(30)))).isEqualTo(1);
      assertThat(store.lists().version()).isNotEqualTo(before);
      assertThat(store.lists().entries()).extracting(e -> e.client().orElseThrow().toString())
          .containsExactly("198.51.100.0/24", "203.0.113.0/24");
      assertThat(store.lists().pruneExpired(now.minus(Duration.ofDays(30)))).isZero();
    }
  }
}
