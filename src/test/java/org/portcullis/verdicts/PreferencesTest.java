package org.portcullis.verdicts;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.portcullis.mail.EmailAddress;
import org.portcullis.policy.RecipientChoice;
import org.portcullis.policy.RecipientChoices;
import org.portcullis.store.sqlite.SqliteStore;

/** The mailbox's choice wins over its domain's, names compare without case, and changes appear on refresh only. */
class PreferencesTest {

  @TempDir
  Path dir;

  @Test
  void theMostSpecificScopeWinsAndASnapshotMovesOnlyWithTheStore() {
    try (SqliteStore store = SqliteStore.open(dir.resolve("portcullis.db"))) {
      store.choices().set("example.test", "dnsbl", RecipientChoice.TAG, Instant.EPOCH);
      store.choices().set("carol@example.test", "dnsbl", RecipientChoice.QUARANTINE, Instant.EPOCH);
      Preferences prefs = new Preferences(store.choices());
      assertThat(prefs.choice(EmailAddress.parse("Carol@EXAMPLE.test"), "dnsbl"))
          .isEqualTo(new RecipientChoices.Decided(RecipientChoice.QUARANTINE, "mailbox carol@example.test"));
      assertThat(prefs.choice(EmailAddress.parse("dave@example.test"), "dnsbl"))
          .isEqualTo(new RecipientChoices.Decided(RecipientChoice.TAG, "domain example.test"));
      assertThat(prefs.choice(EmailAddress.parse("dave@example.test"), "spf").choice()).isEqualTo(RecipientChoice.REJECT);
      assertThat(prefs.choice(EmailAddress.parse("x@other.example"), "dnsbl").scope()).isEqualTo("default");

      store.choices().set("example.test", "dnsbl", RecipientChoice.ACCEPT, Instant.EPOCH);
      assertThat(prefs.choice(EmailAddress.parse("dave@example.test"), "dnsbl").choice())
          .as("until refreshed, the snapshot").isEqualTo(RecipientChoice.TAG);
      prefs.refresh();
      assertThat(prefs.choice(EmailAddress.parse("dave@example.test"), "dnsbl").choice()).isEqualTo(RecipientChoice.ACCEPT);
      assertThat(store.choices().clear("carol@example.test", "dnsbl")).isTrue();
      assertThat(store.choices().clear("carol@example.test", "dnsbl")).isFalse();
      prefs.refresh();
      assertThat(prefs.choice(EmailAddress.parse("carol@example.test"), "dnsbl").scope()).isEqualTo("domain example.test");
    }
  }
}
