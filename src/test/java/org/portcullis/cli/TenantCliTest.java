package org.portcullis.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.portcullis.access.AdminUsers;
import org.portcullis.access.ApiTokens;
import org.portcullis.store.sqlite.SqliteStore;
import org.portcullis.tenant.TenantAdmins;

/** {@code portcullis tenant ...} on a real store file; the password comes on standard input. */
class TenantCliTest {

  @TempDir
  Path dir;

  private String config;
  private final InputStream savedIn = System.in;

  @BeforeEach
  void configure() throws Exception {
    Path file = dir.resolve("portcullis.toml");
    Files.writeString(file, "[server]\ndata-dir = \"" + dir.resolve("data") + "\"\nhostname = \"mx.a.example\"\n"
        + "[mail]\naccepted-domains = [\"a.example\", \"b.example\"]\n");
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
  void tenantsAreAddedChangedGivenATokenAndRemoved() throws Exception {
    CliRun added = run("correct horse battery", "tenant", "add", "acme", "--domain", "A.example");
    assertThat(added.code()).as(added.err()).isZero();
    assertThat(added.out()).isEqualTo("tenant administrator acme: a.example\n");
    assertThat(run("", "tenant", "change", "acme", "--domain", "a.example", "--domain", "b.example",
        "--answer-requests", "true").out())
        .isEqualTo("tenant administrator acme: a.example, b.example; answers its recipients' whitelist requests\n");
    assertThat(run("another long password", "tenant", "passwd", "acme").code()).isZero();
    CliRun token = run("", "tenant", "add-token", "acme");
    assertThat(token.code()).as(token.err()).isZero();
    assertThat(run("", "tenant", "list").out()).contains("acme: a.example, b.example");
    try (SqliteStore store = SqliteStore.open(dir.resolve("data").resolve("portcullis.db"))) {
      TenantAdmins tenants = new TenantAdmins(store.tenantUsers(), store.tenants(), List.of("a.example", "b.example"),
          Clock.systemUTC());
      java.net.InetAddress client = java.net.InetAddress.getLoopbackAddress();
      assertThat(tenants.login(client, "acme", "another long password")).isInstanceOf(AdminUsers.Login.Accepted.class);
      assertThat(new ApiTokens(store.apiTokens(), Clock.systemUTC()).verify(token.out().strip()))
          .hasValueSatisfying(e -> assertThat(e.name()).isEqualTo("tenant.acme"));
    }
    assertThat(run("", "tenant", "remove", "acme").out()).isEqualTo("removed acme\n");
    try (SqliteStore store = SqliteStore.open(dir.resolve("data").resolve("portcullis.db"))) {
      assertThat(new ApiTokens(store.apiTokens(), Clock.systemUTC()).verify(token.out().strip()))
          .as("its token goes with it").isEmpty();
    }
    CliRun gone = run("", "tenant", "remove", "acme");
    assertThat(gone.code()).isEqualTo(1);
    assertThat(gone.err()).contains("no tenant administrator acme");
  }

  @Test
  void badInputIsRefusedAndChangesNothing() {
    assertThat(run("correct horse battery", "tenant", "add", "acme", "--domain", "elsewhere.example").err())
        .contains("\"elsewhere.example\" is not one of our domains");
    assertThat(run("short", "tenant", "add", "acme", "--domain", "a.example").err()).contains("12 to 1024");
    assertThat(run("correct horse battery", "tenant", "add", "has space", "--domain", "a.example").code())
        .isNotZero();
    assertThat(run("correct horse battery", "tenant", "add", "acme").code()).as("a domain is required").isNotZero();
    assertThat(run("", "tenant", "list").out()).isEmpty();
    assertThat(run("", "tenant", "change", "nobody", "--answer-requests", "true").err())
        .contains("no tenant administrator nobody");
    assertThat(run("", "tenant", "add-token", "nobody").err()).contains("no tenant administrator nobody");
    assertThat(run("", "admin", "add-token", "sneaky", "--scope", "tenant").code()).as("tenant tokens come from "
        + "portcullis tenant add-token").isNotZero();
  }
}
