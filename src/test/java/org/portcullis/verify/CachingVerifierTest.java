package org.portcullis.verify;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.portcullis.mail.EmailAddress;
import org.portcullis.testing.FakeClock;

class CachingVerifierTest {

  private static final CachingVerifier.Lifetimes LIFETIMES = new CachingVerifier.Lifetimes(Duration.ofHours(24),
      Duration.ofMinutes(60), Duration.ofSeconds(60), 1_000);
  private static final Executor VIRTUAL = task -> Thread.ofVirtual().start(task);

  private final FakeClock clock = new FakeClock();

  /** Answers from {@code answer} and counts the questions, per address. */
  private static final class Counting implements AddressVerifier {
    final List<String> asked = java.util.Collections.synchronizedList(new ArrayList<>());
    private final Function<EmailAddress, Verification> answer;

    Counting(Function<EmailAddress, Verification> answer) {
      this.answer = answer;
    }

    @Override
    public Verification verify(EmailAddress address, long deadlineNanos) {
      asked.add(address.toString());
      return answer.apply(address);
    }
  }

  private static long soon() {
    return System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
  }

  @Test
  void eachKindOfAnswerIsKeptForItsOwnLifetime() {
    Counting inner = new Counting(a -> switch (a.localPart()) {
      case "exists" -> new Verification.Exists("relay", "250 ok");
      case "missing" -> new Verification.Missing("relay", "550 no such user", false);
      default -> new Verification.Unknown("relay", "451 later", false);
    });
    CachingVerifier cache = new CachingVerifier(inner, LIFETIMES, clock, VIRTUAL);
    EmailAddress exists = EmailAddress.parse("exists@example.test");
    EmailAddress missing = EmailAddress.parse("missing@example.test");
    EmailAddress unknown = EmailAddress.parse("unknown@example.test");
    for (EmailAddress a : List.of(exists, missing, unknown, exists, missing, unknown)) {
      cache.verify(a, soon());
    }
    assertThat(inner.asked).hasSize(3);

    clock.advance(Duration.ofSeconds(61));
    cache.verify(exists, soon());
    cache.verify(missing, soon());
    cache.verify(unknown, soon());
    assertThat(inner.asked).containsExactly("exists@example.test", "missing@example.test", "unknown@example.test",
        "unknown@example.test");

    clock.advance(Duration.ofMinutes(60));
    cache.verify(exists, soon());
    cache.verify(missing, soon());
    assertThat(inner.asked).hasSize(5).last().isEqualTo("missing@example.test");

    clock.advance(Duration.ofHours(24));
    assertThat(cache.verify(exists, soon())).isInstanceOf(Verification.Exists.class);
    assertThat(inner.asked).hasSize(6).last().isEqualTo("exists@example.test");
  }

  @Test
  void addressesDifferingInCaseShareAnAnswer() {
    Counting inner = new Counting(a -> new Verification.Exists("relay", "250 ok"));
    CachingVerifier cache = new CachingVerifier(inner, LIFETIMES, clock, VIRTUAL);

    cache.verify(EmailAddress.parse("Bob@Example.test"), soon());
    cache.verify(EmailAddress.parse("bob@example.TEST"), soon());

    assertThat(inner.asked).hasSize(1);
  }

  @Test
  void anAnswerForTheWholeDomainAnswersItsOtherAddresses() {
    Counting inner = new Counting(a -> new Verification.Missing("nomail.test", "null MX", true));
    CachingVerifier cache = new CachingVerifier(inner, LIFETIMES, clock, VIRTUAL);

    cache.verify(EmailAddress.parse("a@nomail.test"), soon());
    Verification other = cache.verify(EmailAddress.parse("b@nomail.test"), soon());

    assertThat(other).isInstanceOf(Verification.Missing.class);
    assertThat(inner.asked).containsExactly("a@nomail.test");
  }

  @Test
  void callersAskingAtOnceShareOneQuestion() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger calls = new AtomicInteger();
    AddressVerifier slow = (address, deadline) -> {
      calls.incrementAndGet();
      try {
        release.await(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return new Verification.Exists("relay", "250 ok");
    };
    CachingVerifier cache = new CachingVerifier(slow, LIFETIMES, clock, VIRTUAL);
    EmailAddress bob = EmailAddress.parse("bob@example.test");
    List<CompletableFuture<Verification>> callers = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      callers.add(CompletableFuture.supplyAsync(() -> cache.verify(bob, soon()), VIRTUAL));
    }
    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> calls.get() == 1);
    release.countDown();

    for (CompletableFuture<Verification> c : callers) {
      assertThat(c.get(10, TimeUnit.SECONDS)).isInstanceOf(Verification.Exists.class);
    }
    assertThat(calls).hasValue(1);
  }

  @Test
  void aQuestionStillOpenAtTheDeadlineIsUnknownNeverAPass() {
    CountDownLatch never = new CountDownLatch(1);
    AddressVerifier stuck = (address, deadline) -> {
      try {
        never.await(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return new Verification.Exists("relay", "250 ok");
    };
    CachingVerifier cache = new CachingVerifier(stuck, LIFETIMES, clock, VIRTUAL);

    Verification v = cache.verify(EmailAddress.parse("bob@example.test"),
        System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(100));

    assertThat(v).isInstanceOf(Verification.Unknown.class);
    never.countDown();
  }
}
