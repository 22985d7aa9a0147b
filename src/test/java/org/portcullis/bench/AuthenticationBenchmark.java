package org.portcullis.bench;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.portcullis.dkim.DkimOutcome;
import org.portcullis.dkim.DkimSigner;
import org.portcullis.dkim.DkimVerifier;
import org.portcullis.dmarc.DmarcEvaluator;
import org.portcullis.dmarc.DmarcOutcome;
import org.portcullis.dns.CachingDnsResolver;
import org.portcullis.dns.DnsRecord;
import org.portcullis.dns.DnsResolver;
import org.portcullis.dns.DnsType;
import org.portcullis.dns.StaticDnsResolver;
import org.portcullis.mail.RawMessage;
import org.portcullis.spf.SpfEvaluator;
import org.portcullis.spf.SpfOutcome;

/**
 * Sender authentication per call on one thread, DNS answered from a warm cache (issue 14): DKIM
 * verify and sign of a 2 kB message with a 2048-bit key, SPF for three record shapes, DMARC.
 * Run by {@code bench/jmh/run.sh}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class AuthenticationBenchmark {

  private DkimVerifier verifier;
  private DkimSigner signer;
  private List<String> fields;
  private List<String> signedFields;
  private byte[] body;
  private SpfEvaluator spf;
  private DmarcEvaluator dmarc;
  private InetAddress client;

  @Setup
  public void setUp() throws IOException, NoSuchAlgorithmException {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(2048);
    KeyPair key = generator.generateKeyPair();
    StringBuilder text = new StringBuilder("From: Alice <alice@example.com>\r\nTo: bob@example.net\r\n"
        + "Subject: quarterly figures\r\nDate: Thu, 03 Dec 2026 10:00:00 +0000\r\nMessage-ID: <bench@example.com>\r\n"
        + "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n");
    while (text.length() < 2048) {
      text.append("The figures for the quarter are attached; please check them before Friday.\r\n");
    }
    RawMessage message = RawMessage.parse(text.toString().getBytes(StandardCharsets.UTF_8));
    fields = message.headerFields();
    body = message.body().readAllBytes();
    signer = new DkimSigner("example.com", "sel", key.getPrivate());
    signedFields = new ArrayList<>();
    signedFields.add(signer.sign(fields, new ByteArrayInputStream(body), Instant.now()));
    signedFields.addAll(fields);

    StaticDnsResolver zone = new StaticDnsResolver();
    zone.add("sel._domainkey.example.com", DnsType.TXT,
        new DnsRecord.Txt("v=DKIM1; k=rsa; p=" + Base64.getEncoder().encodeToString(key.getPublic().getEncoded())));
    zone.add("ip4.example", DnsType.TXT, new DnsRecord.Txt("v=spf1 ip4:192.0.2.0/24 -all"));
    zone.add("include.example", DnsType.TXT, new DnsRecord.Txt("v=spf1 include:_spf.include.example -all"));
    zone.add("_spf.include.example", DnsType.TXT, new DnsRecord.Txt("v=spf1 ip4:198.51.100.0/24 ip4:192.0.2.1 ~all"));
    zone.add("_dmarc.example.com", DnsType.TXT, new DnsRecord.Txt("v=DMARC1; p=reject; rua=mailto:d@example.com"));
    DnsResolver cached = new CachingDnsResolver(zone, 10_000, Duration.ofHours(1), Duration.ofMinutes(5),
        Duration.ZERO, com.github.benmanes.caffeine.cache.Ticker.systemTicker());
    verifier = new DkimVerifier(cached, Duration.ofSeconds(5));
    spf = new SpfEvaluator(cached, Duration.ofSeconds(5));
    dmarc = new DmarcEvaluator(cached, Duration.ofSeconds(5));
    client = InetAddress.ofLiteral("192.0.2.1");
    if (!dkimVerify().signatures().getFirst().passed()) {
      throw new IllegalStateException("the benchmark's signature does not verify");
    }
  }

  @Benchmark
  public DkimOutcome dkimVerify() {
    return verifier.verify(signedFields, new ByteArrayInputStream(body));
  }

  @Benchmark
  public String dkimSign() throws IOException {
    return signer.sign(fields, new ByteArrayInputStream(body), Instant.EPOCH);
  }

  @Benchmark
  public SpfOutcome spfIp4Pass() {
    return spf.mailFrom(client, "a@ip4.example", "mx.ip4.example");
  }

  @Benchmark
  public SpfOutcome spfIncludePass() {
    return spf.mailFrom(client, "a@include.example", "mx.include.example");
  }

  @Benchmark
  public SpfOutcome spfNone() {
    return spf.mailFrom(client, "a@nopolicy.example", "mx.nopolicy.example");
  }

  @Benchmark
  public DmarcOutcome dmarcAlignedDkimPass() {
    return dmarc.evaluate("example.com", Optional.empty(), List.of("example.com"), 0.5);
  }
}
