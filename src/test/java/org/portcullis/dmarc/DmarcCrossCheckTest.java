package org.portcullis.dmarc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.portcullis.dns.DnsjavaResolver;
import org.portcullis.testing.TestDnsServer;

/**
 * Our DMARC evaluation against another implementation: Debian's libmail-dmarc-perl
 * (Mail::DMARC::PurePerl) evaluates the same messages against the same records, served by the
 * in-process DNS server, and must give the same result and disposition. The sample covers
 * relaxed and strict alignment of SPF and DKIM, {@code sp=} for subdomains, organisational
 * domains under multi-label suffixes (example.co.uk, foo.blogspot.com) and a domain without a
 * policy. Names under TLDs missing from the public-suffix list ({@code .test}) are left out:
 * Mail::DMARC takes the TLD itself as the organisational domain there, we the name under it
 * (docs/configuration.md). Skipped, with a notice, where the package is not installed.
 */
class DmarcCrossCheckTest {

  @TempDir
  Path dir;

  private static final String[] CASES = {
      "example.com|example.com|-",
      "example.com|-|-",
      "example.com|bounces.example.com|-",
      "example.com|-|example.com",
      "example.com|-|mail.example.com",
      "example.com|-|example.net",
      "news.example.com|example.com|-",
      "news.example.com|-|-",
      "strict.example.org|strict.example.org|-",
      "strict.example.org|mail.strict.example.org|-",
      "strict.example.org|-|mail.strict.example.org",
      "strict.example.org|-|strict.example.org",
      "shop.example.co.uk|example.co.uk|-",
      "shop.example.co.uk|-|-",
      "example.co.uk|-|other.co.uk",
      "foo.blogspot.com|-|blogspot.com",
      "foo.blogspot.com|-|foo.blogspot.com",
      "foo.blogspot.com|bar.blogspot.com|-",
      "monitor.example.net|-|-",
      "nopolicy.example.net|-|-",
  };

  private static boolean mailDmarcInstalled() {
    try {
      Process p = new ProcessBuilder("perl", "-MMail::DMARC::PurePerl", "-e", "1").redirectErrorStream(true).start();
      p.getInputStream().transferTo(OutputStream.nullOutputStream());
      return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private static TestDnsServer zone(TestDnsServer dns) {
    for (String name : List.of("example.com", "news.example.com", "example.org", "strict.example.org",
        "example.co.uk", "shop.example.co.uk", "foo.blogspot.com", "example.net", "monitor.example.net",
        "nopolicy.example.net")) {
      dns.a(name, "192.0.2.80");
    }
    return dns.txt("_dmarc.example.com", "v=DMARC1; p=reject; sp=quarantine")
        .txt("_dmarc.strict.example.org", "v=DMARC1; p=quarantine; adkim=s; aspf=s")
        .txt("_dmarc.example.co.uk", "v=DMARC1; p=reject; sp=none")
        .txt("_dmarc.shop.example.co.uk", "v=DMARC1; p=quarantine")
        .txt("_dmarc.foo.blogspot.com", "v=DMARC1; p=reject")
        .txt("_dmarc.monitor.example.net", "v=DMARC1; p=none; rua=mailto:d@example.net");
  }

  @Test
  void mailDmarcAgreesWithUsOnEveryCase() throws Exception {
    boolean installed = mailDmarcInstalled();
    if (!installed) {
      System.out.println("DmarcCrossCheckTest skipped: perl with libmail-dmarc-perl is not installed");
    }
    assumeTrue(installed, "libmail-dmarc-perl is not installed");
    try (TestDnsServer dns = zone(TestDnsServer.start())) {
      Path script = dir.resolve("check.pl");
      try (var in = getClass().getResourceAsStream("/dmarc/mail-dmarc-check.pl")) {
        Files.write(script, in.readAllBytes());
      }
      Path input = dir.resolve("cases.txt");
      Files.writeString(input, String.join("\n", CASES) + "\n");
      Process perl = new ProcessBuilder("perl", script.toString(), Integer.toString(dns.address().getPort()))
          .redirectInput(input.toFile()).redirectErrorStream(true).start();
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      perl.getInputStream().transferTo(out);
      assertThat(perl.waitFor(120, TimeUnit.SECONDS)).isTrue();
      List<String> theirs = Arrays.stream(out.toString(StandardCharsets.UTF_8).split("\n"))
          .filter(l -> l.contains("|")).toList();

      DmarcEvaluator ours = new DmarcEvaluator(new DnsjavaResolver(List.of(dns.address()), Duration.ofMillis(500), 1),
          Duration.ofSeconds(3));
      List<String> mine = new ArrayList<>();
      for (String c : CASES) {
        String[] f = c.split("\\|", -1);
        DmarcOutcome o = ours.evaluate(f[0], f[1].equals("-") ? Optional.empty() : Optional.of(f[1]),
            f[2].equals("-") ? List.of() : List.of(f[2].split(",")), 0.0);
        mine.add(f[0] + "|" + o.result().label() + "|" + o.disposition().label());
      }
      assertThat(theirs).as("Mail::DMARC said:\n" + out.toString(StandardCharsets.UTF_8)).hasSize(CASES.length);
      for (int i = 0; i < CASES.length; i++) {
        assertThat(mine.get(i)).as("case " + CASES[i]).isEqualTo(theirs.get(i));
      }
    }
  }
}
