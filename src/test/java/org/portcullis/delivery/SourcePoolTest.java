package org.portcullis.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.portcullis.mail.EnhancedStatus;
import org.portcullis.mail.SmtpReply;
import org.portcullis.testing.FakeClock;

/** The source-address pool with a fake clock: turns, suspensions per destination and for all, expiry, patterns. */
class SourcePoolTest {

  private static final InetAddress A = InetAddress.ofLiteral("192.0.2.5");
  private static final InetAddress B = InetAddress.ofLiteral("192.0.2.6");
  private static final InetAddress C = InetAddress.ofLiteral("192.0.2.7");

  private final FakeClock clock = new FakeClock();
  private final List<SourcePool.Suspension> saved = new ArrayList<>();
  private final SuspensionStore store = new SuspensionStore() {
    @Override
    public List<SourcePool.Suspension> load() {
      return List.copyOf(saved);
    }

    @Override
    public void save(SourcePool.Suspension s) {
      saved.add(s);
    }

    @Override
    public void remove(InetAddress address, Optional<String> destination, boolean fromHealthCheck) {
      saved.removeIf(s -> s.address().equals(address) && s.destination().equals(destination)
          && s.fromHealthCheck() == fromHealthCheck);
    }
  };

  private SourcePool pool() {
    return new SourcePool(List.of(A, B, C), clock, Duration.ofMinutes(60), 2, SourcePool.DEFAULT_PATTERNS, store);
  }

  @Test
  void mailIsSpreadOverTheAddressesInTurn() {
    SourcePool pool = pool();
    assertThat(pool.candidates("x.test")).containsExactly(Optional.of(A), Optional.of(B), Optional.of(C));
    assertThat(pool.candidates("x.test")).containsExactly(Optional.of(B), Optional.of(C), Optional.of(A));
    assertThat(pool.candidates("x.test").getFirst()).contains(C);
  }

  @Test
  void aRefusalSuspendsForThatDestinationAndPastTheThresholdForAll() {
    SourcePool pool = pool();
    pool.refused(A, "one.test", "554 5.7.1 listed");
    assertThat(pool.candidates("one.test")).doesNotContain(Optional.of(A));
    assertThat(pool.candidates("two.test")).contains(Optional.of(A));
    pool.refused(A, "two.test", "554 5.7.1 listed");
    assertThat(pool.candidates("three.test")).as("two destinations: suspended everywhere")
        .doesNotContain(Optional.of(A));
    clock.advance(Duration.ofMinutes(61));
    assertThat(pool.candidates("three.test")).contains(Optional.of(A));
    assertThat(new SourcePool(List.of(A, B, C), clock, Duration.ofMinutes(60), 2, SourcePool.DEFAULT_PATTERNS, store)
        .suspensions()).as("expired ones are not loaded back").isEmpty();
  }

  @Test
  void aListedAddressStaysSuspendedUntilTheCheckFindsItCleanAndARestartKeepsThat() {
    SourcePool pool = pool();
    pool.listed(B, "listed on zen.test (127.0.0.2)");
    clock.advance(Duration.ofDays(3));
    assertThat(pool.candidates("x.test")).doesNotContain(Optional.of(B));
    SourcePool restarted = pool();
    assertThat(restarted.candidates("x.test")).doesNotContain(Optional.of(B));
    restarted.clean(B);
    assertThat(restarted.candidates("x.test")).contains(Optional.of(B));
    assertThat(saved).isEmpty();
  }

  @Test
  void whenEveryAddressIsRefusedTheLatestRefusalIsKnown() {
    SourcePool pool = pool();
    pool.refused(A, "strict.test", "550 5.7.1 A is listed");
    clock.advance(Duration.ofSeconds(1));
    pool.refused(B, "strict.test", "550 5.7.1 B is listed");
    clock.advance(Duration.ofSeconds(1));
    pool.refused(C, "strict.test", "550 5.7.1 C is listed");
    assertThat(pool.candidates("strict.test")).isEmpty();
    assertThat(pool.refusedEverywhere("strict.test")).hasValueSatisfying(s ->
        assertThat(s.reason()).isEqualTo("550 5.7.1 C is listed"));
  }

  @Test
  void onlyPermanentRefusalsThatSayListedCountAsBlacklisting() {
    SourcePool pool = pool();
    assertThat(pool.isBlacklisting(SmtpReply.of(554, EnhancedStatus.POLICY, "Client host [192.0.2.5] blocked using "
        + "zen.spamhaus.org"))).isTrue();
    assertThat(pool.isBlacklisting(SmtpReply.of(550, EnhancedStatus.POLICY, "Your IP is on our BlackList"))).isTrue();
    assertThat(pool.isBlacklisting(SmtpReply.of(451, EnhancedStatus.TEMPORARY_POLICY, "listed, try later"))).isFalse();
    assertThat(pool.isBlacklisting(SmtpReply.of(550, EnhancedStatus.parse("5.1.1"), "User unknown"))).isFalse();
    assertThat(pool.isBlacklisting(SmtpReply.of(550, EnhancedStatus.parse("5.1.1"), "unlisted mailbox"))).isFalse();
  }
}
