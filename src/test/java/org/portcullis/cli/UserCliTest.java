package org.portcullis.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.portcullis.store.sqlite.SqliteStore;
import org.portcullis.submission.MailUsers;

/** {@code portcullis user ...} on a real store file; the password comes on standard input. */
class UserCliTest {

  @TempDir
  Path dir;

  private String config;
  private final InputStream savedIn = System.in;

  @BeforeEach
  void configure() throws Exception {
    Path file = dir.resolve("portcullis.toml");
    Files.writeString(file, "[server]\ndata-dir = \"" + dir.resolve("data") + "\"\nhostname = \"mx.example.test\"\n");
    config = file.toString();
  }

  @AfterEach
  void restoreStdin() {
    System.setIn(savedIn);
  }

  private CliRun run(String password, String... args) {
    System.setIn(new ByteArrayInputStream((password + "\n").getBytes(StandardCharsets.UTF_8)));
    return CliRun.withConfig(config, args);
  }

  @Test
  void usersAreAddedListedChangedAndRemoved() throws Exception {
    CliRun added = run("correct horse battery", "user", "add", "Alice@Example.test");
    assertThat(added.code()).as(added.err()).isZero();
    assertThat(added.out()).isEqualTo("user alice@example.test added; may send as alice@example.test\n");
    CliRun app = run("application secret 1", "user", "add", "newsletter", "--sender", "@example.net",
        "--sender", "news@example.test");
    assertThat(app.out()).contains("may send as @example.net, news@example.test");
    assertThat(run("", "user", "list").out()).contains("alice@example.test", "newsletter", "@example.net, news@example.test");

    assertThat(run("x", "user", "senders", "alice@example.test", "--sender", "billing@example.test").out())
        .isEqualTo("user alice@example.test may send as alice@example.test, billing@example.test\n");
    assertThat(run("another long password", "user", "passwd", "alice@example.test").code()).isZero();
    try (SqliteStore store = SqliteStore.open(dir.resolve("data").resolve("portcullis.db"))) {
      MailUsers users = new MailUsers(store.mailUsers(), Clock.systemUTC());
      assertThat(users.authenticate("alice@example.test", "another long password")).isPresent();
      assertThat(users.authenticate("alice@example.test", "correct horse battery")).isEmpty();
      assertThat(users.find("alice@example.test").orElseThrow().passwordHash()).startsWith("$argon2id$");
    }
    assertThat(run("", "user", "remove", "alice@example.test").code()).isZero();
    CliRun gone = run("", "user", "remove", "alice@example.test");
    assertThat(gone.code()).isEqualTo(1);
    assertThat(gone.err()).contains("no user alice@example.test");
  }

  @Test
  void badInputIsRefusedAndChangesNothing() {
    assertThat(run("short", "user", "add", "bob@example.test").err()).contains("a password has 12 to 1024 characters");
    assertThat(run("long enough password", "user", "add", "bob").err())
        .contains("not an address: give the addresses it may send as with --sender");
    assertThat(run("long enough password", "user", "add", "bob", "--sender", "not an address").err())
        .contains("\"not an address\" is neither an address nor @domain");
    assertThat(run("long enough password", "user", "add", "has space@example.test").err()).contains("a login is");
    assertThat(run("long enough password", "user", "add", "x".repeat(300)).err()).contains("a login is");
    assertThat(run("long enough password", "user", "passwd", "nobody@example.test").err()).contains("no user");
    assertThat(run("", "user", "list").out()).doesNotContain("bob");
    assertThat(run("long enough password", "user", "add", "bob@example.test").code()).isZero();
    assertThat(run("long enough password", "user", "add", "BOB@example.test").err()).contains("there is already a user");
  }
}
