package org.portcullis.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.portcullis.dns.StaticDnsResolver;
import org.portcullis.mail.Cidr;
import org.portcullis.mail.EmailAddress;
import org.portcullis.mail.HeloName;
import org.portcullis.mail.MailParameters;
import org.portcullis.mail.Recipient;
import org.portcullis.mail.References;
import org.portcullis.policy.checks.ClientPtrCheck;
import org.portcullis.policy.checks.HeloFqdnCheck;
import org.portcullis.policy.checks.RelayControlCheck;
import org.portcullis.testing.FakeSession;

class SessionPolicyTest {

  private static final LocalSite SITE = new LocalSite("mx.example.test", Set.of("example.test"), List.of(),
      Set.of(), Set.of("postmaster", "abuse"), false);
  private final MemoryRefusalLog log = new MemoryRefusalLog();
  private final StaticDnsResolver dns = new StaticDnsResolver();

  private SessionPolicy session(boolean delayReject, List<ExceptionRule> exceptions, Check... checks) {
    List<PolicyChain.Entry> entries = java.util.Arrays.stream(checks)
        .map(c -> new PolicyChain.Entry(c, CheckSettings.enforce(Duration.ofSeconds(5)))).toList();
    PolicyEngine engine = new PolicyEngine(new PolicyChain(entries),
        new ReplyRenderer("mx.example.test", References.unguessable(), log, FakeSession.CLOCK, ""),
        exceptions, SITE, dns, FakeSession.CLOCK, delayReject);
    return engine.newSession(engine.client(InetAddress.ofLiteral("203.0.113.9"), 1234), new ProtocolFacts());
  }

  private static Recipient rcpt(String address) {
    return Recipient.of(EmailAddress.parse(address));
  }

  @Test
  void aConnectRejectionIsReportedAtRcptWithTheSameReferenceEachTime() {
    SessionPolicy s = session(true, List.of(), new ClientPtrCheck());
    assertThat(s.connect()).isInstanceOf(SessionPolicy.Decision.Proceed.class);
    assertThat(s.helo(HeloName.parse("mail.example.org"))).isInstanceOf(SessionPolicy.Decision.Proceed.class);
    assertThat(s.mail(FakeSession.path("<a@example.org>"), MailParameters.NONE))
        .isInstanceOf(SessionPolicy.Decision.Proceed.class);
    var first = (SessionPolicy.Decision.Refused) s.rcpt(rcpt("u1@example.test"));
    var second = (SessionPolicy.Decision.Refused) s.rcpt(rcpt("u2@example.test"));
    assertThat(first.refusal().reply().toString()).startsWith("550 5.7.25").contains("ref=" + first.refusal().reference());
    assertThat(second.refusal().reference()).isEqualTo(first.refusal().reference());
    assertThat(log.all()).hasSize(1);
    assertThat(log.all().getFirst().recipient()).isEqualTo("<u1@example.test>");
  }

  @Test
  void withoutDelayRejectAConnectRejectionIsImmediate() {
    SessionPolicy s = session(false, List.of(), new ClientPtrCheck());
    assertThat(s.connect()).isInstanceOf(SessionPolicy.Decision.Refused.class);
  }

  @Test
  void postmasterAndAbuseAreReachableWhateverTheChainSaysAboutTheClient() {
    SessionPolicy s = session(true, List.of(), new ClientPtrCheck(), new HeloFqdnCheck(), new RelayControlCheck(SITE));
    s.connect();
    s.helo(HeloName.parse("localhost"));
    s.mail(FakeSession.path("<a@example.org>"), MailParameters.NONE);
    assertThat(s.rcpt(rcpt("PostMaster@example.test"))).isInstanceOf(SessionPolicy.Decision.Proceed.class);
    assertThat(s.rcpt(rcpt("abuse@example.test"))).isInstanceOf(SessionPolicy.Decision.Proceed.class);
    assertThat(s.rcpt(rcpt("postmaster@elsewhere.example"))).isInstanceOf(SessionPolicy.Decision.Refused.class);
    assertThat(s.rcpt(rcpt("user@example.test"))).isInstanceOf(SessionPolicy.Decision.Refused.class);
    assertThat(s.acceptedRecipients()).extracting(r -> r.address().localPart()).containsExactly("PostMaster", "abuse");
  }

  @Test
  void aRecipientExceptionLiftsADelayedClientRejectionAtRcpt() {
    ExceptionRule exception = new ExceptionRule(List.of(), List.of(), List.of(AddressPattern.parse("partners@example.test")),
        List.of(), Set.of(ClientPtrCheck.NAME), "partners without rDNS");
    SessionPolicy s = session(true, List.of(exception), new ClientPtrCheck());
    s.connect();
    s.helo(HeloName.parse("mail.example.org"));
    s.mail(FakeSession.path("<a@example.org>"), MailParameters.NONE);
    assertThat(s.rcpt(rcpt("partners@example.test"))).isInstanceOf(SessionPolicy.Decision.Proceed.class);
    assertThat(s.rcpt(rcpt("other@example.test"))).isInstanceOf(SessionPolicy.Decision.Refused.class);
  }

  @Test
  void aClientNetworkExceptionSkipsTheNamedChecks() {
    ExceptionRule exception = new ExceptionRule(List.of(Cidr.parse("203.0.113.0/24")), List.of(), List.of(), List.of(),
        Set.of(ClientPtrCheck.NAME), "");
    SessionPolicy s = session(true, List.of(exception), new ClientPtrCheck());
    s.connect();
    s.helo(HeloName.parse("mail.example.org"));
    s.mail(FakeSession.path("<a@example.org>"), MailParameters.NONE);
    assertThat(s.rcpt(rcpt("user@example.test"))).isInstanceOf(SessionPolicy.Decision.Proceed.class);
    assertThat(log.all()).isEmpty();
  }

  @Test
  void aBrokenRefusalStoreDoesNotStopTheRefusal() {
    RefusalLog broken = new RefusalLog() {
      @Override
      public void record(RefusalRecord record) {
        throw new IllegalStateException("store is down");
      }

      @Override
      public java.util.Optional<RefusalRecord> find(String reference) {
        throw new IllegalStateException("store is down");
      }

      @Override
      public void flush() {}
    };
    PolicyEngine engine = new PolicyEngine(new PolicyChain(List.of(new PolicyChain.Entry(new ClientPtrCheck(),
        CheckSettings.enforce(Duration.ofSeconds(5))))),
        new ReplyRenderer("mx.example.test", References.unguessable(), broken, FakeSession.CLOCK, ""),
        List.of(), SITE, dns, FakeSession.CLOCK, false);
    SessionPolicy s = engine.newSession(engine.client(InetAddress.ofLiteral("203.0.113.9"), 1), new ProtocolFacts());
    var refused = (SessionPolicy.Decision.Refused) s.connect();
    // answered instead of the greeting: 554 (RFC 5321 3.1), as the wire has always said
    assertThat(refused.refusal().reply().toString()).startsWith("554 5.7.25").contains("ref=");
  }

  @Test
  void aSecondHeloReplacesTheFirstOnesFindings() {
    SessionPolicy s = session(true, List.of(), new HeloFqdnCheck());
    s.connect();
    s.helo(HeloName.parse("localhost"));
    s.helo(HeloName.parse("mail.example.org"));
    s.mail(FakeSession.path("<a@example.org>"), MailParameters.NONE);
    assertThat(s.rcpt(rcpt("user@example.test"))).isInstanceOf(SessionPolicy.Decision.Proceed.class);
    assertThat(s.helo()).map(HeloName::raw).isEqualTo(Optional.of("mail.example.org"));
  }
}
