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
import org.portcullis.mail.EmailAddress;
import org.portcullis.policy.LocalSite;
import org.portcullis.policy.Phase;
import org.portcullis.testing.FakeSession;

class EnvelopeChecksTest {

  private static final LocalSite SITE = HeloChecksTest.SITE;
  private final FakeSession session = new FakeSession().client("203.0.113.9").helo("mail.example.org");

  @Test
  void aSenderDomainThatDoesNotExistIsRejectedWith518() throws Exception {
    var reject = assertRejected(new SenderDomainCheck().evaluate(session.sender("<a@nowhere.example>").at(Phase.MAIL)),
        550, "5.1.8");
    assertThat(reject.reason()).contains("does not exist");
  }

  @Test
  void aSenderDomainLookupFailureIsTemporary418() throws Exception {
    session.dns.fail("flaky.example", DnsType.MX, DnsStatus.SERVFAIL);
    assertTempfailed(new SenderDomainCheck().evaluate(session.sender("<a@flaky.example>").at(Phase.MAIL)), "4.1.8");
  }

  @Test
  void aSenderDomainWithOnlyAnARecordIsAcceptedAsImplicitMx() throws Exception {
    session.dns.add("small.example", DnsType.A, new DnsRecord.Address(InetAddress.ofLiteral("198.51.100.2")));
    assertContinues(new SenderDomainCheck().evaluate(session.sender("<a@small.example>").at(Phase.MAIL)));
  }

  @Test
  void aSenderDomainThatExistsWithoutMxOrAddressIsRejected() throws Exception {
    session.dns.exists("empty.example");
    var reject = assertRejected(new SenderDomainCheck().evaluate(session.sender("<a@empty.example>").at(Phase.MAIL)),
        550, "5.1.8");
    assertThat(reject.reason()).contains("no MX or A record");
  }

  @Test
  void aNullMxSenderDomainIsRejectedWith5727() throws Exception {
    session.dns.add("nomail.example", DnsType.MX, new DnsRecord.Mx(0, ""));
    assertRejected(new SenderDomainCheck().evaluate(session.sender("<a@nomail.example>").at(Phase.MAIL)), 550, "5.7.27");
  }

  @Test
  void theNullSenderIsNotLookedUp() throws Exception {
    assertContinues(new SenderDomainCheck().evaluate(session.sender("<>").at(Phase.MAIL)));
  }

  @Test
  void aSenderWithAnIpLiteralDomainIsRejected() throws Exception {
    assertRejected(new SenderIpLiteralCheck().evaluate(session.sender("<a@[192.0.2.1]>").at(Phase.MAIL)), 550, "5.1.8");
  }

  @Test
  void aRemoteSenderClaimingOurDomainIsRefusedButALanSenderIsNot() throws Exception {
    SenderClaimsLocalCheck check = new SenderClaimsLocalCheck(SITE);
    var reject = assertRejected(check.evaluate(session.sender("<ceo@EXAMPLE.test>").at(Phase.MAIL)), 550, "5.7.1");
    assertThat(reject.explanation().fix()).contains("587");
    FakeSession lan = new FakeSession().client("10.0.0.5").lan().sender("<ceo@example.test>");
    assertContinues(check.evaluate(lan.at(Phase.MAIL)));
  }

  @Test
  void mailFromSelfIsRefusedFromOutside() throws Exception {
    MailFromSelfCheck check = new MailFromSelfCheck();
    session.sender("<Victim@example.test>");
    assertRejected(check.evaluate(session.at(Phase.RCPT, "<victim@example.test>")), 550, "5.7.1");
    assertContinues(check.evaluate(session.at(Phase.RCPT, "<other@example.test>")));
  }

  @Test
  void aBounceGoesToOneRecipientOnly() throws Exception {
    NullSenderCheck check = new NullSenderCheck();
    session.sender("<>");
    assertContinues(check.evaluate(session.at(Phase.RCPT, "<a@example.test>")));
    session.accepted("a@example.test");
    assertRejected(check.evaluate(session.at(Phase.RCPT, "<b@example.test>")), 550, "5.5.3");
  }

  @Test
  void addressesWithoutBracketsAreRefusedByTheBracketsCheck() throws Exception {
    EnvelopeSyntaxCheck check = new EnvelopeSyntaxCheck();
    assertRejected(check.evaluate(session.sender("a@example.org").at(Phase.MAIL)), 501, "5.1.7");
    session.sender("<a@example.org>");
    assertContinues(check.evaluate(session.at(Phase.MAIL)));
    assertRejected(check.evaluate(session.at(Phase.RCPT, "b@example.test")), 501, "5.1.3");
  }

  @Test
  void knownRecipientsAreEnforcedOnlyWhenConfigured() throws Exception {
    session.sender("<a@example.org>");
    assertContinues(new RecipientKnownCheck(SITE, org.portcullis.policy.RecipientDirectory.ANYONE)
        .evaluate(session.at(Phase.RCPT, "<anyone@example.test>")));
    RecipientKnownCheck check = new RecipientKnownCheck(SITE, new org.portcullis.policy.RecipientDirectory() {
      @Override
      public boolean enforced() {
        return true;
      }

      @Override
      public boolean exists(EmailAddress address) {
        return address.sameMailboxIgnoringCase(EmailAddress.parse("alice@example.test"));
      }
    });
    assertContinues(check.evaluate(session.at(Phase.RCPT, "<Alice@example.test>")));
    assertRejected(check.evaluate(session.at(Phase.RCPT, "<mallory@example.test>")), 550, "5.1.1");
  }
}
