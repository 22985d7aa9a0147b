package org.portcullis.policy.checks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.portcullis.testing.Verdicts.assertContinues;
import static org.portcullis.testing.Verdicts.assertRejected;
import static org.portcullis.testing.Verdicts.assertTempfailed;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;
import org.portcullis.dns.DnsRecord;
import org.portcullis.dns.DnsStatus;
import org.portcullis.dns.DnsType;
import org.portcullis.policy.Phase;
import org.portcullis.testing.FakeSession;

class ClientDnsChecksTest {

  private final FakeSession session = new FakeSession().client("203.0.113.9");
  private final ClientPtrCheck ptr = new ClientPtrCheck();
  private final ClientFcrdnsCheck fcrdns = new ClientFcrdnsCheck();
  private final ClientGenericPtrCheck generic = new ClientGenericPtrCheck(ClientGenericPtrCheck.DEFAULT_PATTERNS);

  private void ptrRecord(String name) {
    session.dns.add("9.113.0.203.in-addr.arpa", DnsType.PTR, new DnsRecord.Name(name));
  }

  private void address(String name, String ip) {
    session.dns.add(name, DnsType.A, new DnsRecord.Address(InetAddress.ofLiteral(ip)));
  }

  @Test
  void aClientWithoutPtrIsRejectedWith5725AndTheQueryIsShown() throws Exception {
    var reject = assertRejected(ptr.evaluate(session.at(Phase.CONNECT)), 550, "5.7.25");
    assertThat(reject.explanation().facts()).anySatisfy(f -> {
      assertThat(f.label()).isEqualTo("PTR query");
      assertThat(f.value()).contains("9.113.0.203.in-addr.arpa").contains("NXDOMAIN");
    });
    assertThat(reject.explanation().fix()).contains("PTR record").contains("203.0.113.9");
  }

  @Test
  void aPtrTimeoutIsATemporaryFailureNeverAPass() throws Exception {
    session.dns.fail("9.113.0.203.in-addr.arpa", DnsType.PTR, DnsStatus.TIMEOUT);
    assertTempfailed(ptr.evaluate(session.at(Phase.CONNECT)), "4.7.25");
    assertTempfailed(fcrdns.evaluate(session.at(Phase.CONNECT)), "4.7.25");
  }

  @Test
  void aForwardConfirmedClientPassesAllThreeChecks() throws Exception {
    ptrRecord("mail.example.org");
    address("mail.example.org", "203.0.113.9");
    assertContinues(ptr.evaluate(session.at(Phase.CONNECT)));
    assertContinues(fcrdns.evaluate(session.at(Phase.CONNECT)));
    assertContinues(generic.evaluate(session.at(Phase.CONNECT)));
  }

  @Test
  void aPtrNameThatDoesNotResolveBackIsRejectedByFcrdnsOnly() throws Exception {
    ptrRecord("mail.example.org");
    address("mail.example.org", "198.51.100.1");
    assertContinues(ptr.evaluate(session.at(Phase.CONNECT)));
    var reject = assertRejected(fcrdns.evaluate(session.at(Phase.CONNECT)), 550, "5.7.25");
    assertThat(reject.reason()).contains("mail.example.org").contains("does not resolve back");
    assertThat(reject.explanation().facts()).anySatisfy(f -> assertThat(f.value()).contains("198.51.100.1"));
  }

  @Test
  void aForwardLookupFailureMakesFcrdnsTemporary() throws Exception {
    ptrRecord("mail.example.org");
    session.dns.fail("mail.example.org", DnsType.A, DnsStatus.SERVFAIL);
    assertTempfailed(fcrdns.evaluate(session.at(Phase.CONNECT)), "4.7.25");
  }

  @Test
  void genericNamesAreRecognisedByEmbeddedAddressAndByKeyword() {
    InetAddress ip = InetAddress.ofLiteral("203.0.113.9");
    assertThat(generic.genericReason("203-0-113-9.static.isp.example", ip)).isPresent();
    assertThat(generic.genericReason("9.113.0.203.broadband.isp.example", ip)).isPresent();
    assertThat(generic.genericReason("host203000113009.isp.example", ip)).isPresent();
    assertThat(generic.genericReason("adsl-44.pool.isp.example", ip)).isPresent();
    assertThat(generic.genericReason("mail.dyn.example", ip)).as("keyword in the registered domain only").isEmpty();
    assertThat(generic.genericReason("mail.example.org", ip)).isEmpty();
    assertThat(generic.genericReason("mx1.dynamics-corp.example", ip)).isEmpty();
  }

  @Test
  void aGenericPtrIsRejectedWithThePatternInTheFacts() throws Exception {
    ptrRecord("dhcp-77.cable.isp.example");
    address("dhcp-77.cable.isp.example", "203.0.113.9");
    var reject = assertRejected(generic.evaluate(session.at(Phase.CONNECT)), 550, "5.7.1");
    assertThat(reject.explanation().facts()).anySatisfy(f -> assertThat(f.label()).isEqualTo("generic because"));
    assertThat(reject.explanation().fix()).contains("provider's mail server");
  }

  @Test
  void lanClientsAreNotJudgedOnReverseDns() throws Exception {
    session.lan();
    assertContinues(ptr.evaluate(session.at(Phase.CONNECT)));
    assertContinues(fcrdns.evaluate(session.at(Phase.CONNECT)));
  }

  @Test
  void aBadPatternIsRefusedNamingIt() {
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> new ClientGenericPtrCheck(java.util.List.of("(unclosed")))
        .hasMessageContaining("(unclosed");
  }
}
