package org.portcullis.policy.checks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.portcullis.testing.Verdicts.assertContinues;
import static org.portcullis.testing.Verdicts.assertRejected;

import org.junit.jupiter.api.Test;
import org.portcullis.policy.Phase;
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
}
