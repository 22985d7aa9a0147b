package org.portcullis.diagnose;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.portcullis.testing.Cli;
import org.portcullis.testing.Senders;
import org.portcullis.testing.TestDnsServer;
import org.portcullis.testing.TestGateway;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** {@code portcullis diagnose}: the table, JSON, exit codes, bad flags, and a stranger's text kept harmless. */
class DiagnoseCliTest {

  @TempDir
  static Path data;
  static TestDnsServer dns;
  static Path config;

  @BeforeAll
  static void zones() throws Exception {
    dns = Senders.describe(TestDnsServer.start());
    dns.txt("good.example", "v=spf1 ip4:127.0.1.1 -all").txt("mail.good.example", "v=spf1 a -all");
    dns.txt("esc.example", "v=spf1 ip4:127.0.1.1 \u001b[2J -all").mx("esc.example", 10, "mail.good.example");
    config = data.resolve("portcullis.toml");
    Files.writeString(config, TestGateway.toml(data, dns.addressText()));
  }

  @AfterAll
  static void stop() {
    dns.close();
  }

  private static Cli.Run run(String... args) {
    String[] all = new String[args.length + 1];
    all[0] = "diagnose";
    System.arraycopy(args, 0, all, 1, args.length);
    return Cli.run(config, all);
  }

  @Test
  void aGoodServerExitsZeroAndABadOneOne() {
    Cli.Run good = run("--ip", Senders.GOOD, "--sender", "bob@good.example", "--helo", Senders.GOOD_NAME, "--no-connect");
    assertThat(good.code()).as(good.out() + good.err()).isZero();
    assertThat(good.out()).contains("diagnosis of 127.0.1.1, domain good.example, HELO mail.good.example",
        "pass     rdns.fcrdns", "pass     spf.mailfrom", "unknown  ttl.mx",
        // This test bed has no authoritative NS records (TtlProbeTest has): the TTLs are unknown, not a pass.
        "worst: unknown");
    Cli.Run bad = run("--ip", Senders.NO_PTR);
    assertThat(bad.code()).isEqualTo(1);
    assertThat(bad.out()).contains("fail     rdns.ptr", "-> The address 127.0.2.1 has no PTR record");
  }

  @Test
  void theReportIsAlsoJson() throws Exception {
    Cli.Run json = run("--ip", Senders.DYNAMIC, "--json");
    JsonNode report = JsonMapper.builder().build().readTree(json.out());
    assertThat(report.get("ip").asString()).isEqualTo("127.0.3.1");
    assertThat(report.get("worst").asString()).as("the TTLs: no NS records in this test bed").isEqualTo("unknown");
    assertThat(report.get("findings").values()).anySatisfy(f -> {
      assertThat(f.get("id").asString()).isEqualTo("rdns.generic");
      assertThat(f.get("status").asString()).isEqualTo("warn");
    });
    assertThat(json.code()).as("a warning or an unknown is not a failure").isZero();
  }

  @Test
  void aStrangersTextReachesNoTerminalAsControlCharacters() {
    Cli.Run run = run("--ip", Senders.GOOD, "--domain", "esc.example");
    assertThat(run.out()).contains("v=spf1 ip4:127.0.1.1 ?[2J -all").doesNotContain("\u001b");
  }

  @Test
  void aRefusalsReferenceNamesTheServerItsHeloAndItsSender() throws Exception {
    String reply;
    try (TestGateway gateway = TestGateway.start(data, dns);
        org.portcullis.testing.SmtpTestClient smtp = org.portcullis.testing.SmtpTestClient.connect(gateway.smtp(),
            Senders.NO_PTR)) {
      smtp.reply();
      reply = smtp.startTransaction("mail.noptr.example", "carl@good.example", "bob@example.test");
      gateway.gateway().store().refusals().flush();
    }
    assertThat(reply).startsWith("5");
    Cli.Run run = run("--ref", org.portcullis.testing.Refs.of(reply));
    assertThat(run.code()).as(run.err()).isEqualTo(1);
    assertThat(run.out()).contains("diagnosis of 127.0.2.1, domain good.example, HELO mail.noptr.example, sender "
        + "carl@good.example", "fail     rdns.ptr");
  }

  @Test
  void badFlagsAreUsageErrors() {
    assertThat(run("--ip", "300.1.2.3").code()).isEqualTo(2);
    assertThat(run("--ip", Senders.GOOD, "--domain", "not a domain").code()).isEqualTo(2);
    assertThat(run("--ip", Senders.GOOD, "--sender", "nobody").code()).isEqualTo(2);
    assertThat(run("--ip", Senders.GOOD, "--helo", "x".repeat(300)).code()).isEqualTo(2);
    assertThat(run().code()).as("nothing to diagnose").isEqualTo(2);
    assertThat(run("--ref", "<script>").code()).isEqualTo(2);
    Cli.Run unknown = run("--ref", "ABCDEFGHJKMNPQRS");
    assertThat(unknown.code()).isEqualTo(1);
    assertThat(unknown.err()).contains("no refusal ABCDEFGHJKMNPQRS").doesNotContain("Exception");
  }
}
