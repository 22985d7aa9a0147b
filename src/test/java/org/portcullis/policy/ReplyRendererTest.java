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
    Verdict.Reject reject = new Verdict.Reject(RefusalKind.POLICY, EnhancedStatus.parse("5.7.25"), reason,
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

  private static final Explanation WHY = Explanation.builder().fact("f", "v").rule("r", "f");

  @Test
  void theBasicCodeComesFromTheKindOfRefusalAndWhereItIsAnswered() {
    Verdict.Reject syntax = new Verdict.Reject(RefusalKind.SYNTAX, EnhancedStatus.parse("5.5.2"), "bad", WHY);
    Verdict.Reject policy = Verdict.reject("5.7.1", "no", WHY);
    Verdict.Reject transaction = new Verdict.Reject(RefusalKind.TRANSACTION, EnhancedStatus.parse("5.7.1"), "no", WHY);
    assertThat(ReplyRenderer.basicCode(syntax, false)).isEqualTo(501);
    assertThat(ReplyRenderer.basicCode(policy, false)).isEqualTo(550);
    assertThat(ReplyRenderer.basicCode(transaction, false)).isEqualTo(554);
    assertThat(ReplyRenderer.basicCode(policy, true)).as("instead of the greeting (RFC 5321 3.1)").isEqualTo(554);
    Verdict.Disconnect closing = new Verdict.Disconnect(RefusalKind.CLOSING, EnhancedStatus.parse("4.7.0"), "busy", WHY);
    assertThat(ReplyRenderer.basicCode(closing, true)).isEqualTo(421);
  }

  @Test
  void aDeferredRefusalIs450WhateverItsPermanentCodeAnd451OnlyForOurOwnFailure() {
    for (RefusalKind kind : java.util.List.of(RefusalKind.SYNTAX, RefusalKind.SEQUENCE, RefusalKind.PARAMETER,
        RefusalKind.POLICY, RefusalKind.MAILBOX_NAME, RefusalKind.TRANSACTION)) {
      Verdict.Tempfail deferred = new Verdict.Reject(kind, EnhancedStatus.parse("5.7.1"), "x", WHY).deferred();
      assertThat(ReplyRenderer.basicCode(deferred, false)).as(kind.name()).isEqualTo(450);
      assertThat(deferred.status().toString()).isEqualTo("4.7.1");
    }
    Verdict.Tempfail ours = new Verdict.Tempfail(RefusalKind.LOCAL_ERROR, EnhancedStatus.parse("4.3.0"), "x", WHY);
    assertThat(ReplyRenderer.basicCode(ours, true)).isEqualTo(451);
  }

  @Test
  void aRefusalAnsweredInsteadOfTheGreetingIsRendered554() {
    ReplyRenderer renderer = new ReplyRenderer("mx.example.test", References.unguessable(), log, FakeSession.CLOCK, "");
    Finding finding = new Finding("client-ptr", Phase.CONNECT, Verdict.reject("5.7.25", "no PTR", WHY), false);
    assertThat(renderer.refuse(finding, new FakeSession(), Optional.empty(), true).reply().code()).isEqualTo(554);
    assertThat(renderer.refuse(finding, new FakeSession(), Optional.empty(), false).reply().code()).isEqualTo(550);
    assertThat(log.all()).extracting(RefusalRecord::replyCode).containsExactly(554, 550);
  }
}
