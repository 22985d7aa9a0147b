package org.portcullis.access;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.portcullis.testing.FakeClock;

/** The failed-login limits with a fake clock: per client network, per account, the window, a success. */
class LoginThrottleTest {

  private final FakeClock clock = new FakeClock();
  private final LoginThrottle throttle = new LoginThrottle(3, 5, Duration.ofMinutes(15), clock);

  private static InetAddress ip(String text) {
    return InetAddress.ofLiteral(text);
  }

  @Test
  void aClientPastItsLimitWaitsOutTheWindowFromItsLastFailure() {
    for (int i = 0; i < 3; i++) {
      assertThat(throttle.refusal(ip("192.0.2.1"), "user" + i)).isEmpty();
      throttle.failed(ip("192.0.2.1"), "user" + i);
    }
    assertThat(throttle.refusal(ip("192.0.2.1"), "someone")).hasValueSatisfying(why ->
        assertThat(why).contains("from your network", "15 minutes"));
    assertThat(throttle.refusal(ip("192.0.2.2"), "someone")).as("another client").isEmpty();
    clock.advance(Duration.ofMinutes(14));
    assertThat(throttle.refusal(ip("192.0.2.1"), "someone")).isPresent();
    clock.advance(Duration.ofMinutes(2));
    assertThat(throttle.refusal(ip("192.0.2.1"), "someone")).isEmpty();
  }

  @Test
  void anIpv6ClientCountsByItsSlash64() {
    for (int i = 0; i < 3; i++) {
      throttle.failed(ip("2001:db8:1:2::" + (i + 1)), "u");
    }
    assertThat(throttle.refusal(ip("2001:db8:1:2::ffff"), "v")).isPresent();
    assertThat(throttle.refusal(ip("2001:db8:1:3::1"), "v")).isEmpty();
  }

  @Test
  void anAccountIsLimitedFromEverywhereAndASuccessClearsIt() {
    for (int i = 0; i < 4; i++) {
      throttle.failed(ip("198.51.100." + i), "carol");
    }
    assertThat(throttle.refusal(ip("203.0.113.9"), "carol")).isEmpty();
    throttle.succeeded(ip("192.0.2.77"), "carol");
    throttle.failed(ip("198.51.100.9"), "carol");
    assertThat(throttle.refusal(ip("203.0.113.9"), "carol")).as("count restarted after the success").isEmpty();
    for (int i = 0; i < 4; i++) {
      throttle.failed(ip("198.51.100." + (20 + i)), "Carol");
    }
    assertThat(throttle.refusal(ip("203.0.113.9"), "carol")).hasValueSatisfying(why ->
        assertThat(why).contains("for this account"));
  }

  @Test
  void aStrangersFailuresDoNotLockTheUserOutOfANetworkItLoggedInFromBefore() {
    throttle.succeeded(ip("203.0.113.9"), "dave");
    for (int i = 0; i < 5; i++) {
      throttle.failed(ip("198.51.100." + i), "dave");
    }
    assertThat(throttle.refusal(ip("198.51.100.99"), "dave")).as("the attacker's next try")
        .hasValueSatisfying(why -> assertThat(why).contains("for this account"));
    assertThat(throttle.refusal(ip("203.0.113.44"), "dave")).as("dave's own /24").isEmpty();
    assertThat(throttle.refusal(ip("192.0.2.1"), "dave")).as("a network dave never used").isPresent();
    clock.advance(Duration.ofDays(31));
    for (int i = 0; i < 5; i++) {
      throttle.failed(ip("198.51.100." + i), "dave");
    }
    assertThat(throttle.refusal(ip("203.0.113.44"), "dave")).as("trust lapses after 30 days").isPresent();
  }
}
