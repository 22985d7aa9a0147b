package org.portcullis.scan;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.portcullis.testing.FakeClock;

/** The breaker opens after failures in a row, fails at once while open, and lets one probe through after. */
class CircuitBreakerTest {

  private final FakeClock clock = new FakeClock();
  private final CircuitBreaker breaker = new CircuitBreaker(3, Duration.ofSeconds(30), clock);

  @Test
  void opensAfterFailuresInARowOnly() {
    breaker.failed();
    breaker.failed();
    breaker.succeeded();
    breaker.failed();
    breaker.failed();
    assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.CLOSED);
    assertThat(breaker.allow()).isTrue();
    assertThat(breaker.failed()).as("the third in a row opens it").isTrue();
    assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.OPEN);
    assertThat(breaker.allow()).isFalse();
  }

  @Test
  void afterTheOpenTimeOneProbeIsLetThroughAndItsSuccessCloses() {
    open();
    clock.advance(Duration.ofSeconds(29));
    assertThat(breaker.allow()).isFalse();
    clock.advance(Duration.ofSeconds(1));
    assertThat(breaker.allow()).as("the probe").isTrue();
    assertThat(breaker.allow()).as("only one probe at a time").isFalse();
    breaker.succeeded();
    assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.CLOSED);
    assertThat(breaker.allow()).isTrue();
    assertThat(breaker.allow()).isTrue();
  }

  @Test
  void aFailedProbeOpensItAgainForTheWholeTime() {
    open();
    clock.advance(Duration.ofSeconds(30));
    assertThat(breaker.allow()).isTrue();
    breaker.failed();
    assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.OPEN);
    clock.advance(Duration.ofSeconds(29));
    assertThat(breaker.allow()).isFalse();
    clock.advance(Duration.ofSeconds(1));
    assertThat(breaker.allow()).isTrue();
  }

  private void open() {
    for (int i = 0; i < 3; i++) {
      breaker.failed();
    }
    assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.OPEN);
  }
}
