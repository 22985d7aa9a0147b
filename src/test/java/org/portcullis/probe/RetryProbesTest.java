package org.portcullis.probe;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.portcullis.mail.EmailAddress;
import org.portcullis.testing.FakeClock;

/** The probes' addresses and limits, on a store in memory and a fake clock. */
class RetryProbesTest {

  /** A store in memory, as the SQLite one behaves. */
  static final class MemoryStore implements RetryProbeStore {
    final Map<String, RetryProbe> probes = new ConcurrentHashMap<>();

    @Override
    public void create(String token, Instant created, Instant expires) {
      probes.put(token, new RetryProbe(token, created, expires, List.of()));
    }

    @Override
    public Optional<RetryProbe> find(String token) {
      return Optional.ofNullable(probes.get(token));
    }

    @Override
    public void attempt(String token, RetryProbe.Attempt attempt) {
      RetryProbe p = probes.get(token);
      List<RetryProbe.Attempt> all = new ArrayList<>(p.attempts());
      all.add(attempt);
      probes.put(token, new RetryProbe(token, p.created(), p.expires(), all));
    }

    @Override
    public int prune(Instant now) {
      int before = probes.size();
      probes.values().removeIf(p -> p.expires().isBefore(now));
      return before - probes.size();
    }
  }

  private final FakeClock clock = new FakeClock();
  private final MemoryStore store = new MemoryStore();
  private final RetryProbes probes = new RetryProbes(store, "Example.Test", Duration.ofMinutes(5), clock);

  @Test
  void addressesAreUnguessableLowerCaseAndSurviveCaseFolding() {
    RetryProbe a = probes.create();
    RetryProbe b = probes.create();
    assertThat(a.token()).matches("[a-z2-7]{26}").isNotEqualTo(b.token());
    assertThat(probes.address(a.token())).isEqualTo("probe-" + a.token() + "@example.test");
    assertThat(probes.tokenOf(EmailAddress.parse(("PROBE-" + a.token() + "@EXAMPLE.test").toUpperCase())))
        .hasValue(a.token());
    assertThat(probes.tokenOf(EmailAddress.parse("probe-" + a.token() + "@elsewhere.test"))).isEmpty();
    assertThat(probes.tokenOf(EmailAddress.parse("probe-short@example.test"))).isEmpty();
    assertThat(probes.tokenOf(EmailAddress.parse("bob@example.test"))).isEmpty();
  }

  @Test
  void attemptsAreBoundedAndExpiredProbesAnswerUnknownAndArePruned() {
    RetryProbe p = probes.create();
    for (int i = 0; i < RetryProbes.ATTEMPTS_MAX + 10; i++) {
      assertThat(probes.rcpt(p.token(), "192.0.2.1", "mx.example.org")).isInstanceOf(RetryProbes.Answer.Deferred.class);
    }
    assertThat(store.find(p.token()).orElseThrow().attempts()).hasSize(RetryProbes.ATTEMPTS_MAX);

    clock.advance(RetryProbes.LIFETIME.plusSeconds(1));
    assertThat(probes.rcpt(p.token(), "192.0.2.1", "mx.example.org")).isInstanceOf(RetryProbes.Answer.Unknown.class);
    assertThat(probes.prune()).isEqualTo(1);
    assertThat(store.probes).isEmpty();
  }

  @Test
  void aRetryIsAcceptedOnlyAfterTheDelay() {
    RetryProbe p = probes.create();
    RetryProbes.Answer first = probes.rcpt(p.token(), "192.0.2.1", "mx.example.org");
    assertThat(first).isEqualTo(new RetryProbes.Answer.Deferred(Duration.ofMinutes(5)));
    clock.advance(Duration.ofMinutes(2));
    assertThat(probes.rcpt(p.token(), "192.0.2.1", "mx.example.org"))
        .isEqualTo(new RetryProbes.Answer.Deferred(Duration.ofMinutes(3)));
    clock.advance(Duration.ofMinutes(3));
    assertThat(probes.rcpt(p.token(), "192.0.2.1", "mx.example.org")).isInstanceOf(RetryProbes.Answer.Accepted.class);
    assertThat(store.find(p.token()).orElseThrow().verdict(clock.instant()).status()).isEqualTo(RetryProbe.Status.PASS);
  }
}
