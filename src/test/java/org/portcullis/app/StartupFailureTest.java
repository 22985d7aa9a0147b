package org.portcullis.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.portcullis.testing.Senders;
import org.portcullis.testing.TestDnsServer;
import org.portcullis.testing.TestGateway;

/**
 * Issue 13: start-up is named steps with a closing stack; a listener that cannot start closes
 * everything started before it (the submission listeners stayed open when the policy service failed).
 */
class StartupFailureTest {

  @TempDir
  Path dir;

  private static int freePort() throws IOException {
    try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return probe.getLocalPort();
    }
  }

  @Test
  void aPolicyServiceThatCannotStartClosesTheListenersStartedBeforeIt() throws Exception {
    int smtp = freePort();
    int submission = freePort();
    try (TestDnsServer dns = Senders.describe(TestDnsServer.start());
        ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      var config = TestGateway.config(dir.resolve("data"), dns, "smtp.listen = \"127.0.0.1:" + smtp + "\"",
          "submission.listen = \"127.0.0.1:" + submission + "\"",
          "policy-service.listen = \"127.0.0.1:" + taken.getLocalPort() + "\"");
      assertThatThrownBy(() -> Gateway.start(config, Clock.systemUTC(), Optional.empty()))
          .isInstanceOf(IOException.class).hasMessageContaining("cannot start the policy service");
      for (int port : new int[] {smtp, submission}) {
        try (ServerSocket again = new ServerSocket()) {
          again.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
          assertThat(again.isBound()).as("port " + port + " was released").isTrue();
        }
      }
    }
    // Everything was closed, the store too: a new gateway opens the same data directory.
    try (TestDnsServer dns = Senders.describe(TestDnsServer.start());
        TestGateway again = TestGateway.start(dir.resolve("data"), dns)) {
      assertThat(again.smtp().getPort()).isPositive();
    }
  }
}
