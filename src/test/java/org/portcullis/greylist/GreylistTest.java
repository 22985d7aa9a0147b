package org.portcullis.greylist;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.portcullis.mail.EmailAddress;
import org.portcullis.store.sqlite.SqliteStore;
import org.portcullis.testing.FakeClock;

/** The greylist state machine with a fake clock, on a real SQLite store. */
class GreylistTest {

  @TempDir
  Path dir;

  private final FakeClock clock = new FakeClock();
  private final GreylistSettings settings = new GreylistSettings(true, Duration.ofMinutes(5), Duration.ofDays(2),
      Duration.ofDays(35), 3, 24, 64, true, false, true);
  private SqliteStore store;
  private Greylist greylist;

  @BeforeEach
  void open() {
    store = SqliteStore.open(dir.resolve("portcullis.db"));
    greylist = new Greylist(store.greylist(), settings, clock);
  }

  @AfterEach
  void close() {
    store.close();
  }

  private static Triplet triplet(String client, String sender, String recipient) {
    return new Triplet(client, sender, recipient);
  }

  private GreylistRules.Decision attempt(Triplet t) {
    return greylist.attempt(t).decision();
  }

  @Test
  void theFirstAttemptIsDeferredATooEarlyRetryTooAndARetryInTheWindowPasses() {
    Triplet t = triplet("192.0.2.0/24", "alice@example.org", "bob@example.test");
    assertThat(attempt(t)).isInstanceOfSatisfying(GreylistRules.Decision.Defer.class, d -> {
      assertThat(d.retryIn()).isEqualTo(Duration.ofMinutes(5));
      assertThat(d.reason()).isEqualTo("first attempt");
    });
    clock.advance(Duration.ofMinutes(2));
    assertThat(attempt(t)).isInstanceOfSatisfying(GreylistRules.Decision.Defer.class, d -> {
      assertThat(d.retryIn()).isEqualTo(Duration.ofMinutes(3));
      assertThat(d.reason()).isEqualTo("retried too early");
    });
    clock.advance(Duration.ofMinutes(4));
    assertThat(attempt(t)).isInstanceOfSatisfying(GreylistRules.Decision.Pass.class, p -> assertThat(p.firstPass()).isTrue());
    clock.advance(Duration.ofDays(20));
    assertThat(attempt(t)).isInstanceOfSatisfying(GreylistRules.Decision.Pass.class, p -> assertThat(p.firstPass()).isFalse());
    assertThat(greylist.firstSeenCount()).isEqualTo(1);
    assertThat(greylist.passedCount()).isEqualTo(1);
  }

  @Test
  void aRetryAfterTheWindowStartsOver() {
    Triplet t = triplet("192.0.2.0/24", "alice@example.org", "bob@example.test");
    attempt(t);
    clock.advance(Duration.ofDays(2).plusMinutes(1));
    assertThat(attempt(t)).isInstanceOfSatisfying(GreylistRules.Decision.Defer.class, d ->
        assertThat(d.reason()).contains("after the retry window"));
    clock.advance(Duration.ofMinutes(5));
    assertThat(attempt(t)).isInstanceOf(GreylistRules.Decision.Pass.class);
    assertThat(greylist.expiredCount()).isEqualTo(1);
  }

  @Test
  void aPassedTripletExpires35DaysAfterItWasLastSeen() {
    Triplet t = triplet("192.0.2.0/24", "alice@example.org", "bob@example.test");
    attempt(t);
    clock.advance(Duration.ofMinutes(6));
    attempt(t);
    clock.advance(Duration.ofDays(34));
    assertThat(attempt(t)).isInstanceOf(GreylistRules.Decision.Pass.class);
    clock.advance(Duration.ofDays(35).plusHours(1));
    assertThat(attempt(t)).isInstanceOfSatisfying(GreylistRules.Decision.Defer.class, d ->
        assertThat(d.reason()).contains("expired"));
    assertThat(greylist.prune()).isZero();
    clock.advance(Duration.ofDays(36));
    assertThat(greylist.prune()).isEqualTo(1);
  }

  @Test
  void aClientThatPassesThreeTripletsIsWhitelistedForEverySender() {
    String client = "192.0.2.0/24";
    for (int i = 0; i < 3; i++) {
      assertThat(greylist.clientWhitelisted(client)).isFalse();
      Triplet t = triplet(client, "sender" + i + "@example.org", "bob@example.test");
      attempt(t);
      clock.advance(Duration.ofMinutes(6));
      attempt(t);
    }
    assertThat(greylist.clientWhitelisted(client)).isTrue();
    assertThat(greylist.clientWhitelisted("198.51.100.0/24")).isFalse();
    clock.advance(Duration.ofDays(36));
    assertThat(greylist.clientWhitelisted(client)).as("after the passed lifetime").isFalse();
  }

  @Test
  void clientsAreGroupedByNetworkOrByTheirConfirmedPtrOrganisation() throws Exception {
    assertThat(Triplet.client(InetAddress.getByName("192.0.2.77"), Optional.empty(), settings)).isEqualTo("192.0.2.0/24");
    assertThat(Triplet.client(InetAddress.getByName("2001:db8:1:2:3::9"), Optional.empty(), settings))
        .isEqualTo("2001:db8:1:2::/64");
    assertThat(Triplet.client(InetAddress.getByName("192.0.2.77"), Optional.of("out-7.mail.example.co.uk"), settings))
        .isEqualTo("ptr:example.co.uk");
    assertThat(Triplet.client(InetAddress.getByName("198.51.100.3"), Optional.of("out-9.mail.example.co.uk"), settings))
        .isEqualTo("ptr:example.co.uk");
    GreylistSettings byNetwork = new GreylistSettings(true, Duration.ofMinutes(5), Duration.ofDays(2), Duration.ofDays(35),
        5, 16, 48, false, false, true);
    assertThat(Triplet.client(InetAddress.getByName("192.0.2.77"), Optional.of("mail.example.com"), byNetwork))
        .isEqualTo("192.0.0.0/16");
  }

  @Test
  void sendersAreNormalisedSoVerpAndBatvRetriesMatch() {
    assertThat(Triplet.sender(Optional.of(EmailAddress.parse("Bounce-12345-678@Lists.Example.org"))))
        .isEqualTo("bounce-#-#@lists.example.org");
    assertThat(Triplet.sender(Optional.of(EmailAddress.parse("bounce-99-1@lists.example.org"))))
        .isEqualTo("bounce-#-#@lists.example.org");
    assertThat(Triplet.sender(Optional.of(EmailAddress.parse("prvs=1234abcd=alice@example.org"))))
        .isEqualTo("alice@example.org");
    assertThat(Triplet.sender(Optional.of(EmailAddress.parse("alice+news@example.org")))).isEqualTo("alice@example.org");
    assertThat(Triplet.sender(Optional.empty())).isEqualTo("<>");
  }

  @Test
  void flushedStateSurvivesARestart() {
    Triplet t = triplet("192.0.2.0/24", "alice@example.org", "bob@example.test");
    attempt(t);
    greylist.flush();
    assertThat(greylist.pendingWrites()).isZero();
    clock.advance(Duration.ofMinutes(6));
    Greylist restarted = new Greylist(store.greylist(), settings, clock);
    assertThat(restarted.attempt(t).decision()).isInstanceOf(GreylistRules.Decision.Pass.class);
  }

  @Test
  void aTripletEvictedFromMemoryBeforeItsChangeWasWrittenKeepsThatChange() {
    Greylist small = new Greylist(store.greylist(), settings, clock, 1);
    Triplet first = triplet("192.0.2.0/24", "alice@example.org", "bob@example.test");
    small.attempt(first);
    for (int i = 0; i < 50; i++) {
      small.attempt(triplet("192.0.2.0/24", "s" + (char) ('a' + i % 26) + i + "@example.org", "bob@example.test"));
    }
    assertThat(small.pendingWrites()).isEqualTo(51);
    clock.advance(Duration.ofMinutes(6));
    assertThat(small.attempt(first).decision()).isInstanceOf(GreylistRules.Decision.Pass.class);
    small.flush();
    assertThat(small.pendingWrites()).isZero();
    clock.advance(Duration.ofDays(1));
    assertThat(new Greylist(store.greylist(), settings, clock).attempt(first).decision())
        .isInstanceOfSatisfying(GreylistRules.Decision.Pass.class, p -> assertThat(p.firstPass()).isFalse());
  }

  @Test
  void aPassedTripletSeenAgainIsWrittenAtMostOnceAMinute() {
    Triplet t = triplet("192.0.2.0/24", "alice@example.org", "bob@example.test");
    attempt(t);
    clock.advance(Duration.ofMinutes(6));
    attempt(t);
    greylist.flush();
    clock.advance(Duration.ofSeconds(20));
    attempt(t);
    assertThat(greylist.pendingWrites()).as("only its last-seen time moved").isZero();
    clock.advance(Duration.ofSeconds(50));
    attempt(t);
    assertThat(greylist.pendingWrites()).isEqualTo(1);
    Triplet deferred = triplet("192.0.2.0/24", "carol@example.org", "bob@example.test");
    attempt(deferred);
    clock.advance(Duration.ofSeconds(10));
    greylist.flush();
    attempt(deferred);
    assertThat(greylist.pendingWrites()).as("a deferred triplet's attempts are state").isEqualTo(1);
  }
}
