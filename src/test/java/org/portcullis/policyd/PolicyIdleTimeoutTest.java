package org.portcullis.policyd;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.portcullis.testing.Senders;
import org.portcullis.testing.TestDnsServer;
import org.portcullis.testing.TestGateway;

/** An idle policy connection is closed after {@code policy-service.idle-timeout-seconds}; a busy one is not. */
class PolicyIdleTimeoutTest {

  @TempDir
  Path data;

  @Test
  void anIdleConnectionIsClosedAndAnActiveOneStaysOpen() throws Exception {
    try (TestDnsServer dns = Senders.describe(TestDnsServer.start());
        TestGateway gateway = TestGateway.start(data, dns, "policy-service.idle-timeout-seconds = 1")) {
      int port = gateway.gateway().policyServicePort().orElseThrow();
      try (Socket idle = new Socket("127.0.0.1", port); Socket busy = new Socket("127.0.0.1", port)) {
        idle.setSoTimeout(10_000);
        busy.setSoTimeout(10_000);
        BufferedReader busyIn = new BufferedReader(new InputStreamReader(busy.getInputStream(), StandardCharsets.UTF_8));
        // The busy one sends a request every 300 ms for 2.4 s, well past the idle timeout.
        for (int i = 0; i < 8; i++) {
          busy.getOutputStream().write(PolicyServiceTest.request(Senders.LAN, "lan.example.test", "a@example.test",
              "b@example.test").getBytes(StandardCharsets.US_ASCII));
          assertThat(busyIn.readLine()).isEqualTo("action=DUNNO");
          assertThat(busyIn.readLine()).isEmpty();
          Thread.sleep(300);
        }
        assertThat(idle.getInputStream().read()).as("the idle connection was closed by the server").isEqualTo(-1);
      }
    }
  }
}
