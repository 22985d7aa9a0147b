package org.portcullis.policy.checks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.portcullis.testing.Verdicts.assertContinues;
import static org.portcullis.testing.Verdicts.assertRejected;
import static org.portcullis.testing.Verdicts.assertTempfailed;

import java.net.InetAddress;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.portcullis.dns.DnsRecord;
import org.portcullis.dns.DnsStatus;
import org.portcullis.dns.DnsType;
import org.portcullis.mail.Cidr;
import org.portcullis.policy.LocalSite;
import org.portcullis.policy.Phase;
import org.portcullis.testing.FakeSession;

class HeloChecksTest {

  static final LocalSite SITE = new LocalSite("mx.example.test", Set.of("example.test"),
      List.of(Cidr.parse("10.0.0.0/8")), Set.of(InetAddress.ofLiteral("192.0.2.25")), Set.of("postmaster"), false);

  private final FakeSession session = new FakeSession().client("203.0.113.9");

  @Test
  void mailWithoutHeloIsRefusedWith503() throws Exception {
    assertRejected(new HeloRequiredCheck().evaluate(session.at(Phase.MAIL)), 503, "5.5.1");
    assertContinues(new HeloRequiredCheck().evaluate(session.helo("mail.example.org").at(Phase.MAIL)));
  }

  @Test
  void aBareIpOrInvalidNameIsASyntaxError() throws Exception {
    var reject = assertRejected(new HeloSyntaxCheck().evaluate(session.helo("203.0.113.9").at(Phase.HELO)), 501, "5.5.2");
    assertThat(reject.reason()).contains("[203.0.113.9]");
    assertRejected(new HeloSyntaxCheck().evaluate(session.helo("bad_name.example").at(Phase.HELO)), 501, "5.5.2");
    assertContinues(new HeloSyntaxCheck().evaluate(session.helo("[203.0.113.9]").at(Phase.HELO)));
  }

  @Test
  void aNameWithoutDotsIsNotFullyQualified() throws Exception {
    assertRejected(new HeloFqdnCheck().evaluate(session.helo("SERVER01").at(Phase.HELO)), 504, "5.5.2");
    assertContinues(new HeloFqdnCheck().evaluate(session.helo("mail.example.org").at(Phase.HELO)));
    assertContinues(new HeloFqdnCheck().evaluate(session.helo("[203.0.113.9]").at(Phase.HELO)));
  }

  @Test
  void anAddressLiteralMustBeTheClientsOwnAddress() throws Exception {
    assertContinues(new HeloLiteralCheck().evaluate(session.helo("[203.0.113.9]").at(Phase.HELO)));
    var reject = assertRejected(new HeloLiteralCheck().evaluate(session.helo("[198.51.100.7]").at(Phase.HELO)),
        550, "5.7.1");
    assertThat(reject.explanation().facts()).anySatisfy(f -> assertThat(f.value()).contains("[203.0.113.9]"));
  }

  @Test
  void aRemoteClientUsingOurNameDomainOrAddressIsRefused() throws Exception {
    HeloOursCheck ours = new HeloOursCheck(SITE);
    assertRejected(ours.evaluate(session.helo("MX.EXAMPLE.TEST").at(Phase.HELO)), 550, "5.7.1");
    assertRejected(ours.evaluate(session.helo("example.test").at(Phase.HELO)), 550, "5.7.1");
    assertRejected(ours.evaluate(session.helo("[192.0.2.25]").at(Phase.HELO)), 550, "5.7.1");
    assertContinues(ours.evaluate(session.helo("mail.example.org").at(Phase.HELO)));
  }

  @Test
  void aLanClientMayUseOurName() throws Exception {
    FakeSession lan = new FakeSession().client("10.1.1.1").lan().helo("mx.example.test");
    assertContinues(new HeloOursCheck(SITE).evaluate(lan.at(Phase.HELO)));
  }

  @Test
  void aHeloNameWithoutAddressRecordsIsRefusedButALookupFailureIsTemporary() throws Exception {
    assertRejected(new HeloResolvesCheck().evaluate(session.helo("ghost.example.org").at(Phase.HELO)), 550, "5.7.1");
    session.dns.fail("flaky.example.org", DnsType.A, DnsStatus.TIMEOUT);
    assertTempfailed(new HeloResolvesCheck().evaluate(session.helo("flaky.example.org").at(Phase.HELO)), "4.7.1");
    session.dns.add("mail.example.org", DnsType.AAAA, new DnsRecord.Address(InetAddress.ofLiteral("2001:db8::25")));
    assertContinues(new HeloResolvesCheck().evaluate(session.helo("mail.example.org").at(Phase.HELO)));
  }

  @Test
  void aHeloThatDiffersFromTheVerifiedPtrIsOnlyReported() throws Exception {
    session.dns.add("9.113.0.203.in-addr.arpa", DnsType.PTR, new DnsRecord.Name("mail.example.org"));
    session.dns.add("mail.example.org", DnsType.A, new DnsRecord.Address(InetAddress.ofLiteral("203.0.113.9")));
    HeloPtrMatchCheck check = new HeloPtrMatchCheck();
    assertContinues(check.evaluate(session.helo("Mail.Example.org").at(Phase.HELO)));
    var verdict = check.evaluate(session.helo("other.example.org").at(Phase.HELO));
    assertThat(verdict).isInstanceOf(org.portcullis.policy.Verdict.Reject.class);
    assertThat(((org.portcullis.policy.Verdict.Reject) verdict).explanation().rule()).contains("4.1.4");
  }
}
