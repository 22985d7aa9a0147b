package org.portcullis.policy.checks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.portcullis.testing.Verdicts.assertContinues;
import static org.portcullis.testing.Verdicts.assertRejected;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.portcullis.mail.AddressSyntaxException;
import org.portcullis.policy.ChainResult;
import org.portcullis.policy.CheckMode;
import org.portcullis.policy.CheckModes;
import org.portcullis.policy.CheckSettings;
import org.portcullis.policy.Phase;
import org.portcullis.policy.PolicyChain;
import org.portcullis.policy.ProtocolProblem;
import org.portcullis.policy.RejectAction;
import org.portcullis.policy.TagKind;
import org.portcullis.policy.Verdict;
import org.portcullis.testing.FakeSession;

class ProtocolChecksTest {

  @Test
  void aClientThatTalkedBeforeTheGreetingIsRefusedWithWhatItSent() throws Exception {
    FakeSession session = new FakeSession();
    assertContinues(new PregreetCheck().evaluate(session.at(Phase.CONNECT)));
    session.protocol().recordPregreet("\"EHLO bot\"");
    var reject = assertRejected(new PregreetCheck().evaluate(session.at(Phase.CONNECT)), 550, "5.5.1");
    assertThat(reject.explanation().facts()).anySatisfy(f -> assertThat(f.value()).isEqualTo("\"EHLO bot\""));
  }

  @Test
  void improperPipeliningIsRefused() throws Exception {
    FakeSession session = new FakeSession().helo("mail.example.org");
    assertContinues(new PipeliningCheck().evaluate(session.at(Phase.MAIL)));
    session.protocol().recordPipeliningViolation("HELO x followed at once by \"MAIL FROM\"");
    assertRejected(new PipeliningCheck().evaluate(session.at(Phase.MAIL)), 550, "5.5.1");
  }

  private static final ProtocolProblem NOT_OWNED =
      new ProtocolProblem.SenderNotOwned("alice", "<bob@example.test>", "the account owns alice@example.test only");

  private static PolicyChain chainWith(CheckMode senderLoginMode) {
    CheckSettings settings = new CheckSettings(senderLoginMode, RejectAction.REJECT, Duration.ofSeconds(5), TagKind.SPAM);
    return new PolicyChain(List.of(new PolicyChain.Entry(new SenderLoginCheck(), settings),
        new PolicyChain.Entry(new MalformedAddressCheck("envelope-syntax"), CheckSettings.enforce(Duration.ofSeconds(5)))),
        CheckModes.none());
  }

  @Test
  void aSenderTheLoginDoesNotOwnIsRefusedWithTheAccountsReason() {
    FakeSession session = new FakeSession();
    var reject = assertRejected(new SenderLoginCheck().evaluate(session.at(Phase.MAIL).withProblem(NOT_OWNED)), 553, "5.7.1");
    assertThat(reject.reason()).isEqualTo("Sender address rejected: not owned by user alice");
    assertThat(reject.explanation().facts()).anySatisfy(f -> assertThat(f.value()).contains("owns alice@example.test"));
    assertContinues(new SenderLoginCheck().evaluate(session.at(Phase.MAIL)));
  }

  @Test
  void theProtocolChecksAreNotRunByThePhasesOfTheChain() {
    ChainResult result = chainWith(CheckMode.ENFORCE).run(Phase.MAIL, new FakeSession().at(Phase.MAIL), n -> false);
    assertThat(result.decision()).isEmpty();
    assertThat(result.observed()).isEmpty();
  }

  @Test
  void senderLoginInObserveModeRecordsWhatItWouldRefuseAndRefusesNothing() {
    ChainResult observed = chainWith(CheckMode.OBSERVE).judge(NOT_OWNED, new FakeSession().at(Phase.MAIL));
    assertThat(observed.decision()).isEmpty();
    assertThat(observed.observed()).singleElement().satisfies(f -> {
      assertThat(f.check()).isEqualTo("sender-login");
      assertThat(f.verdict()).isInstanceOf(Verdict.Reject.class);
    });
    ChainResult off = chainWith(CheckMode.OFF).judge(NOT_OWNED, new FakeSession().at(Phase.MAIL));
    assertThat(off.decision()).isEmpty();
    assertThat(off.observed()).isEmpty();
  }

  @Test
  void aMalformedAddressIsJudgedByTheEnvelopeSyntaxCheckWithTheStatusOfItsKind() {
    ChainResult result = chainWith(CheckMode.ENFORCE).judge(new ProtocolProblem.MalformedAddress(Phase.MAIL,
        "<j\u00f6rg@example.org>", AddressSyntaxException.Kind.NON_ASCII, "non-ASCII"), new FakeSession().at(Phase.MAIL));
    assertRejected(result.decision().orElseThrow().verdict(), 553, "5.6.7");
    ChainResult missing = chainWith(CheckMode.ENFORCE).judge(new ProtocolProblem.MalformedAddress(Phase.RCPT,
        "<user>", AddressSyntaxException.Kind.MISSING_DOMAIN, "no domain"), new FakeSession().at(Phase.RCPT));
    assertThat(missing.decision()).as("recipient-full-address is not in this chain").isEmpty();
    assertThat(missing.observed()).isEmpty();
  }
}
