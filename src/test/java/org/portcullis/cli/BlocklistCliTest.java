package org.portcullis.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code portcullis blocklist ...} on a real store file. */
class BlocklistCliTest {

  @TempDir
  Path dir;

  private String config;

  private CliRun run(String... args) {
    return CliRun.withConfig(config, args);
  }

  @BeforeEach
  void configure() throws Exception {
    Path file = dir.resolve("portcullis.toml");
    Files.writeString(file, "[server]\ndata-dir = \"" + dir.resolve("data") + "\"\nhostname = \"mx.example.test\"\n"
        + "[web]\npublic-url = \"https://portal.example.test\"\n[blocklist]\nself-service-limit = 2\n"
        + "self-service-cooldown-minutes = 0\n");
    config = file.toString();
  }

  @Test
  void addListShowAndJson() {
    assertThat(run("blocklist", "add", "192.0.2.9", "--note", "seen on three traps").code()).isZero();
    assertThat(run("blocklist", "add", "198.51.100.0/24", "--permanent", "--note", "snowshoe").out())
        .contains("198.51.100.0/24 as manual, permanent");
    CliRun list = run("blocklist", "list", "--state", "all");
    assertThat(list.out()).contains("NETWORK").contains("192.0.2.9/32").contains("198.51.100.0/24")
        .contains("1 listed, 0 delisted, 0 expired, 1 permanent");
    CliRun show = run("blocklist", "show", "198.51.100.77");
    assertThat(show.code()).isZero();
    assertThat(show.out()).contains("198.51.100.0/24").contains("permanent").contains("snowshoe");
    CliRun json = run("blocklist", "show", "192.0.2.9", "--json");
    assertThat(json.out()).startsWith("[{\"network\":\"192.0.2.9/32\"").contains("\"note\":\"seen on three traps\"");
    assertThat(run("blocklist", "show", "203.0.113.1").code()).isEqualTo(1);
  }

  @Test
  void selfServiceIsCountedAndRefusedPastTheLimitThenTheOperatorDelists() {
    for (int i = 0; i < 2; i++) {
      run("blocklist", "report", "192.0.2.9", "--note", "trap hit " + i);
      CliRun delist = run("blocklist", "delist", "192.0.2.9", "--self-service");
      assertThat(delist.code()).isZero();
      assertThat(delist.out()).contains((1 - i) + " self-service delisting(s) left");
    }
    run("blocklist", "report", "192.0.2.9", "--note", "trap hit 3");
    CliRun refused = run("blocklist", "delist", "192.0.2.9", "--self-service");
    assertThat(refused.code()).isEqualTo(1);
    assertThat(refused.err()).contains("all 2 self-service delistings").contains("contact the operator");
    assertThat(run("blocklist", "delist", "192.0.2.9", "--note", "customer fixed it").code()).isZero();
    assertThat(run("blocklist", "show", "192.0.2.9").out()).contains("delisted").contains("customer fixed it")
        .contains("trap hit 3");
  }

  @Test
  void aReportKeepsOnlyTheEvidenceHeadersNeverTheBody() throws Exception {
    Path message = dir.resolve("spam.eml");
    Files.writeString(message, "Received: from bot (bot [192.0.2.9])\r\n\tby mx; Mon, 23 Nov 2026\r\nFrom: x@y.example\r\n"
        + "X-Secret: not kept\r\nSubject: pills\r\n\r\nbody text must not be kept\r\n");
    assertThat(run("blocklist", "report", "192.0.2.9", "--note", "user complaint", "--headers-file", message.toString())
        .code()).isZero();
    String shown = run("blocklist", "show", "192.0.2.9").out();
    assertThat(shown).contains("| Received: from bot (bot [192.0.2.9]) by mx; Mon, 23 Nov 2026").contains("| Subject: pills")
        .doesNotContain("X-Secret").doesNotContain("body text");
  }

  @Test
  void anImportWithABadLineChangesNothingAndNamesTheLine() throws Exception {
    Path bad = dir.resolve("bad.txt");
    Files.writeString(bad, "# list\n192.0.2.1\n192.0.2.0/33\n198.51.100.7\n");
    CliRun run = run("blocklist", "import", bad.toString());
    assertThat(run.code()).isEqualTo(2);
    assertThat(run.err()).contains("nothing imported").contains("line 3").doesNotContain("\tat ");
    assertThat(run("blocklist", "list").out()).doesNotContain("192.0.2.1");
    Path good = dir.resolve("good.txt");
    Files.writeString(good, "192.0.2.1\n2001:db8::/32  # a whole network\n");
    assertThat(run("blocklist", "import", good.toString()).out()).contains("imported 2 listing(s)");
  }

  @Test
  void exportWritesRbldnsdFiles() throws Exception {
    run("blocklist", "add", "192.0.2.9");
    run("blocklist", "add", "2001:db8::25", "--category", "spam-trap");
    CliRun export = run("blocklist", "export", "--output-dir", dir.resolve("out").toString());
    assertThat(export.code()).isZero();
    String v4 = Files.readString(dir.resolve("out/bl.example.test.ip4set"));
    assertThat(v4).contains("$SOA 300 mx.example.test. hostmaster.bl.example.test.")
        .contains(":127.0.0.2:Listed on bl.example.test as spam source; see https://portal.example.test/lookup/$")
        .contains("\n127.0.0.2\n").contains("192.0.2.9 :127.0.0.4:");
    assertThat(Files.readString(dir.resolve("out/bl.example.test.ip6trie"))).contains("2001:db8::25 :127.0.0.3:");
  }

  @Test
  void falsePositiveReportsAreFiledListedAndAnswered() {
    CliRun filed = run("blocklist", "appeal", "192.0.2.9", "--contact", "postmaster@example.org", "--message", "fixed");
    assertThat(filed.out()).contains("report 1 recorded");
    assertThat(run("blocklist", "appeals").out()).contains("postmaster@example.org").contains("open");
    assertThat(run("blocklist", "answer", "1", "accepted", "delisted").code()).isZero();
    assertThat(run("blocklist", "appeals").out()).doesNotContain("postmaster@example.org");
  }

  @Test
  void answeringAReportAcceptedDelistsTheAddressAsTheApiAndAdminPagesDo() {
    run("blocklist", "add", "192.0.2.44", "--note", "trap hit");
    run("blocklist", "appeal", "192.0.2.44", "--contact", "noc@example.org", "--message", "cleaned the host");
    CliRun again = run("blocklist", "appeal", "192.0.2.44", "--contact", "noc@example.org", "--message", "please");
    assertThat(again.out()).as("a repeated open report is merged").contains("report 1 is already open");
    CliRun answered = run("blocklist", "answer", "1", "accepted", "thanks, delisted", "--by", "alice");
    assertThat(answered.code()).isZero();
    assertThat(answered.out()).contains("report 1 accepted; 192.0.2.44/32 delisted");
    assertThat(run("blocklist", "show", "192.0.2.44").out()).contains("delisted").contains("false-positive #1");
    assertThat(run("blocklist", "answer", "1", "declined", "no").code()).as("answered already").isEqualTo(1);
    assertThat(run("blocklist", "answer", "2", "declined").err()).contains("no open report 2");
  }

  @Test
  void aNetworkWiderThanTheLimitIsListedOnlyWithForce() {
    CliRun refused = run("blocklist", "add", "10.0.0.0/8");
    assertThat(refused.code()).isEqualTo(2);
    assertThat(refused.err()).contains("10.0.0.0/8 is wider than /24", "--force");
    assertThat(run("blocklist", "add", "10.0.0.0/8", "--force").code()).isZero();
    assertThat(run("blocklist", "report", "2001:db8::/32", "--note", "x").code()).isEqualTo(2);
  }

  @Test
  void aTokenNamesItsScopes() {
    assertThat(run("admin", "add-token", "no-scope").code()).as("--scope is required").isEqualTo(2);
    assertThat(run("admin", "add-token", "typo", "--scope", "everything").err()).contains("is not a scope");
    assertThat(run("admin", "add-token", "desk", "--scope", "report,lists").code()).isZero();
    assertThat(run("admin", "list-tokens").out()).containsPattern("desk\\s+report,lists");
  }

  @Test
  void apiTokensAreShownOnceListedAndRemoved() {
    CliRun created = run("admin", "add-token", "abuse-desk", "--scope", "report");
    assertThat(created.code()).isZero();
    assertThat(created.out().strip()).startsWith("pct_").hasSizeGreaterThan(40);
    assertThat(run("admin", "add-token", "abuse-desk", "--scope", "report").err()).contains("exists already");
    assertThat(run("admin", "add-token", "bad name!", "--scope", "report").code()).isEqualTo(2);
    CliRun list = run("admin", "list-tokens");
    assertThat(list.out()).contains("abuse-desk").contains("never").doesNotContain(created.out().strip());
    assertThat(run("admin", "remove-token", "abuse-desk").code()).isZero();
    assertThat(run("admin", "remove-token", "abuse-desk").code()).isEqualTo(1);
  }

  @Test
  void badInputGetsAClearErrorAndNoStackTrace() {
    for (String[] args : new String[][] {
        {"blocklist", "add", "999.1.1.1"},
        {"blocklist", "add", "192.0.2.1", "--category", "evil"},
        {"blocklist", "list", "--state", "gone"},
        {"blocklist", "show", "not-an-ip"},
        {"blocklist", "add", "192.0.2.1", "--note", "x".repeat(2000)},
        {"blocklist", "appeal", "192.0.2.1", "--contact", "nobody", "--message", "m"},
        {"blocklist", "export", "--format", "bind"}}) {
      CliRun run = run(args);
      assertThat(run.code()).as(String.join(" ", args)).isEqualTo(2);
      assertThat(run.err()).as(String.join(" ", args)).isNotBlank().doesNotContain("\tat ").doesNotContain("Exception");
    }
    assertThat(run("blocklist", "list", "--state", "all").out()).doesNotContain("192.0.2.1");
  }

  @Test
  void aBinaryImportFileAndAnEmptyNoteAreRefusedClearly() throws Exception {
    Path binary = dir.resolve("binary.txt");
    Files.write(binary, new byte[] {'1', '9', '2', '.', (byte) 0xC3, (byte) 0x28, '\n', (byte) 0xFF, (byte) 0xFE});
    CliRun run = run("blocklist", "import", binary.toString());
    assertThat(run.code()).isEqualTo(2);
    assertThat(run.err()).contains("not a text file").contains("nothing imported");
    run("blocklist", "add", "192.0.2.1");
    CliRun note = run("blocklist", "note", "192.0.2.1", " ");
    assertThat(note.code()).isEqualTo(2);
    assertThat(note.err()).contains("must not be empty");
    assertThat(run("blocklist", "show", "192.0.2.1").out()).doesNotContain("Notes");
  }
}
