package org.portcullis.blocklist;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.portcullis.mail.Cidr;
import org.portcullis.store.sqlite.SqliteStore;
import org.portcullis.testing.FakeClock;

/** Seed 000's rules, each with a fake clock, on a real SQLite store. */
class BlocklistTest {

  @TempDir
  Path dir;

  private final FakeClock clock = new FakeClock();
  private SqliteStore store;
  private Blocklist blocklist;
  private LiveListings live;

  @BeforeEach
  void open() {
    store = SqliteStore.open(dir.resolve("portcullis.db"));
    blocklist = new Blocklist(store.blocklist(), BlocklistSettings.DEFAULTS, clock);
    live = new LiveListings(blocklist);
  }

  @AfterEach
  void close() {
    store.close();
  }

  private Evidence trapHit() {
    return new Evidence(clock.instant(), "spam-trap", "192.0.2.9", "bot.example", "<x@example.org>",
        "<trap@example.test>", "Subject: cheap pills\nMessage-ID: <1@bot>", "");
  }

  private static InetAddress ip(String text) throws Exception {
    return InetAddress.getByName(text);
  }

  @Test
  void aListingExpiresByItself48HoursAfterItsLastEvidence() throws Exception {
    blocklist.report(Cidr.parse("192.0.2.9"), Category.SPAM_TRAP, trapHit());
    clock.advance(Duration.ofHours(30));
    blocklist.report(Cidr.parse("192.0.2.9"), Category.SPAM_TRAP, trapHit());
    clock.advance(Duration.ofHours(47));
    live.refresh();
    assertThat(live.current().lookup(ip("192.0.2.9"))).isEqualTo(Category.SPAM_TRAP.code());
    assertThat(blocklist.active(ip("192.0.2.9"))).isPresent();
    clock.advance(Duration.ofHours(1));
    assertThat(blocklist.active(ip("192.0.2.9"))).isEmpty();
    live.refresh();
    assertThat(live.current().lookup(ip("192.0.2.9"))).isZero();
    Listing expired = blocklist.find(Cidr.parse("192.0.2.9")).orElseThrow();
    assertThat(expired.state()).isEqualTo(ListingState.EXPIRED);
    assertThat(expired.evidence()).hasSize(2);
  }

  @Test
  void theListedPartyDelistsImmediatelyAndEachDelistingIsCounted() throws Exception {
    blocklist.report(Cidr.parse("192.0.2.9"), Category.SPAM_SOURCE, trapHit());
    live.refresh();
    ListingRules.SelfDelisting result = blocklist.selfDelist(ip("192.0.2.9"), "test");
    assertThat(result).isInstanceOfSatisfying(ListingRules.SelfDelisting.Delisted.class, d -> {
      assertThat(d.remaining()).isEqualTo(4);
      assertThat(d.listing().selfDelistings()).isEqualTo(1);
    });
    live.refresh();
    assertThat(live.current().lookup(ip("192.0.2.9"))).isZero();
    assertThat(blocklist.find(Cidr.parse("192.0.2.9")).orElseThrow().notes()).singleElement()
        .satisfies(n -> assertThat(n.text()).contains("1 of 5"));
    assertThat(blocklist.selfDelist(ip("192.0.2.9"), "test")).isInstanceOf(ListingRules.SelfDelisting.NotListed.class);
  }

  @Test
  void newEvidenceAfterADelistingRelistsWithTheEvidenceAppended() throws Exception {
    blocklist.report(Cidr.parse("192.0.2.9"), Category.SPAM_SOURCE, trapHit());
    blocklist.selfDelist(ip("192.0.2.9"), "test");
    clock.advance(Duration.ofHours(2));
    Listing relisted = blocklist.report(Cidr.parse("192.0.2.9"), Category.SPAM_TRAP, trapHit());
    assertThat(relisted.state()).isEqualTo(ListingState.LISTED);
    assertThat(relisted.evidence()).hasSize(2);
    assertThat(relisted.selfDelistings()).isEqualTo(1);
    assertThat(relisted.expires()).contains(clock.instant().plus(Duration.ofHours(48)));
    live.refresh();
    assertThat(live.current().lookup(ip("192.0.2.9"))).isEqualTo(Category.SPAM_TRAP.code());
  }

  @Test
  void afterFiveSelfServiceDelistingsOnlyTheOperatorCanDelist() throws Exception {
    for (int i = 0; i < 5; i++) {
      blocklist.report(Cidr.parse("192.0.2.9"), Category.SPAM_SOURCE, trapHit());
      assertThat(blocklist.selfDelist(ip("192.0.2.9"), "test")).isInstanceOf(ListingRules.SelfDelisting.Delisted.class);
      clock.advance(Duration.ofMinutes(61)); // past the self-service cooldown
    }
    blocklist.report(Cidr.parse("192.0.2.9"), Category.SPAM_SOURCE, trapHit());
    assertThat(blocklist.selfDelist(ip("192.0.2.9"), "test")).isInstanceOfSatisfying(ListingRules.SelfDelisting.Refused.class,
        r -> assertThat(r.why()).contains("all 5 self-service delistings", "contact the operator"));
    assertThat(blocklist.active(ip("192.0.2.9"))).isPresent();
    Listing delisted = blocklist.operatorDelist(Cidr.parse("192.0.2.9"), "alice", "fixed, customer called").orElseThrow();
    assertThat(delisted.state()).isEqualTo(ListingState.DELISTED);
    assertThat(delisted.notes().getLast().author()).isEqualTo("alice");
  }

  @Test
  void aSelfServiceDelistingRecordsWhoAskedAndTheNextOneWaitsForTheCooldown() throws Exception {
    blocklist.report(Cidr.parse("192.0.2.30"), Category.SPAM_SOURCE, trapHit());
    assertThat(blocklist.selfDelist(ip("192.0.2.30"), "web client 198.51.100.7"))
        .isInstanceOf(ListingRules.SelfDelisting.Delisted.class);
    assertThat(blocklist.find(Cidr.parse("192.0.2.30")).orElseThrow().notes()).singleElement()
        .satisfies(n -> assertThat(n.text()).contains("at the request of web client 198.51.100.7"));
    clock.advance(Duration.ofMinutes(5));
    blocklist.report(Cidr.parse("192.0.2.30"), Category.SPAM_SOURCE, trapHit());
    assertThat(blocklist.selfDelist(ip("192.0.2.30"), "web client 198.51.100.8"))
        .isInstanceOfSatisfying(ListingRules.SelfDelisting.Refused.class,
            r -> assertThat(r.why()).contains("less than 60 minutes ago", "try again in 55 minutes"));
    assertThat(blocklist.active(ip("192.0.2.30"))).as("still listed").isPresent();
    assertThat(blocklist.requestDelisting(ip("192.0.2.30"), "noc@example.org", "fixed"))
        .as("a wait is no reason to ask the operator").isEmpty();
    clock.advance(Duration.ofMinutes(56));
    assertThat(blocklist.selfDelist(ip("192.0.2.30"), "web client 198.51.100.8"))
        .isInstanceOf(ListingRules.SelfDelisting.Delisted.class);
  }

  @Test
  void theLimitIsConfigurable() throws Exception {
    Blocklist strict = new Blocklist(store.blocklist(), new BlocklistSettings(Duration.ofHours(1), 1), clock);
    strict.report(Cidr.parse("192.0.2.10"), Category.REPORT, trapHit());
    assertThat(strict.selfDelist(ip("192.0.2.10"), "test")).isInstanceOf(ListingRules.SelfDelisting.Delisted.class);
    Listing again = strict.report(Cidr.parse("192.0.2.10"), Category.REPORT, trapHit());
    assertThat(again.expires()).contains(clock.instant().plus(Duration.ofHours(1)));
    assertThat(strict.selfDelist(ip("192.0.2.10"), "test")).isInstanceOf(ListingRules.SelfDelisting.Refused.class);
  }

  @Test
  void aPermanentListingNeverExpiresAndRefusesSelfService() throws Exception {
    blocklist.listPermanently(Cidr.parse("198.51.100.0/24"), Category.MANUAL, "alice", "snowshoe range");
    clock.advance(Duration.ofDays(30));
    live.refresh();
    assertThat(live.current().lookup(ip("198.51.100.77"))).isEqualTo(Category.MANUAL.code());
    assertThat(blocklist.selfDelist(ip("198.51.100.77"), "test")).isInstanceOf(ListingRules.SelfDelisting.Refused.class);
    blocklist.report(Cidr.parse("198.51.100.0/24"), Category.SPAM_SOURCE, trapHit());
    assertThat(blocklist.find(Cidr.parse("198.51.100.0/24")).orElseThrow().state()).isEqualTo(ListingState.PERMANENT);
  }

  @Test
  void selfServiceCannotRemoveANetworkListing() throws Exception {
    blocklist.report(Cidr.parse("203.0.113.0/28"), Category.REPORT, trapHit());
    assertThat(blocklist.selfDelist(ip("203.0.113.5"), "test")).isInstanceOfSatisfying(ListingRules.SelfDelisting.Refused.class,
        r -> assertThat(r.why()).contains("network listings"));
  }

  @Test
  void theMostSpecificListingCoversAnAddress() throws Exception {
    blocklist.report(Cidr.parse("203.0.113.0/24"), Category.MANUAL, trapHit());
    blocklist.report(Cidr.parse("203.0.113.9"), Category.SPAM_TRAP, trapHit());
    assertThat(blocklist.active(ip("203.0.113.9")).orElseThrow().network()).isEqualTo(Cidr.parse("203.0.113.9"));
    assertThat(blocklist.active(ip("203.0.113.10")).orElseThrow().network()).isEqualTo(Cidr.parse("203.0.113.0/24"));
    assertThat(blocklist.history(ip("203.0.113.9"))).hasSize(2);
    assertThat(blocklist.active(ip("203.0.114.1"))).isEmpty();
  }

  @Test
  void notesRemovalAndIpv6() throws Exception {
    blocklist.report(Cidr.parse("2001:db8::25"), Category.SPAM_TRAP, trapHit());
    assertThat(blocklist.addNote(Cidr.parse("2001:db8::25"), "bob", "seen on three traps")).isPresent();
    assertThat(blocklist.addNote(Cidr.parse("2001:db8::26"), "bob", "nothing here")).isEmpty();
    live.refresh();
    assertThat(live.current().lookup(ip("2001:db8::25"))).isEqualTo(Category.SPAM_TRAP.code());
    assertThat(blocklist.remove(Cidr.parse("2001:db8::25"))).isTrue();
    assertThat(blocklist.remove(Cidr.parse("2001:db8::25"))).isFalse();
    live.refresh();
    assertThat(live.current().lookup(ip("2001:db8::25"))).isZero();
  }

  @Test
  void anotherProcessesChangesReachTheLiveIndex() throws Exception {
    live.refresh();
    try (SqliteStore other = SqliteStore.open(dir.resolve("portcullis.db"))) {
      new Blocklist(other.blocklist(), BlocklistSettings.DEFAULTS, clock)
          .report(Cidr.parse("192.0.2.77"), Category.REPORT, Evidence.note(clock.instant(), "cli", "192.0.2.77", "abuse report"));
    }
    assertThat(live.refresh()).isEqualTo(1);
    assertThat(live.current().lookup(ip("192.0.2.77"))).isEqualTo(Category.REPORT.code());
  }

  @Test
  void anImportListsManyAtOnceAndPagesOfChangesDoNotSplit() throws Exception {
    List<Cidr> networks = new java.util.ArrayList<>();
    for (int i = 0; i < 5000; i++) {
      networks.add(Cidr.parse("10." + (i / 256) + "." + (i % 256) + ".1"));
    }
    assertThat(blocklist.importAll(networks, Category.MANUAL,
        Evidence.note(clock.instant(), "import", "", "imported list"))).isEqualTo(5000);
    live.refresh();
    assertThat(live.current().size()).isEqualTo(5000);
    assertThat(live.current().lookup(ip("10.19.135.1"))).isEqualTo(Category.MANUAL.code());
    clock.advance(Duration.ofHours(49));
    live.refresh();
    assertThat(live.current().size()).isZero();
    assertThat(store.blocklist().counts()).containsEntry(ListingState.EXPIRED, 5000L);
  }

  @Test
  void falsePositiveReportsWaitForReview() {
    long id = blocklist.reportFalsePositive("192.0.2.9", "postmaster@example.org", "we fixed the infected host")
        .report().id();
    assertThat(store.blocklist().reports(Optional.of("open"), 10)).singleElement()
        .satisfies(r -> assertThat(r.message()).isEqualTo("we fixed the infected host"));
    assertThat(blocklist.answerReport(id, true, "delisted, thanks", "alice")).isPresent();
    assertThat(store.blocklist().reports(Optional.of("open"), 10)).isEmpty();
  }
}
