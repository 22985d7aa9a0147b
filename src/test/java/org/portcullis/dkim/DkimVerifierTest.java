package org.portcullis.dkim;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.james.jdkim.DKIMSigner;
import org.apache.james.jdkim.api.BodyHasher;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.portcullis.dns.DnsRecord;
import org.portcullis.dns.DnsStatus;
import org.portcullis.dns.DnsType;
import org.portcullis.dns.StaticDnsResolver;

/**
 * DKIM verification: a signature made by our signer verifies, tampering with the body or a signed
 * field fails it, an unsigned field added does not, and each broken input (tags, keys, expiry,
 * {@code l=}, DNS) ends in a recorded result that is never a pass.
 */
class DkimVerifierTest {

  private static final String BODY = "Hello,\r\n\r\nthe minutes are attached.\r\n";
  private static KeyPair key;
  private static KeyPair shortKey;

  private final StaticDnsResolver dns = new StaticDnsResolver();
  private final DkimVerifier verifier = new DkimVerifier(dns, Duration.ofSeconds(2));

  @BeforeAll
  static void keys() {
    key = DkimTestKeys.rsa(2048);
    shortKey = DkimTestKeys.rsa(512);
  }

  private static List<String> header() {
    return new ArrayList<>(List.of("From: Alice <alice@example.com>", "To: bob@example.net",
        "Subject: minutes", "Date: Thu, 03 Dec 2026 10:00:00 +0000", "Message-ID: <1@example.com>"));
  }

  private static List<String> signed(List<String> header, String body) throws IOException {
    DkimSigner signer = new DkimSigner("example.com", "sel", key.getPrivate());
    List<String> out = new ArrayList<>();
    out.add(signer.sign(header, stream(body), Instant.now()));
    out.addAll(header);
    return out;
  }

  /** A signature made by jDKIM from a template we choose, for shapes our signer never makes. */
  private static List<String> signedWithTemplate(String template, KeyPair pair, String body) throws Exception {
    DKIMSigner signer = new DKIMSigner(template, pair.getPrivate());
    BodyHasher hasher = signer.newBodyHasher(signer.newSignatureRecordTemplate(template));
    try (var out = hasher.getOutputStream()) {
      out.write(body.getBytes(StandardCharsets.UTF_8));
    }
    List<String> out = new ArrayList<>();
    out.add(signer.sign(new HeaderFields(header()), hasher));
    out.addAll(header());
    return out;
  }

  private static ByteArrayInputStream stream(String body) {
    return new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8));
  }

  private DkimSignature only(List<String> fields, String body) {
    DkimOutcome outcome = verifier.verify(fields, stream(body));
    assertThat(outcome.signatures()).hasSize(1);
    return outcome.signatures().getFirst();
  }

  private void publish(String record) {
    dns.add("sel._domainkey.example.com", DnsType.TXT, new DnsRecord.Txt(record));
  }

  @Test
  void aSignatureOfOurSignerVerifiesAndNamesDomainSelectorAndSignatureStart() throws Exception {
    publish(DkimTestKeys.record(key));
    List<String> fields = signed(header(), BODY);
    assertThat(fields.getFirst()).startsWith("DKIM-Signature: ").contains("a=rsa-sha256;").contains(";\r\n\t")
        .contains("h=from:from:to:subject:date:message-id;").contains("c=relaxed/relaxed;");
    DkimSignature result = only(fields, BODY);
    assertThat(result.result()).isEqualTo(DkimResult.PASS);
    assertThat(result.domain()).isEqualTo("example.com");
    assertThat(result.selector()).isEqualTo("sel");
    assertThat(result.signatureStart()).hasSize(8);
    assertThat(fields.getFirst().replaceAll("\\s", "")).contains("b=" + result.signatureStart());
  }

  @Test
  void aChangedBodyFails() throws Exception {
    publish(DkimTestKeys.record(key));
    DkimSignature result = only(signed(header(), BODY), BODY.replace("minutes", "invoice"));
    assertThat(result.result()).isEqualTo(DkimResult.FAIL);
    assertThat(result.reason()).contains("body hash mismatch");
  }

  @Test
  void aChangedSignedFieldFailsAndAnAddedUnsignedFieldDoesNot() throws Exception {
    publish(DkimTestKeys.record(key));
    List<String> fields = signed(header(), BODY);
    List<String> changed = new ArrayList<>(fields);
    changed.replaceAll(f -> f.startsWith("Subject:") ? "Subject: pay this invoice" : f);
    assertThat(only(changed, BODY).result()).isEqualTo(DkimResult.FAIL);
    List<String> added = new ArrayList<>(fields);
    added.add("X-Mailing-List: added on the way");
    added.addFirst("Received: from relay.example.org by mx.example.net; Thu, 03 Dec 2026 10:00:01 +0000");
    assertThat(only(added, BODY).result()).isEqualTo(DkimResult.PASS);
  }

  @Test
  void aSecondFromAddedAfterSigningFailsBecauseFromIsOverSigned() throws Exception {
    publish(DkimTestKeys.record(key));
    List<String> fields = signed(header(), BODY);
    fields.add("From: CEO <ceo@example.com>");
    assertThat(only(fields, BODY).result()).isEqualTo(DkimResult.FAIL);
  }

  @Test
  void relaxedCanonicalizationToleratesRefoldingAndTrailingBlankLines() throws Exception {
    publish(DkimTestKeys.record(key));
    List<String> fields = signed(header(), BODY);
    fields.replaceAll(f -> f.startsWith("Subject:") ? "Subject:    minutes" : f);
    assertThat(only(fields, BODY + "\r\n\r\n").result()).isEqualTo(DkimResult.PASS);
  }

  @Test
  void noKeyARevokedKeyAndAKeyThatIsNotBase64ArePermanentErrors() throws Exception {
    List<String> fields = signed(header(), BODY);
    assertThat(only(fields, BODY).result()).as("no key record").isEqualTo(DkimResult.PERMERROR);
    dns.fail("sel._domainkey.example.com", DnsType.TXT, DnsStatus.NXDOMAIN);
    assertThat(only(fields, BODY).result()).isEqualTo(DkimResult.PERMERROR);
    StaticDnsResolver revoked = new StaticDnsResolver().add("sel._domainkey.example.com", DnsType.TXT,
        new DnsRecord.Txt("v=DKIM1; k=rsa; p="));
    DkimSignature r = new DkimVerifier(revoked, Duration.ofSeconds(2)).verify(fields, stream(BODY)).signatures().getFirst();
    assertThat(r.result()).isEqualTo(DkimResult.PERMERROR);
    assertThat(r.reason()).containsIgnoringCase("revoked");
    StaticDnsResolver garbage = new StaticDnsResolver().add("sel._domainkey.example.com", DnsType.TXT,
        new DnsRecord.Txt("v=DKIM1; k=rsa; p=%%%not*base64%%%"));
    assertThat(new DkimVerifier(garbage, Duration.ofSeconds(2)).verify(fields, stream(BODY)).signatures().getFirst()
        .result()).isEqualTo(DkimResult.PERMERROR);
  }

  @Test
  void aKeyLookupThatDoesNotAnswerIsATemporaryError() throws Exception {
    dns.fail("sel._domainkey.example.com", DnsType.TXT, DnsStatus.TIMEOUT);
    assertThat(only(signed(header(), BODY), BODY).result()).isEqualTo(DkimResult.TEMPERROR);
    StaticDnsResolver servfail = new StaticDnsResolver().fail("sel._domainkey.example.com", DnsType.TXT,
        DnsStatus.SERVFAIL);
    assertThat(new DkimVerifier(servfail, Duration.ofSeconds(2)).verify(signed(header(), BODY), stream(BODY))
        .signatures().getFirst().result()).isEqualTo(DkimResult.TEMPERROR);
  }

  @Test
  void brokenSignatureFieldsArePermanentErrorsNeverExceptions() {
    publish(DkimTestKeys.record(key));
    for (String broken : List.of("DKIM-Signature: v=2; a=rsa-sha256; d=example.com; s=sel; h=from; bh=AAAA; b=AAAA",
        "DKIM-Signature: v=1; a=rsa-sha256; s=sel; h=from; bh=AAAA; b=AAAA",
        "DKIM-Signature: v=1; a=rsa-sha256; d=example.com; s=sel; h=subject; bh=AAAA; b=AAAA",
        "DKIM-Signature: v=1; a=rsa-sha256; d=example.com; s=sel; h=from; bh=AAAA; b=AAAA; l=99999999999999",
        "DKIM-Signature: v=1; a=rsa-sha256; d=example.com; s=sel; h=from; i=x@other.example; bh=AAAA; b=AAAA",
        "DKIM-Signature: garbage", "DKIM-Signature:", "DKIM-Signature: ;;;=;=", "DKIM-Signature: v=1; a=rsa")) {
      List<String> fields = header();
      fields.addFirst(broken);
      DkimOutcome outcome = verifier.verify(fields, stream(BODY));
      assertThat(outcome.signatures()).as(broken).hasSize(1);
      assertThat(outcome.signatures().getFirst().result()).as(broken).isIn(DkimResult.PERMERROR, DkimResult.FAIL);
    }
  }

  @Test
  void anExpiredSignatureIsAPermanentError() throws Exception {
    publish(DkimTestKeys.record(key));
    // jDKIM will not sign with an expiry in the past, so the field is written by hand: the expiry
    // is judged before any hash.
    List<String> fields = header();
    fields.addFirst("DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=example.com; s=sel; t=1600000000; "
        + "x=1600086400; h=from:subject; bh=2jUSOH9NhtVGCQWNr9BrIAPreKQjO6Sn7XIkfJVOzv8=; b=AAAA");
    DkimSignature result = only(fields, BODY);
    assertThat(result.result()).isEqualTo(DkimResult.PERMERROR);
    assertThat(result.reason()).containsIgnoringCase("expired");
  }

  @Test
  void aBodyLengthLongerThanTheBodyIsAPermanentError() throws Exception {
    publish(DkimTestKeys.record(key));
    String template = "v=1; a=rsa-sha256; c=relaxed/relaxed; d=example.com; s=sel; l=100000; h=from:subject; bh=; b=;";
    DkimSignature result = only(signedWithTemplate(template, key, BODY), BODY);
    assertThat(result.result()).isEqualTo(DkimResult.PERMERROR);
    assertThat(result.reason()).contains("l=100000 is longer than the body");
  }

  @Test
  void rsaSha1AndKeysUnder1024BitsFailEvenThoughTheyVerify() throws Exception {
    publish(DkimTestKeys.record(key));
    String sha1 = "v=1; a=rsa-sha1; c=relaxed/relaxed; d=example.com; s=sel; h=from:subject; bh=; b=;";
    DkimSignature result = only(signedWithTemplate(sha1, key, BODY), BODY);
    assertThat(result.result()).isEqualTo(DkimResult.FAIL);
    assertThat(result.reason()).contains("RFC 8301");

    dns.add("short._domainkey.example.com", DnsType.TXT, new DnsRecord.Txt(DkimTestKeys.record(shortKey)));
    String weak = "v=1; a=rsa-sha256; c=relaxed/relaxed; d=example.com; s=short; h=from:subject; bh=; b=;";
    result = only(signedWithTemplate(weak, shortKey, BODY), BODY);
    assertThat(result.result()).isEqualTo(DkimResult.FAIL);
    assertThat(result.reason()).contains("512 bits");
  }

  @Test
  void ed25519IsNeutralNeverAFailure() {
    dns.add("ed._domainkey.example.com", DnsType.TXT,
        new DnsRecord.Txt("v=DKIM1; k=ed25519; p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo="));
    List<String> fields = header();
    fields.addFirst("DKIM-Signature: v=1; a=ed25519-sha256; c=relaxed/relaxed; d=example.com; s=ed; h=from:subject; "
        + "bh=2jUSOH9NhtVGCQWNr9BrIAPreKQjO6Sn7XIkfJVOzv8=; b=/gCrinpcQOoIfuHNQIbq4pgh9kyIK3AQUdt9OdqQehSwhEIug4D11Bus"
        + "FGMpsuLbAhUE3jqFsNbd4GoPA+L2DRBA==");
    DkimSignature result = only(fields, BODY);
    assertThat(result.result()).isEqualTo(DkimResult.NEUTRAL);
    assertThat(result.reason()).contains("unsupported algorithm");
  }

  @Test
  void atMostFiveSignaturesAreVerified() throws Exception {
    publish(DkimTestKeys.record(key));
    List<String> fields = signed(header(), BODY);
    String signature = fields.getFirst();
    for (int i = 0; i < 7; i++) {
      fields.addFirst(signature.replace("s=sel", "s=sel" + i));
    }
    DkimOutcome outcome = verifier.verify(fields, stream(BODY));
    assertThat(outcome.signatures()).hasSize(DkimVerifier.SIGNATURES_MAX);
    assertThat(outcome.notVerified()).isEqualTo(3);
    assertThat(outcome.lookups()).hasSize(DkimVerifier.SIGNATURES_MAX);
  }

  @Test
  void aMessageWithoutSignaturesHasNone() {
    assertThat(verifier.verify(header(), stream(BODY))).isEqualTo(DkimOutcome.none());
  }
}
