package org.portcullis.policyd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.portcullis.lists.EntryForm;
import org.portcullis.lists.ListEntry;
import org.portcullis.policy.checks.CheckCatalog;
import org.portcullis.testing.Senders;
import org.portcullis.testing.TestDnsServer;
import org.portcullis.testing.TestGateway;

/** {@code policy-service.ok-on-allow-entries}: OK for a recipient an allow-everything entry covers, DUNNO otherwise. */
class PolicyOkTest {

  @TempDir
  Path data;

  @Test
  void anAllowEverythingEntryAnswersOkAndANarrowerOneDunno() throws Exception {
    try (TestDnsServer dns = Senders.describe(TestDnsServer.start());
        TestGateway gateway = TestGateway.start(data, dns, "policy-service.ok-on-allow-entries = true")) {
      var lists = gateway.gateway().store().lists();
      var checks = new LinkedHashSet<>(CheckCatalog.names());
      lists.add(new EntryForm(ListEntry.Action.ALLOW, Optional.empty(), Optional.of("partner.example"),
          Optional.empty(), Optional.empty(), List.of("all"), Optional.empty(), Optional.empty(), Optional.empty())
          .toEntry(checks, Instant.now()));
      lists.add(new EntryForm(ListEntry.Action.ALLOW, Optional.empty(), Optional.of("good.example"),
          Optional.empty(), Optional.empty(), List.of("greylist"), Optional.empty(), Optional.empty(), Optional.empty())
          .toEntry(checks, Instant.now()));
      try (Socket s = new Socket("127.0.0.1", gateway.gateway().policyServicePort().orElseThrow())) {
        s.setSoTimeout(10_000);
        BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
          s.getOutputStream().write(PolicyServiceTest.request(Senders.GOOD, Senders.GOOD_NAME, "a@partner.example",
              "bob@example.test").getBytes(StandardCharsets.US_ASCII));
          String action = in.readLine();
          assertThat(in.readLine()).isEmpty();
          assertThat(action).as("once the entries are loaded").isEqualTo("action=OK");
        });
        s.getOutputStream().write(PolicyServiceTest.request(Senders.GOOD, Senders.GOOD_NAME, "a@good.example",
            "bob@example.test").getBytes(StandardCharsets.US_ASCII));
        assertThat(in.readLine()).isEqualTo("action=DUNNO");
        assertThat(in.readLine()).isEmpty();
        s.getOutputStream().write(PolicyServiceTest.request(Senders.GOOD, Senders.GOOD_NAME, "a@partner.example",
            "victim@elsewhere.example").getBytes(StandardCharsets.US_ASCII));
        assertThat(in.readLine()).as("never for relaying").startsWith("action=REJECT 5.7.1 Relay access denied");
        assertThat(in.readLine()).isEmpty();
      }
    }
  }
}
