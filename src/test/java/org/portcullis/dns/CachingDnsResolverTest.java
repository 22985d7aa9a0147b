package org.portcullis.dns;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.benmanes.caffeine.cache.Ticker;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class CachingDnsResolverTest {

  private final AtomicLong nanos = new AtomicLong();
  private final Ticker ticker = nanos::get;
  private final AtomicInteger asked = new AtomicInteger();
  private DnsAnswer next;

  private final DnsResolver network = (name, type) -> {
    asked.incrementAndGet();
    return CompletableFuture.completedFuture(next);
  };

  private final CachingDnsResolver cache = new CachingDnsResolver(network, 1000, Duration.ofHours(1),
      Duration.ofMinutes(5), Duration.ofSeconds(5), ticker);

  private void advance(Duration d) {
    nanos.addAndGet(d.toNanos());
  }

  @Test
  void aPositiveAnswerIsKeptForItsTtl() {
    next = new DnsAnswer("a.example", DnsType.A, DnsStatus.NOERROR,
        List.of(new DnsRecord.Address(InetAddress.ofLiteral("192.0.2.1"))), 120);
    cache.lookup("a.example", DnsType.A).join();
    advance(Duration.ofSeconds(119));
    cache.lookup("A.EXAMPLE.", DnsType.A).join();
    assertThat(asked).hasValue(1);
    advance(Duration.ofSeconds(2));
    cache.lookup("a.example", DnsType.A).join();
    assertThat(asked).hasValue(2);
  }

  @Test
  void aNegativeAnswerIsKeptAtMostTheNegativeCap() {
    next = new DnsAnswer("n.example", DnsType.A, DnsStatus.NXDOMAIN, List.of(), 86400);
    cache.lookup("n.example", DnsType.A).join();
    advance(Duration.ofMinutes(4));
    cache.lookup("n.example", DnsType.A).join();
    assertThat(asked).hasValue(1);
    advance(Duration.ofMinutes(2));
    cache.lookup("n.example", DnsType.A).join();
    assertThat(asked).hasValue(2);
  }

  @Test
  void aFailureIsKeptOnlyBriefly() {
    next = DnsAnswer.failure("f.example", DnsType.A, DnsStatus.SERVFAIL);
    cache.lookup("f.example", DnsType.A).join();
    cache.lookup("f.example", DnsType.A).join();
    assertThat(asked).hasValue(1);
    advance(Duration.ofSeconds(6));
    cache.lookup("f.example", DnsType.A).join();
    assertThat(asked).hasValue(2);
  }

  @Test
  void differentTypesAreDifferentEntries() {
    next = DnsAnswer.failure("t.example", DnsType.A, DnsStatus.TIMEOUT);
    cache.lookup("t.example", DnsType.A).join();
    cache.lookup("t.example", DnsType.MX).join();
    assertThat(asked).hasValue(2);
  }
}
