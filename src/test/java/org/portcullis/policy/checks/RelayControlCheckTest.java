package org.portcullis.policy.checks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.portcullis.testing.Verdicts.assertContinues;
import static org.portcullis.testing.Verdicts.assertRejected;

import java.net.InetAddress;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.portcullis.mail.Cidr;
import org.portcullis.policy.LocalSite;
import org.portcullis.policy.Phase;
import org.portcullis.testing.FakeSession;

class RelayControlCheckTest {

  private final RelayControlCheck check = new RelayControlCheck(HeloChecksTest.SITE);
  private final FakeSession outsider = new FakeSession().client("203.0.113.9").helo("mail.example.org")
      .sender("<a@example.org>");

  @Test
  void mailForOurDomainIsAccepted() throws Exception {
    assertContinues(check.evaluate(outsider.at(Phase.RCPT, "<user@example.test>")));
    assertContinues(check.evaluate(outsider.at(Phase.RCPT, "<user@EXAMPLE.TEST>")));
  }

  @Test
  void mailForOtherDomainsFromOutsideIsRelayDenied() throws Exception {
    var reject = assertRejected(check.evaluate(outsider.at(Phase.RCPT, "<user@elsewhere.example>")), 554, "5.7.1");
    assertThat(reject.reason()).startsWith("Relay access denied");
    assertThat(reject.explanation().facts()).anySatisfy(f -> assertThat(f.value()).contains("example.test"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"<user%elsewhere.example@example.test>", "<elsewhere.example!user@example.test>",
      "<\"user@elsewhere.example\"@example.test>", "<USER%ELSEWHERE.EXAMPLE@EXAMPLE.TEST>", "<user@[192.0.2.1]>",
      "<@example.test:user@elsewhere.example>"})
  void relayTricksAreRefusedEvenForOurDomain(String rcpt) throws Exception {
    assertRejected(check.evaluate(outsider.at(Phase.RCPT, rcpt)), 554, "5.7.1");
  }

  @Test
  void aLanClientMayRelayOnlyWhenThereIsAnOutboundRoute() throws Exception {
    FakeSession lan = new FakeSession().client("10.0.0.5").lan().sender("<staff@example.test>");
    var reject = assertRejected(check.evaluate(lan.at(Phase.RCPT, "<x@elsewhere.example>")), 554, "5.7.1");
    assertThat(reject.reason()).contains("no outbound route");
    LocalSite withSmarthost = new LocalSite("mx.example.test", Set.of("example.test"), List.of(Cidr.parse("10.0.0.0/8")),
        Set.of(InetAddress.ofLiteral("192.0.2.25")), Set.of("postmaster"), true);
    assertContinues(new RelayControlCheck(withSmarthost).evaluate(lan.at(Phase.RCPT, "<x@elsewhere.example>")));
    assertRejected(new RelayControlCheck(withSmarthost).evaluate(lan.at(Phase.RCPT, "<x%y@example.test>")), 554, "5.7.1");
  }
}
