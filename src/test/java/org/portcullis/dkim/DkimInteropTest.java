package org.portcullis.dkim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.portcullis.dns.DnsRecord;
import org.portcullis.dns.DnsType;
import org.portcullis.dns.StaticDnsResolver;
import org.portcullis.mail.RawMessage;

/**
 * DKIM against an implementation we did not write: Debian's python3-dkim (dkimpy) verifies the
 * signatures our signer makes, and ours verifies the ones it makes, in both canonicalizations;
 * ours checks OpenDKIM's (opendkim-testmsg). Skipped, with a notice, where python3-dkim or
 * opendkim-tools is not installed ({@code .ci/run} installs both).
 */
class DkimInteropTest {

  private static final Path PYTHON = Path.of("/usr/bin/python3");
  private static final String MESSAGE = "From: Alice <alice@example.com>\r\nTo: bob@example.net\r\n"
      + "Subject: interop\r\nDate: Thu, 03 Dec 2026 10:00:00 +0000\r\nMessage-ID: <2@example.com>\r\n\r\n"
      + "Hello Bob,\r\n\r\n  two  spaces\tand a tab, then trailing blank lines.\r\n\r\n\r\n";
  private static KeyPair key;

  @TempDir
  Path dir;

  @BeforeAll
  static void keys() {
    key = DkimTestKeys.rsa(2048);
  }

  private static boolean dkimpyInstalled() {
    try {
      return run(List.of(PYTHON.toString(), "-c", "import dkim"), null).exitCode == 0;
    } catch (IOException e) {
      return false;
    }
  }

  private record Run(int exitCode, String out) {}

  private static Run run(List<String> command, Path stdin) throws IOException {
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    if (stdin != null) {
      builder.redirectInput(stdin.toFile());
    }
    Process process = builder.start();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    process.getInputStream().transferTo(out);
    try {
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IOException("python3 did not finish: " + command);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
    return new Run(process.exitValue(), out.toString(StandardCharsets.UTF_8));
  }

  private void requireDkimpy() {
    boolean installed = dkimpyInstalled();
    if (!installed) {
      System.out.println("DkimInteropTest skipped: /usr/bin/python3 with python3-dkim is not installed");
    }
    assumeTrue(installed, "python3-dkim is not installed");
  }

  @Test
  void dkimpyVerifiesTheSignaturesOurSignerMakes() throws Exception {
    requireDkimpy();
    RawMessage message = RawMessage.parse(MESSAGE.getBytes(StandardCharsets.UTF_8));
    String signature = new DkimSigner("example.com", "sel", key.getPrivate())
        .sign(message.headerFields(), message.body(), Instant.now());
    Path signed = dir.resolve("signed.eml");
    Files.writeString(signed, signature + "\r\n" + MESSAGE, StandardCharsets.UTF_8);
    String record = DkimTestKeys.record(key);
    Run verified = run(List.of(PYTHON.toString(), "-c", """
        import sys, dkim
        record = sys.argv[1].encode()
        def dns(name, timeout=5):
            return record if name == b'sel._domainkey.example.com.' else None
        print(dkim.verify(sys.stdin.buffer.read(), dnsfunc=dns))
        """, record), signed);
    assertThat(verified.out().strip()).as(verified.out()).isEqualTo("True");
  }

  @Test
  void ourVerifierChecksOpenDkimSignaturesAndFailsTheirRsaSha1AsRfc8301Asks() throws Exception {
    Path testmsg = Path.of("/usr/sbin/opendkim-testmsg");
    if (!Files.isExecutable(testmsg)) {
      System.out.println("DkimInteropTest: OpenDKIM part skipped: opendkim-testmsg (opendkim-tools) is not installed");
    }
    assumeTrue(Files.isExecutable(testmsg), "opendkim-tools is not installed");
    Path pem = dir.resolve("od.pem");
    Files.writeString(pem, "-----BEGIN PRIVATE KEY-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(key.getPrivate().getEncoded())
        + "\n-----END PRIVATE KEY-----\n");
    Path message = dir.resolve("od.eml");
    Files.writeString(message, "From: alice@example.com\r\nTo: bob@example.net\r\nSubject: from OpenDKIM\r\n"
        + "Date: Thu, 03 Dec 2026 10:00:00 +0000\r\nMessage-ID: <od@example.com>\r\n\r\nSigned by libopendkim.\r\n",
        StandardCharsets.UTF_8);
    // opendkim-testmsg signs with libopendkim's default, rsa-sha1, and offers no other.
    Run signed = run(List.of(testmsg.toString(), "-C", "-d", "example.com", "-k", pem.toString(), "-s", "od"), message);
    assertThat(signed.exitCode()).as(signed.out()).isZero();
    RawMessage parsed = RawMessage.parse(signed.out().replaceAll("(?<!\r)\n", "\r\n").getBytes(StandardCharsets.UTF_8));
    assertThat(parsed.headerFields().getFirst()).startsWith("DKIM-Signature:").contains("a=rsa-sha1");
    StaticDnsResolver dns = new StaticDnsResolver().add("od._domainkey.example.com", DnsType.TXT,
        new DnsRecord.Txt(DkimTestKeys.record(key)));
    DkimVerifier verifier = new DkimVerifier(dns, Duration.ofSeconds(2));
    DkimSignature result = verifier.verify(parsed.headerFields(), parsed.body()).signatures().getFirst();
    // The hashes and the RSA signature verified (else the reason would be a mismatch); RFC 8301 then fails it.
    assertThat(result.result()).isEqualTo(DkimResult.FAIL);
    assertThat(result.reason()).isEqualTo("rsa-sha1 is not accepted (RFC 8301 3.1)");
    List<String> tampered = new ArrayList<>(parsed.headerFields());
    tampered.replaceAll(f -> f.startsWith("Subject:") ? "Subject: changed" : f);
    assertThat(verifier.verify(tampered, parsed.body()).signatures().getFirst().reason())
        .startsWith("signature does not verify");
  }

  @Test
  void ourVerifierAcceptsDkimpySignaturesInBothCanonicalizationsAndRefusesATamperedOne() throws Exception {
    requireDkimpy();
    Path pem = dir.resolve("key.pem");
    Files.writeString(pem, "-----BEGIN PRIVATE KEY-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(key.getPrivate().getEncoded())
        + "\n-----END PRIVATE KEY-----\n");
    Path message = dir.resolve("message.eml");
    Files.writeString(message, MESSAGE, StandardCharsets.UTF_8);
    StaticDnsResolver dns = new StaticDnsResolver().add("py._domainkey.example.com", DnsType.TXT,
        new DnsRecord.Txt(DkimTestKeys.record(key)));
    DkimVerifier verifier = new DkimVerifier(dns, Duration.ofSeconds(2));
    for (String canonicalization : List.of("relaxed/relaxed", "simple/simple", "relaxed/simple")) {
      String[] c = canonicalization.split("/");
      Run signed = run(List.of(PYTHON.toString(), "-c", """
          import sys, dkim
          key = open(sys.argv[1], 'rb').read()
          msg = sys.stdin.buffer.read()
          sig = dkim.sign(msg, b'py', b'example.com', key, canonicalize=(sys.argv[2].encode(), sys.argv[3].encode()),
                          include_headers=[b'from', b'to', b'subject', b'date', b'message-id'])
          sys.stdout.buffer.write(sig + msg)
          """, pem.toString(), c[0], c[1]), message);
      RawMessage parsed = RawMessage.parse(signed.out().getBytes(StandardCharsets.UTF_8));
      assertThat(parsed.headerFields().getFirst()).as(signed.out()).startsWith("DKIM-Signature:");
      DkimOutcome outcome = verifier.verify(parsed.headerFields(), parsed.body());
      assertThat(outcome.signatures()).as(canonicalization).singleElement()
          .satisfies(s -> assertThat(s.result()).as(s.reason()).isEqualTo(DkimResult.PASS));

      List<String> tampered = new ArrayList<>(parsed.headerFields());
      tampered.replaceAll(f -> f.startsWith("To:") ? "To: mallory@example.org" : f);
      assertThat(verifier.verify(tampered, parsed.body()).signatures().getFirst().result()).as(canonicalization)
          .isEqualTo(DkimResult.FAIL);
    }
  }
}
