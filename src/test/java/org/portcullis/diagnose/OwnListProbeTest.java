package org.portcullis.diagnose;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.portcullis.dns.StaticDnsResolver;

/** Check 6's own half: our blocklist, with the evidence link; a store that fails is unknown. */
class OwnListProbeTest {

  private static final Subject SUBJECT = new Subject(InetAddress.ofLiteral("192.0.2.9"), Optional.empty(),
      Optional.empty(), Optional.empty());

  private static Finding run(OwnListProbe probe) {
    List<Finding> found = probe.run(SUBJECT, new Lookups(new StaticDnsResolver()), System.nanoTime() + 1_000_000_000L);
    assertThat(found).hasSize(1);
    return found.getFirst();
  }

  @Test
  void aListedAddressFailsWithItsEvidenceLinkAndHowToDelist() {
    Finding f = run(new OwnListProbe("bl.example.test", "https://mx.example.test", ip -> Optional.of(
        new OwnListProbe.Listed("192.0.2.9/32", "spam-trap", Instant.parse("2026-12-01T10:00:00Z"),
            Instant.parse("2026-12-03T08:00:00Z"), true))));

    assertThat(f.id()).isEqualTo("blocklist.own");
    assertThat(f.status()).isEqualTo(Status.FAIL);
    assertThat(f.advice()).contains("bl.example.test (spam-trap)", "https://mx.example.test/lookup/192.0.2.9",
        "2026-12-03T08:00:00Z", "delist it yourself");
  }

  @Test
  void notListedPassesAndAStoreThatFailsIsUnknown() {
    assertThat(run(new OwnListProbe("bl.example.test", "", ip -> Optional.empty())).status()).isEqualTo(Status.PASS);
    assertThat(run(new OwnListProbe("bl.example.test", "", ip -> {
      throw new IllegalStateException("database is locked");
    })).status()).isEqualTo(Status.UNKNOWN);
  }

  @Test
  void aListingWithoutSelfServiceSendsTheSenderToTheOperator() {
    Finding f = run(new OwnListProbe("bl.example.test", "", ip -> Optional.of(new OwnListProbe.Listed(
        "192.0.2.0/24", "manual", Instant.EPOCH, Instant.EPOCH, false))));

    assertThat(f.advice()).contains("ask the operator");
  }
}
