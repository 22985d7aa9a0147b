package org.portcullis.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.portcullis.mail.EnhancedStatus;
import org.portcullis.mail.References;
import org.portcullis.testing.FakeSession;

/** Issue 12: every refusal's reply names where its explanation is, within RFC 5321's 512 octets. */
class ReplyRendererTest {

  private final MemoryRefusalLog log = new MemoryRefusalLog();

  private RecordedRefusal refuse(String publicUrl, String reason) {
    ReplyRenderer renderer = new ReplyRenderer("mx.example.test", References.unguessable(), log, FakeSession.CLOCK,
        publicUrl);
    Verdict.Reject reject = new Verdict.Reject(550, EnhancedStatus.parse("5.7.25"), reason,
        Explanation.builder().fact("client address", "192.0.2.9").rule("rule", "fix"));
    return renderer.refuse(new Finding("client-ptr", Phase.CONNECT, reject, false), new FakeSession(),
        Optional.empty());
  }

  @Test
  void aRefusalsReplyEndsWithTheAddressOfItsExplanation() {
    RecordedRefusal r = refuse("https://mx.example.org", "Client host [192.0.2.9] has no reverse DNS (PTR) record");
    assertThat(r.reply().wire(true)).isEqualTo("550 5.7.25 Client host [192.0.2.9] has no reverse DNS (PTR) record; "
        + "see https://mx.example.org/ref/" + r.reference() + "\r\n");
    assertThat(log.all().getFirst().replyText()).endsWith("/ref/" + r.reference());
  }

  @Test
  void aLongReasonIsCutSoThatTheWholeReplyWithItsAddressFits512Octets() {
    String url = "https://" + "a".repeat(180) + ".example";
    RecordedRefusal r = refuse(url, "x".repeat(2000));
    byte[] wire = r.reply().wire(true).getBytes(StandardCharsets.US_ASCII);
    assertThat(wire.length).isLessThanOrEqualTo(512);
    assertThat(r.reply().wire(true)).endsWith("; see " + url + "/ref/" + r.reference() + "\r\n");
  }

  @Test
  void withoutAPublicAddressTheReplyCarriesTheBareReference() {
    RecordedRefusal r = refuse("", "No thanks");
    assertThat(r.reply().toString()).isEqualTo("550 5.7.25 No thanks; ref=" + r.reference());
  }

  @Test
  void referencesAreSixteenCharactersOfRandomnessThatShareNoPrefixInOrder() {
    References refs = References.unguessable();
    Set<String> prefixes = new HashSet<>();
    Set<String> all = new HashSet<>();
    for (int i = 0; i < 2000; i++) {
      String ref = refs.next();
      assertThat(ref).hasSize(16).matches("[0-9A-HJKMNP-TV-Z]{16}");
      assertThat(References.isWellFormed(ref)).isTrue();
      all.add(ref);
      prefixes.add(ref.substring(0, 5));
    }
    assertThat(all).hasSize(2000);
    // A clock-and-counter reference shares its first characters with the next; random ones do not
    // (2000 draws from 32^5 prefixes collide a few times at most).
    assertThat(prefixes.size()).isGreaterThan(1990);
  }

  @Test
  void statusTokensCarry128Bits() {
    String token = References.token();
    assertThat(token).hasSize(22).matches("[A-Za-z0-9_-]{22}");
    assertThat(References.isToken(token)).isTrue();
    assertThat(References.isToken("../../etc/passwd")).isFalse();
    assertThat(References.token()).isNotEqualTo(token);
  }
}
