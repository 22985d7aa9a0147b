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
        java.util.concurrent.CountDownLatch idleClosed = new java.util.concurrent.CountDownLatch(1);
        Thread.ofVirtual().start(() -> {
          try {
            if (idle.getInputStream().read() == -1) {
              idleClosed.countDown();
            }
          } catch (java.io.IOException e) {
            // reset: not the clean close asked for
          }
        });
        // The busy one sends requests at its own pace until the idle one is closed, then once more.
        int requests = 0;
        do {
          busy.getOutputStream().write(PolicyServiceTest.request(Senders.LAN, "lan.example.test", "a@example.test",
              "b@example.test").getBytes(StandardCharsets.US_ASCII));
          assertThat(busyIn.readLine()).isEqualTo("action=DUNNO");
          assertThat(busyIn.readLine()).isEmpty();
          requests++;
        } while (!idleClosed.await(200, java.util.concurrent.TimeUnit.MILLISECONDS) && requests < 100);
        assertThat(idleClosed.getCount()).as("the idle connection was closed by the server").isZero();
        busy.getOutputStream().write(PolicyServiceTest.request(Senders.LAN, "lan.example.test", "a@example.test",
            "b@example.test").getBytes(StandardCharsets.US_ASCII));
        assertThat(busyIn.readLine()).as("the busy one outlived it").isEqualTo("action=DUNNO");
      }
    }
  }
}
