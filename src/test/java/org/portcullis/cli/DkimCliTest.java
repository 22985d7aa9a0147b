package org.portcullis.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.portcullis.testing.TestDnsServer;

/**
 * {@code portcullis dkim keygen|list|check}: a key written private, its record printed in strings
 * of at most 255 octets, the signing key listed, and the published record checked against the key
 * through a real DNS server on loopback.
 */
class DkimCliTest {

  @TempDir
  Path dir;

  private TestDnsServer dns;
  private String config;

  @BeforeEach
  void configure() throws Exception {
    dns = TestDnsServer.start();
    Path file = dir.resolve("portcullis.toml");
    Files.writeString(file, "[server]\ndata-dir = \"" + dir.resolve("data") + "\"\nhostname = \"mx.example.test\"\n"
        + "[dns]\nservers = [\"" + dns.addressText() + "\"]\n");
    config = file.toString();
  }

  @AfterEach
  void stop() {
    dns.close();
  }

  /** The quoted strings of the zone line keygen printed. */
  private static List<String> strings(String out) {
    List<String> strings = new ArrayList<>();
    Matcher m = Pattern.compile("\"([^\"]*)\"").matcher(out.substring(out.indexOf("IN TXT")));
    while (m.find()) {
      strings.add(m.group(1));
    }
    return strings;
  }

  @Test
  void aKeyIsMadePrivateListedAndCheckedAgainstWhatDnsPublishes() throws Exception {
    CliRun made = CliRun.withConfig(config, "dkim", "keygen", "--domain", "Example.Test", "--selector", "2026a");
    assertThat(made.code()).as(made.err()).isZero();
    Path key = dir.resolve("data/dkim/example.test/2026a.pem");
    assertThat(Files.getPosixFilePermissions(key)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
    assertThat(Files.getPosixFilePermissions(key.getParent())).isEqualTo(PosixFilePermissions.fromString("rwx------"));
    assertThat(Files.readString(key)).startsWith("-----BEGIN PRIVATE KEY-----");
    assertThat(made.out()).contains("2026a._domainkey.example.test. IN TXT (");
    List<String> strings = strings(made.out());
    assertThat(strings).hasSizeGreaterThan(1).allSatisfy(s -> assertThat(s.length()).isLessThanOrEqualTo(255));
    assertThat(String.join("", strings)).startsWith("v=DKIM1; k=rsa; p=MIIBIjAN");

    CliRun listed = CliRun.withConfig(config, "dkim", "list");
    assertThat(listed.out()).containsPattern("example\\.test\\s+2026a\\s+2048\\s+yes");

    CliRun missing = CliRun.withConfig(config, "dkim", "check");
    assertThat(missing.code()).isEqualTo(1);
    assertThat(missing.out()).contains("2026a._domainkey.example.test: missing");

    dns.txt("2026a._domainkey.example.test", strings);
    CliRun published = CliRun.withConfig(config, "dkim", "check", "--domain", "example.test");
    assertThat(published.code()).as(published.out()).isZero();
    assertThat(published.out()).contains("ok: the published key matches 2026a.pem");

    CliRun second = CliRun.withConfig(config, "dkim", "keygen", "--domain", "example.test", "--selector", "2026b",
        "--bits", "1024");
    assertThat(second.code()).isZero();
    CliRun rotated = CliRun.withConfig(config, "dkim", "check", "--domain", "example.test");
    assertThat(rotated.code()).as("the new key is not published yet").isEqualTo(1);
    assertThat(CliRun.withConfig(config, "dkim", "list").out()).containsPattern("2026a\\s+2048\\s+no")
        .containsPattern("2026b\\s+1024\\s+yes");
  }

  @Test
  void badArgumentsAreRefusedAndWriteNothing() throws Exception {
    assertThat(CliRun.withConfig(config, "dkim", "keygen", "--domain", "not_a domain", "--selector", "s").code())
        .isEqualTo(2);
    assertThat(CliRun.withConfig(config, "dkim", "keygen", "--domain", "example.test", "--selector", "../etc").code())
        .isEqualTo(2);
    assertThat(CliRun.withConfig(config, "dkim", "keygen", "--domain", "example.test", "--selector", "s", "--bits",
        "512").code()).isEqualTo(2);
    CliRun notANumber = CliRun.withConfig(config, "dkim", "keygen", "--domain", "example.test", "--selector", "s",
        "--bits", "lots");
    assertThat(notANumber.code()).isEqualTo(2);
    assertThat(notANumber.err()).doesNotContain("Exception");
    assertThat(CliRun.withConfig(config, "dkim", "keygen", "--domain", "", "--selector", "s").code()).isEqualTo(2);
    assertThat(CliRun.withConfig(config, "dkim", "check", "--domain", "nosuch.example").code()).isEqualTo(2);
    assertThat(dir.resolve("data/dkim")).doesNotExist();
    assertThat(CliRun.withConfig(config, "dkim", "keygen", "--domain", "example.test", "--selector", "s").code()).isZero();
    CliRun again = CliRun.withConfig(config, "dkim", "keygen", "--domain", "example.test", "--selector", "s");
    assertThat(again.code()).isEqualTo(1);
    assertThat(again.err()).contains("exists already");
  }
}
