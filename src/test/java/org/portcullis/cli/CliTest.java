package org.portcullis.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CliTest {

  @TempDir
  Path dir;

  private record Run(int code, String out, String err) {}

  private Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.execute(args, new PrintWriter(out, true), new PrintWriter(err, true));
    return new Run(code, out.toString(), err.toString());
  }

  private Path config(String toml) throws Exception {
    Path file = dir.resolve("portcullis.toml");
    Files.writeString(file, "[server]\ndata-dir = \"" + dir.resolve("data") + "\"\n" + toml);
    return file;
  }

  @Test
  void versionPrintsTheVersion() {
    Run run = run("version");
    assertThat(run.code()).isZero();
    assertThat(run.out()).startsWith("portcullis ");
  }

  @Test
  void checkConfigSummarisesAValidFile() throws Exception {
    Run run = run("check-config", "-c", config("[mail]\naccepted-domains = [\"corp.example\"]\n").toString());
    assertThat(run.code()).isZero();
    assertThat(run.out()).contains("configuration OK").contains("corp.example").contains("relay-control")
        .contains("submission        127.0.0.1:2587 (STARTTLS), AUTH required")
        .contains("web               127.0.0.1:8080 (HTTP), admin pages, tenant portal; public address "
            + "http://127.0.0.1:8080")
        .contains("recipients        only existing mailboxes");
  }

  @Test
  void checkConfigShowsListenersScoresAndDefaultChoices() throws Exception {
    Run run = run("check-config", "-c", config("""
        [checks.dnsbl]
        on-reject = "score"
        score = 6
        [checks.client-generic-ptr]
        on-reject = "per-recipient"
        [actions]
        quarantine = 12
        [[smtp.listeners]]
        name = "partners"
        listen = "127.0.0.1:2526"
        [smtp.listeners.checks.client-generic-ptr]
        default-choice = "tag"
        """).toString());
    assertThat(run.code()).as(run.err()).isZero();
    assertThat(run.out()).contains("SMTP listener     127.0.0.1:2526 (listener partners; client-generic-ptr enforce  "
        + "on-reject=per-recipient (default tag))", "dnsbl                enforce  on-reject=score (6.0)",
        "score actions     tag 5.0, rewrite-subject off, quarantine 12.0, reject 15.0");
  }

  @Test
  void checkConfigNamesTheBadKeyWithoutAStackTrace() throws Exception {
    Run run = run("check-config", "-c", config("[smtp]\nrecipients-max = 10\n").toString());
    assertThat(run.code()).isEqualTo(2);
    assertThat(run.err()).contains("smtp.recipients-max").contains("between 100 and").doesNotContain("Exception").doesNotContain("\tat ");
  }

  @Test
  void aMissingConfigFileIsAClearError() {
    Run run = run("check-config", "-c", dir.resolve("nope.toml").toString());
    assertThat(run.code()).isEqualTo(2);
    assertThat(run.err()).contains("nope.toml").contains("cannot read");
  }

  @Test
  void whyRefusesSomethingThatIsNotAReference() throws Exception {
    Run run = run("why", "-c", config("").toString(), "<script>");
    assertThat(run.code()).isEqualTo(2);
    assertThat(run.err()).contains("is not a reference");
  }

  @Test
  void whyReportsAnUnknownReference() throws Exception {
    Path file = config("");
    Files.createDirectories(dir.resolve("data"));
    try (var store = org.portcullis.store.sqlite.SqliteStore.open(dir.resolve("data/portcullis.db"))) {
      store.refusals().flush();
    }
    Run run = run("why", "-c", file.toString(), "0000000000AB");
    assertThat(run.code()).isEqualTo(1);
    assertThat(run.err()).contains("no refusal with reference 0000000000AB");
  }

  @Test
  void policyTestRunsAScriptWithStaticDnsAndExplains() throws Exception {
    Path script = dir.resolve("script.txt");
    Files.writeString(script, """
        # a sender without reverse DNS
        client 192.0.2.44
        helo mail.example.org
        mail <a@example.org>
        rcpt <b@example.test>
        """);
    Run run = run("policy-test", "-c", config("").toString(), "--static-dns", "--explain", script.toString());
    assertThat(run.code()).isZero();
    assertThat(run.out()).contains("client 192.0.2.44\n  OK")
        .contains("550 5.7.25 Client host [192.0.2.44] has no reverse DNS (PTR) record")
        .contains("PTR query: 44.2.0.192.in-addr.arpa -> NXDOMAIN")
        .contains("fix: Ask whoever controls the IP address 192.0.2.44")
        .containsPattern("record; ref=[0-9A-Z]{16}  \\[client-ptr\\]")
        .contains("policy-test records nothing, so portcullis why and /ref/ cannot find them");
  }

  @Test
  void policyTestReportsBadScriptLines() throws Exception {
    Path script = dir.resolve("bad.txt");
    Files.writeString(script, "helo before client\nclient not-an-ip\nclient 192.0.2.1\nfrobnicate\n");
    Run run = run("policy-test", "-c", config("").toString(), "--static-dns", script.toString());
    assertThat(run.code()).isEqualTo(2);
    assertThat(run.out()).contains("start with \"client <ip>\"").contains("not an IP address").contains("unknown event");
  }

  @Test
  void anUnknownCommandShowsUsage() {
    Run run = run("frobnicate");
    assertThat(run.code()).isEqualTo(2);
    assertThat(run.err()).contains("Unmatched argument").contains("frobnicate");
  }

  @Test
  void helpWorksOnEveryCommandAndSubcommandAndNamesTheExitCodes() {
    java.util.List<java.util.List<String>> paths = new java.util.ArrayList<>();
    collect(new picocli.CommandLine(new Main()), new java.util.ArrayList<>(), paths);
    assertThat(paths).hasSizeGreaterThan(40);
    for (java.util.List<String> path : paths) {
      java.util.List<String> args = new java.util.ArrayList<>(path);
      args.add("--help");
      Run run = run(args.toArray(String[]::new));
      assertThat(run.code()).as(String.join(" ", args) + ": " + run.err()).isZero();
      assertThat(run.out()).as(String.join(" ", args)).contains("Usage: portcullis", "Exit codes:",
          "2   bad usage, bad input or a configuration error");
    }
  }

  private static void collect(picocli.CommandLine command, java.util.List<String> path,
      java.util.List<java.util.List<String>> out) {
    out.add(java.util.List.copyOf(path));
    command.getSubcommands().forEach((name, sub) -> {
      if (!name.equals("help") && sub.getCommandSpec().name().equals(name)) {
        java.util.List<String> next = new java.util.ArrayList<>(path);
        next.add(name);
        collect(sub, next, out);
      }
    });
  }

  @Test
  void anImportFromADeviceOrPipeStopsAtTheLimitInsteadOfRunningOutOfMemory() throws Exception {
    Path config = config("[lists]\nimport-max-bytes = 4096\n");
    Run run = run("whitelist", "import", "bob@example.test", "/dev/zero", "-c", config.toString());
    assertThat(run.code()).isEqualTo(2);
    assertThat(run.err()).contains("/dev/zero is larger than 4096 bytes (lists.import-max-bytes)")
        .doesNotContain("OutOfMemoryError", "\tat ");
  }

  @Test
  void anUnusableDataDirectoryNamesTheKeyAndTheReason() throws Exception {
    Path file = Files.writeString(dir.resolve("not-a-directory"), "x");
    Path config = dir.resolve("bad-data.toml");
    Files.writeString(config, "[server]\ndata-dir = \"" + file + "\"\n[smtp]\nlisten = \"127.0.0.1:0\"\n");
    Run run = run("serve", "-c", config.toString());
    assertThat(run.code()).isEqualTo(1);
    assertThat(run.err()).contains("server.data-dir", file.toString(), "exists and is not a directory")
        .doesNotContain("\tat ");
  }
}
