package org.portcullis.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.portcullis.testing.SmtpReceiver;

/** The connection cache on an injected clock, with real connections to a receiver on loopback. */
class ConnectionCacheTest {

  private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
  private final SmtpReceiver receiver;

  ConnectionCacheTest() throws Exception {
    receiver = SmtpReceiver.start(n -> "250 2.0.0 Ok");
  }

  @AfterEach
  void stop() throws Exception {
    receiver.close();
  }

  private SmtpConnection open() throws Exception {
    var opened = SmtpConnection.open(receiver.address(), "receiver", Optional.empty(), "mx.example.test",
        Optional.empty(), Duration.ofSeconds(5), Duration.ofSeconds(5));
    return ((SmtpConnection.Opened.Ready) opened).connection();
  }

  @Test
  void anIdleConnectionIsReusedWithinTheReuseTimeAndClosedAfterIt() throws Exception {
    ConnectionCache cache = new ConnectionCache(Duration.ofSeconds(2), 4, nanos::get);
    SmtpConnection first = open();
    cache.put(first, Optional.empty());
    nanos.addAndGet(Duration.ofMillis(1_999).toNanos());
    assertThat(cache.take(receiver.address(), Optional.empty())).containsSame(first);

    cache.put(first, Optional.empty());
    nanos.addAndGet(Duration.ofMillis(2_001).toNanos());
    assertThat(cache.take(receiver.address(), Optional.empty())).isEmpty();
    assertThat(first.client().isClosed()).as("an expired connection is closed, not reused").isTrue();
    cache.close();
  }

  @Test
  void noMoreThanPerServerConnectionsWaitAndTheOthersAreClosed() throws Exception {
    ConnectionCache cache = new ConnectionCache(Duration.ofSeconds(60), 1, nanos::get);
    SmtpConnection kept = open();
    SmtpConnection extra = open();
    cache.put(kept, Optional.empty());
    cache.put(extra, Optional.empty());
    assertThat(extra.client().isClosed()).isTrue();
    assertThat(cache.take(receiver.address(), Optional.empty())).containsSame(kept);
    assertThat(cache.take(receiver.address(), Optional.empty())).isEmpty();
    kept.quit();
    cache.close();
  }
}
