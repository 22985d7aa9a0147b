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
    assertThat(run.out()).contains("configuration OK").contains("corp.example").contains("relay-control");
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
        .contains("fix: Ask whoever controls the IP address 192.0.2.44");
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
}
