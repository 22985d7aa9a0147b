package org.portcullis.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code portcullis lists|whitelist|requests ...} on a real store file. */
class ListsCliTest {

  @TempDir
  Path dir;

  private String config;

  private CliRun run(String... args) {
    return CliRun.withConfig(config, args);
  }

  @BeforeEach
  void configure() throws Exception {
    Path file = dir.resolve("portcullis.toml");
    Files.writeString(file, "[server]\ndata-dir = \"" + dir.resolve("data") + "\"\nhostname = \"mx.example.test\"\n");
    config = file.toString();
  }

  @Test
  void allowAndDenyEntriesAreAddedListedAndRemoved() {
    CliRun allow = run("lists", "allow", "--client", "192.0.2.0/24", "--skip", "greylist,dnsbl", "--expires", "30d",
        "--note", "partner relay");
    assertThat(allow.code()).as(allow.err()).isZero();
    assertThat(allow.out()).startsWith("allow entry 1: client 192.0.2.0/24; skips dnsbl,greylist; expires ");
    CliRun deny = run("lists", "deny", "--sender", "spam.example", "--reply", "No mail from spam.example, please");
    assertThat(deny.out()).isEqualTo("deny entry 2: sender spam.example; replies \"No mail from spam.example, please\"\n");
    CliRun list = run("lists", "list");
    assertThat(list.out()).contains("partner relay").contains("sender spam.example").contains("2 entries");
    assertThat(run("lists", "list", "--json").out()).startsWith("[{\"id\":1,\"action\":\"allow\",\"client\":\"192.0.2.0/24\"");
    assertThat(run("lists", "remove", "2").code()).isZero();
    CliRun again = run("lists", "remove", "2");
    assertThat(again.code()).isEqualTo(1);
    assertThat(again.err()).contains("no entry 2");
  }

  @Test
  void badEntriesAreRefusedWithTheFieldAndChangeNothing() {
    assertThat(run("lists", "allow", "--client", "300.1.1.1").err()).contains("client:");
    assertThat(run("lists", "allow", "--sender", "a@b.example", "--skip", "relay-control").err())
        .contains("skip: relay-control cannot be skipped");
    assertThat(run("lists", "allow", "--sender", "a@b.example", "--skip", "nonsense").err())
        .contains("\"nonsense\" is not a check");
    assertThat(run("lists", "allow", "--skip", "all").err()).contains("at least one of client, sender, recipient, helo");
    assertThat(run("lists", "deny", "--helo", "a@b.example").err()).contains("helo:");
    assertThat(run("lists", "deny", "--sender", "x.example", "--reply", "bad\u0007bell").err()).contains("printable ASCII");
    assertThat(run("lists", "deny", "--sender", "x.example", "--expires", "yesterday").err()).contains("expires:");
    assertThat(run("lists", "list").out()).contains("0 entries");
  }

  @Test
  void anAddressBookIsImportedWithAReportAndABrokenOneChangesNothing() throws Exception {
    Path book = dir.resolve("contacts.csv");
    try (InputStream in = getClass().getResourceAsStream("/addressbooks/outlook.csv")) {
      Files.write(book, in.readAllBytes());
    }
    CliRun imported = run("whitelist", "import", "bob@example.test", book.toString());
    assertThat(imported.code()).as(imported.err()).isZero();
    assertThat(imported.out()).contains("whitelist of bob@example.test: csv file contacts.csv")
        .contains("read 6, added 4, duplicates 1, rejected 1").contains("line 6: \"dan at typo.example\"");
    Path broken = dir.resolve("broken.vcf");
    try (InputStream in = getClass().getResourceAsStream("/addressbooks/broken.vcf")) {
      Files.write(broken, in.readAllBytes());
    }
    CliRun refused = run("whitelist", "import", "bob@example.test", broken.toString());
    assertThat(refused.code()).isEqualTo(1);
    assertThat(refused.err()).contains("BEGIN:VCARD inside the card").contains("nothing imported");
    assertThat(run("whitelist", "add", "example.test", "carol@partner.example", "@whole.example").out())
        .contains("added 2");
    assertThat(run("whitelist", "add", "example.test", "ok@partner.example", "not valid").err())
        .contains("\"not valid\" is neither an address nor a domain").contains("nothing added");
    CliRun list = run("whitelist", "list", "bob@example.test");
    assertThat(list.out()).contains("alice@partner.example").contains("4 sender(s)");
    assertThat(run("whitelist", "remove", "example.test", "whole.example").code()).isZero();
    assertThat(run("whitelist", "import", "bob@example.test", dir.resolve("missing.csv").toString()).err())
        .contains("no such file");
  }

  @Test
  void aRequestIsSubmittedListedApprovedAndAnotherDeclined() {
    CliRun submitted = run("requests", "submit", "--email", "news@letter.example", "--ip", "192.0.2.55",
        "--recipient", "dave@example.test", "--reason", "Monthly statements from our accountants");
    assertThat(submitted.out()).isEqualTo("request 1 waits for review\n");
    run("requests", "submit", "--email", "x@y.example", "--ip", "192.0.2.56", "--recipient", "dave@example.test",
        "--reason", "please");
    assertThat(run("requests", "list").out()).contains("#1  pending").contains("news@letter.example [192.0.2.55]")
        .contains("2 request(s)");
    assertThat(run("requests", "approve", "1", "--match", "recipient").err()).contains("sender or the client IP");
    CliRun approved = run("requests", "approve", "1", "--match", "sender,ip", "--skip", "greylist");
    assertThat(approved.out()).isEqualTo("request 1 approved: allow entry 1 (client 192.0.2.55/32, sender news@letter.example)\n");
    assertThat(run("requests", "approve", "1").err()).contains("no pending request 1");
    assertThat(run("requests", "decline", "2", "--message", "We do not know you").code()).isZero();
    assertThat(run("requests", "list", "--status", "all", "--json").out()).contains("\"status\":\"declined\"")
        .contains("\"message\":\"We do not know you\"").contains("\"entry\":1");
    assertThat(run("lists", "list").out()).contains("whitelist request 1: Monthly statements");
    assertThat(run("requests", "submit", "--email", "x", "--ip", "1.2.3.4", "--recipient", "a@b.example",
        "--reason", "r").err()).contains("email:");
  }

  @Test
  void adminUsersAreAddedFromStandardInputListedAndRemoved() {
    java.io.InputStream saved = System.in;
    try {
      System.setIn(new java.io.ByteArrayInputStream("short\n".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
      assertThat(run("admin", "add-user", "ops").err()).contains("a password has 12 to 1024 characters");
      System.setIn(new java.io.ByteArrayInputStream("correct horse battery staple\n"
          .getBytes(java.nio.charset.StandardCharsets.UTF_8)));
      CliRun added = run("admin", "add-user", "ops");
      assertThat(added.code()).as(added.err()).isZero();
      assertThat(added.out()).isEqualTo("admin user ops created\n");
      System.setIn(new java.io.ByteArrayInputStream("another long password\n"
          .getBytes(java.nio.charset.StandardCharsets.UTF_8)));
      assertThat(run("admin", "add-user", "ops").err()).contains("there is already a user ops");
      assertThat(run("admin", "list-users").out()).startsWith("ops ");
      assertThat(run("admin", "add-user", "Bad Name").err()).contains("a user name is");
      assertThat(run("admin", "remove-user", "ops").code()).isZero();
      assertThat(run("admin", "remove-user", "ops").code()).isEqualTo(1);
    } finally {
      System.setIn(saved);
    }
  }
}
