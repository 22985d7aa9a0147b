package org.portcullis.verify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

class NetworkShareTest {

  @Test
  void aNetworkGetsItsShareAndOthersStillGetTheirs() {
    NetworkShare share = NetworkShare.of(8); // 2 per network
    InetAddress a1 = InetAddress.ofLiteral("192.0.2.1");
    InetAddress a2 = InetAddress.ofLiteral("192.0.2.200");
    InetAddress other = InetAddress.ofLiteral("198.51.100.1");

    assertThat(share.tryAcquire(a1)).isTrue();
    assertThat(share.tryAcquire(a2)).isTrue();
    assertThat(share.tryAcquire(a1)).as("the /24 has its two in flight").isFalse();
    assertThat(share.tryAcquire(other)).isTrue();
    share.release(a2);
    assertThat(share.tryAcquire(a1)).isTrue();
  }

  @Test
  void theShareIsAtLeastOne() {
    NetworkShare share = NetworkShare.of(1);
    InetAddress a = InetAddress.ofLiteral("2001:db8::1");
    assertThat(share.tryAcquire(a)).isTrue();
    assertThat(share.tryAcquire(InetAddress.ofLiteral("2001:db8::2"))).as("same /64").isFalse();
    assertThatThrownBy(() -> new NetworkShare(0)).isInstanceOf(IllegalArgumentException.class);
  }
}
