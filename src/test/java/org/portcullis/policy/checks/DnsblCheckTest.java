package org.portcullis.policy.checks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.portcullis.testing.Verdicts.assertContinues;
import static org.portcullis.testing.Verdicts.assertRejected;
import static org.portcullis.testing.Verdicts.assertTempfailed;

import java.net.InetAddress;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.portcullis.dns.DnsRecord;
import org.portcullis.dns.DnsStatus;
import org.portcullis.dns.DnsType;
import org.portcullis.dnsbl.DnsblLookups;
import org.portcullis.dnsbl.DnsblZone;
import org.portcullis.dnsbl.ReturnCodes;
import org.portcullis.dnsbl.ZoneHealth;
import org.portcullis.policy.Phase;
import org.portcullis.testing.FakeSession;

/** The dnsbl check's score, labels and unknowns, against a fake resolver. */
class DnsblCheckTest {

  private static final DnsblZone ZEN = new DnsblZone("zen.example", DnsblZone.Type.BLOCK, 1,
      ReturnCodes.parse(List.of("127.0.0.2 = SBL", "127.0.0.[4..7] = XBL", "127.0.0.[10;11] = PBL")), false, "");
  private static final DnsblZone SCORE_A = new DnsblZone("a.score.example", DnsblZone.Type.SCORE, 0.6, ReturnCodes.ANY,
      false, "");
  private static final DnsblZone SCORE_B = new DnsblZone("b.score.example", DnsblZone.Type.SCORE, 0.5, ReturnCodes.ANY,
      false, "");
  private static final DnsblZone WL = new DnsblZone("wl.example", DnsblZone.Type.ALLOW, -1, ReturnCodes.ANY, false, "");
  private static final DnsblZone SECRET = new DnsblZone("key123.feed.example", DnsblZone.Type.BLOCK, 1,
      ReturnCodes.ANY, true, "our partner list");

  private final FakeSession session = new FakeSession().client("203.0.113.9");

  private DnsblCheck check(List<DnsblZone> zones) {
    var lookups = new DnsblLookups(zones, session.dns, new ZoneHealth(zones, session.dns, FakeSession.CLOCK));
    var lookup = DnsblCheck.lookup(lookups);
    session.start(lookup);
    return new DnsblCheck(Optional.of(lookup), 1.0, DnsblCheck.DEFAULT_REPLY);
  }

  private void listed(String zone, String... answers) {
    for (String a : answers) {
      session.dns.add("9.113.0.203." + zone, DnsType.A, new DnsRecord.Address(InetAddress.ofLiteral(a)));
    }
  }

  @Test
  void aBlockZoneListingIsRefusedNamingTheZoneLabelAndTxt() {
    listed("zen.example", "127.0.0.2", "127.0.0.4");
    session.dns.add("9.113.0.203.zen.example", DnsType.TXT, new DnsRecord.Txt("https://zen.example/query/ip/203.0.113.9"));
    var reject = assertRejected(check(List.of(ZEN)).evaluate(session.at(Phase.CONNECT)), 554, "5.7.1");
    assertThat(reject.reason()).isEqualTo("Service unavailable; client [203.0.113.9] blocked using zen.example "
        + "(SBL, XBL): https://zen.example/query/ip/203.0.113.9");
    assertThat(reject.explanation().facts()).anySatisfy(f -> assertThat(f.value())
        .contains("9.113.0.203.zen.example -> 127.0.0.2, 127.0.0.4 listed (SBL, XBL)"));
    assertThat(reject.explanation().fix()).contains("request removal from zen.example");
  }

  @Test
  void aZonesLookupUrlTemplateIsTheLinkWhenItsTxtHasNone() {
    DnsblZone zen = new DnsblZone("zen.example", DnsblZone.Type.BLOCK, 1, ReturnCodes.ANY, false, "",
        "https://check.zen.example/listed/?searchterm={ip}");
    listed("zen.example", "127.0.0.2");
    var reject = assertRejected(check(List.of(zen)).evaluate(session.at(Phase.CONNECT)), 554, "5.7.1");
    assertThat(reject.explanation().links()).singleElement().satisfies(l -> {
      assertThat(l.url()).isEqualTo("https://check.zen.example/listed/?searchterm=203.0.113.9");
      assertThat(l.label()).isEqualTo("Look up 203.0.113.9 on zen.example (its evidence and removal)");
    });
    assertThat(reject.finding()).isEqualTo("client [203.0.113.9] is listed on zen.example (127.0.0.2), DNS list score 1 of 1");
  }

  @Test
  void aSecretZoneNeverLinksToItsTxtWhichMayNameTheKey() {
    listed("key123.feed.example", "127.0.0.2");
    session.dns.add("9.113.0.203.key123.feed.example", DnsType.TXT,
        new DnsRecord.Txt("https://feed.example/key123/203.0.113.9"));
    var reject = assertRejected(check(List.of(SECRET)).evaluate(session.at(Phase.CONNECT)), 554, "5.7.1");
    assertThat(reject.explanation().links()).isEmpty();
  }

  @Test
  void answersOutsideTheCodesDoNotCount() {
    listed("zen.example", "127.0.0.3");
    assertContinues(check(List.of(ZEN)).evaluate(session.at(Phase.CONNECT)));
  }

  @Test
  void spamhausErrorCodesAreNeverAListing() {
    listed("zen.example", "127.255.255.254");
    assertContinues(check(List.of(ZEN)).evaluate(session.at(Phase.CONNECT)));
    session.dns.add("9.113.0.203.a.score.example", DnsType.A, new DnsRecord.Address(InetAddress.ofLiteral("127.255.255.255")));
    assertContinues(check(List.of(SCORE_A)).evaluate(session.at(Phase.CONNECT)));
  }

  @Test
  void scoreZonesAddUpToTheThreshold() {
    listed("a.score.example", "127.0.0.2");
    assertContinues(check(List.of(SCORE_A, SCORE_B)).evaluate(session.at(Phase.CONNECT)));
    listed("b.score.example", "127.0.0.9");
    var reject = assertRejected(check(List.of(SCORE_A, SCORE_B)).evaluate(session.at(Phase.CONNECT)), 554, "5.7.1");
    assertThat(reject.reason()).contains("blocked using a.score.example (127.0.0.2)");
    assertThat(reject.explanation().facts()).anySatisfy(f -> {
      assertThat(f.label()).isEqualTo("score");
      assertThat(f.value()).isEqualTo("1.10 (threshold 1)");
    });
  }

  @Test
  void anAllowZoneOutweighsABlockListing() {
    listed("zen.example", "127.0.0.2");
    listed("wl.example", "127.0.2.0");
    assertContinues(check(List.of(ZEN, WL)).evaluate(session.at(Phase.CONNECT)));
  }

  @Test
  void aZoneThatDoesNotAnswerIsATemporaryFailureNeverAPass() {
    session.dns.fail("9.113.0.203.zen.example", DnsType.A, DnsStatus.TIMEOUT);
    var tempfail = assertTempfailed(check(List.of(ZEN)).evaluate(session.at(Phase.CONNECT)), "4.7.1");
    assertThat(tempfail.code()).isEqualTo(451);
    // A zone too light to decide alone does not hold mail up.
    session.dns.fail("9.113.0.203.b.score.example", DnsType.A, DnsStatus.SERVFAIL);
    assertContinues(check(List.of(SCORE_B)).evaluate(session.at(Phase.CONNECT)));
  }

  @Test
  void aSecretZoneIsNamedByItsDisplayNameWithoutTxt() {
    session.dns.add("9.113.0.203.key123.feed.example", DnsType.A, new DnsRecord.Address(InetAddress.ofLiteral("127.0.0.2")));
    session.dns.add("9.113.0.203.key123.feed.example", DnsType.TXT, new DnsRecord.Txt("secret key123 inside"));
    var reject = assertRejected(check(List.of(SECRET)).evaluate(session.at(Phase.CONNECT)), 554, "5.7.1");
    assertThat(reject.reason()).isEqualTo("Service unavailable; client [203.0.113.9] blocked using our partner list (127.0.0.2)");
    assertThat(reject.explanation().toString()).doesNotContain("key123");
  }

  @Test
  void ipv6ClientsAreLookedUpByNibbles() {
    FakeSession v6 = new FakeSession().client("2001:db8::25");
    String name = "5.2.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.zen.example";
    v6.dns.add(name, DnsType.A, new DnsRecord.Address(InetAddress.ofLiteral("127.0.0.10")));
    var lookups = new DnsblLookups(List.of(ZEN), v6.dns, new ZoneHealth(List.of(ZEN), v6.dns, FakeSession.CLOCK));
    var lookup = DnsblCheck.lookup(lookups);
    v6.start(lookup);
    var reject = assertRejected(new DnsblCheck(Optional.of(lookup), 1.0, DnsblCheck.DEFAULT_REPLY)
        .evaluate(v6.at(Phase.CONNECT)), 554, "5.7.1");
    assertThat(reject.reason()).contains("[2001:db8::25] blocked using zen.example (PBL)");
  }

  @Test
  void lanClientsAreNotJudged() {
    session.lan();
    listed("zen.example", "127.0.0.2");
    assertContinues(check(List.of(ZEN)).evaluate(session.at(Phase.CONNECT)));
  }

  @Test
  void returnCodePatternsAreValidated() {
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> ReturnCodes.parse(List.of("127.0.0.[7..4] = X")))
        .hasMessageContaining("bad range");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> ReturnCodes.parse(List.of("127.0.0 = X")))
        .hasMessageContaining("not a pattern");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> ReturnCodes.parse(List.of("127.0.0.300")))
        .hasMessageContaining("out of range");
  }
}
