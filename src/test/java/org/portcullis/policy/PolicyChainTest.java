package org.portcullis.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.portcullis.mail.EnhancedStatus;
import org.portcullis.testing.FakeSession;

class PolicyChainTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(5);
  private final FakeSession session = new FakeSession();

  /** A check that always answers the same verdict, and records that it ran. */
  private static class Fixed implements Check {
    final String name;
    final Verdict verdict;
    final AtomicBoolean ran = new AtomicBoolean();

    Fixed(String name, Verdict verdict) {
      this.name = name;
      this.verdict = verdict;
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public Set<Phase> phases() {
      return Set.of(Phase.HELO);
    }

    @Override
    public Verdict evaluate(CheckContext context) {
      ran.set(true);
      return verdict;
    }
  }

  private static Verdict.Reject reject(String why) {
    return Verdict.reject("5.7.1", why, Explanation.builder().fact("f", "v").rule("r", "f"));
  }

  private static Verdict.Tempfail tempfail(String why) {
    return Verdict.tempfail("4.7.1", why, Explanation.builder().fact("f", "v").rule("r", "f"));
  }

  private static PolicyChain.Entry enforce(Check check) {
    return new PolicyChain.Entry(check, CheckSettings.enforce(TIMEOUT));
  }

  private ChainResult run(PolicyChain chain) {
    return chain.run(Phase.HELO, session.at(Phase.HELO), name -> false);
  }

  @Test
  void theFirstDecisiveVerdictWinsAndLaterChecksDoNotRun() {
    Fixed first = new Fixed("first", reject("no"));
    Fixed second = new Fixed("second", Verdict.CONTINUE);
    ChainResult result = run(new PolicyChain(List.of(enforce(first), enforce(second))));
    assertThat(result.decision()).hasValueSatisfying(f -> assertThat(f.check()).isEqualTo("first"));
    assertThat(second.ran).isFalse();
  }

  @Test
  void aTempfailIsRememberedWhileTheChainGoesOn() {
    Fixed soft = new Fixed("soft", tempfail("dns down"));
    Fixed later = new Fixed("later", new Verdict.Accept("whitelisted"));
    ChainResult result = run(new PolicyChain(List.of(enforce(soft), enforce(later))));
    assertThat(result.tempfails()).extracting(Finding::check).containsExactly("soft");
    assertThat(result.decision()).hasValueSatisfying(f -> assertThat(f.verdict()).isInstanceOf(Verdict.Accept.class));
  }

  @Test
  void anObservedCheckChangesNothingButIsReported() {
    Fixed watched = new Fixed("watched", reject("would"));
    Fixed next = new Fixed("next", Verdict.CONTINUE);
    PolicyChain chain = new PolicyChain(List.of(
        new PolicyChain.Entry(watched, new CheckSettings(CheckMode.OBSERVE, RejectAction.REJECT, TIMEOUT)),
        enforce(next)));
    ChainResult result = run(chain);
    assertThat(result.decision()).isEmpty();
    assertThat(result.observed()).extracting(Finding::check).containsExactly("watched");
    assertThat(next.ran).isTrue();
  }

  @Test
  void aCheckThatIsOffDoesNotRun() {
    Fixed off = new Fixed("off", reject("x"));
    run(new PolicyChain(List.of(new PolicyChain.Entry(off, new CheckSettings(CheckMode.OFF, RejectAction.REJECT, TIMEOUT)))));
    assertThat(off.ran).isFalse();
  }

  @Test
  void aRejectionCanBeSoftenedToATagOrATempfail() {
    ChainResult tagged = run(new PolicyChain(List.of(new PolicyChain.Entry(new Fixed("t", reject("spammy")),
        new CheckSettings(CheckMode.ENFORCE, RejectAction.TAG, TIMEOUT)))));
    assertThat(tagged.decision()).isEmpty();
    assertThat(tagged.tags()).singleElement().satisfies(f -> assertThat(f.verdict()).isInstanceOf(Verdict.Tag.class));
    ChainResult deferred = run(new PolicyChain(List.of(new PolicyChain.Entry(new Fixed("d", reject("spammy")),
        new CheckSettings(CheckMode.ENFORCE, RejectAction.TEMPFAIL, TIMEOUT)))));
    assertThat(deferred.tempfails()).singleElement().satisfies(f -> {
      Verdict.Tempfail t = (Verdict.Tempfail) f.verdict();
      assertThat(t.code()).isEqualTo(450);
      assertThat(t.status()).isEqualTo(EnhancedStatus.TEMPORARY_POLICY);
    });
  }

  @Test
  void aCheckThatHangsBecomesA451AfterItsTimeoutNeverAPass() {
    CountDownLatch never = new CountDownLatch(1);
    Check hangs = new Fixed("hangs", Verdict.CONTINUE) {
      @Override
      public Verdict evaluate(CheckContext context) {
        try {
          never.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        return Verdict.CONTINUE;
      }
    };
    PolicyChain chain = new PolicyChain(List.of(new PolicyChain.Entry(hangs,
        new CheckSettings(CheckMode.ENFORCE, RejectAction.REJECT, Duration.ofMillis(50)))));
    ChainResult result = run(chain);
    assertThat(result.tempfails()).singleElement().satisfies(f -> {
      Verdict.Tempfail t = (Verdict.Tempfail) f.verdict();
      assertThat(t.code()).isEqualTo(451);
      assertThat(t.status().toString()).isEqualTo("4.3.0");
    });
  }

  @Test
  void aCheckThatThrowsBecomesA451AndTheChainGoesOn() {
    Check broken = new Fixed("broken", Verdict.CONTINUE) {
      @Override
      public Verdict evaluate(CheckContext context) {
        throw new IllegalStateException("bug");
      }
    };
    Fixed next = new Fixed("next", Verdict.CONTINUE);
    ChainResult result = run(new PolicyChain(List.of(enforce(broken), enforce(next))));
    assertThat(result.tempfails()).extracting(Finding::check).containsExactly("broken");
    assertThat(next.ran).isTrue();
  }

  @Test
  void skippedChecksDoNotRun() {
    Fixed skipped = new Fixed("skipped", reject("x"));
    ChainResult result = new PolicyChain(List.of(enforce(skipped))).run(Phase.HELO, session.at(Phase.HELO),
        "skipped"::equals);
    assertThat(result.decision()).isEmpty();
    assertThat(skipped.ran).isFalse();
  }
}
