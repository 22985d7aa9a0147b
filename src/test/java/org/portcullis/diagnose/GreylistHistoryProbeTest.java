package org.portcullis.diagnose;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.portcullis.dns.StaticDnsResolver;
import org.portcullis.testing.FakeClock;

/**
 * Check 8's history half, with a fake clock: every greylisted delivery retried passes (with the
 * median delay); some given up warns; none retried fails citing RFC 5321 4.5.4.1; nothing seen
 * is information; a store that fails is unknown.
 */
class GreylistHistoryProbeTest {

  private final FakeClock clock = new FakeClock(Instant.parse("2026-12-04T12:00:00Z"));
  private final Instant now = clock.instant();

  private Finding run(List<GreylistHistoryProbe.Delivery> deliveries) {
    GreylistHistoryProbe probe = new GreylistHistoryProbe((ip, ptr) -> new GreylistHistoryProbe.History("192.0.2.0/24",
        deliveries), clock);
    List<Finding> found = probe.run(new Subject(InetAddress.ofLiteral("192.0.2.9"), Optional.empty(), Optional.empty(),
        Optional.empty()), new Lookups(new StaticDnsResolver()), System.nanoTime() + 1_000_000_000L);
    assertThat(found).hasSize(1);
    return found.getFirst();
  }

  private GreylistHistoryProbe.Delivery passedAfter(Duration delay, Duration ago) {
    Instant first = now.minus(ago);
    return new GreylistHistoryProbe.Delivery(first, first.plus(delay), Optional.of(first.plus(delay)), 2);
  }

  private GreylistHistoryProbe.Delivery abandoned(Duration ago) {
    return new GreylistHistoryProbe.Delivery(now.minus(ago), now.minus(ago), Optional.empty(), 1);
  }

  @Test
  void everyDeliveryRetriedPassesWithTheMedianDelay() {
    Finding f = run(List.of(passedAfter(Duration.ofMinutes(6), Duration.ofDays(3)),
        passedAfter(Duration.ofMinutes(10), Duration.ofDays(2)), passedAfter(Duration.ofMinutes(30), Duration.ofDays(1)),
        abandoned(Duration.ofMinutes(30))));

    assertThat(f.status()).as("the last one is still within 2 hours").isEqualTo(Status.PASS);
    assertThat(f.facts().toString()).contains("median retry delay", "10 min", "192.0.2.0/24");
  }

  @Test
  void someGivenUpWarnsAndNoneRetriedFailsCitingTheRfc() {
    Finding some = run(List.of(passedAfter(Duration.ofMinutes(6), Duration.ofDays(3)), abandoned(Duration.ofHours(3))));
    assertThat(some.status()).isEqualTo(Status.WARN);
    assertThat(some.advice()).contains("1 of 2", "RFC 5321 4.5.4.1", "6 min");

    Finding none = run(List.of(abandoned(Duration.ofHours(3)), abandoned(Duration.ofDays(5))));
    assertThat(none.status()).isEqualTo(Status.FAIL);
    assertThat(none.advice()).contains("None of the 2", "RFC 5321 4.5.4.1");
  }

  @Test
  void nothingSeenIsInformationAndAFailingStoreIsUnknown() {
    assertThat(run(List.of()).status()).isEqualTo(Status.INFO);
    GreylistHistoryProbe broken = new GreylistHistoryProbe((ip, ptr) -> {
      throw new IllegalStateException("database is locked");
    }, clock);
    assertThat(broken.run(new Subject(InetAddress.ofLiteral("192.0.2.9"), Optional.empty(), Optional.empty(),
        Optional.empty()), new Lookups(new StaticDnsResolver()), System.nanoTime() + 1_000_000_000L).getFirst().status())
        .isEqualTo(Status.UNKNOWN);
  }
}
