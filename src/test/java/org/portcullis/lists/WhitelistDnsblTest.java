package org.portcullis.lists;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.portcullis.testing.Senders;
import org.portcullis.testing.SmtpTestClient;
import org.portcullis.testing.TestDnsServer;
import org.portcullis.testing.TestGateway;

/**
 * Seed 000: a sender on a recipient's whitelist passes DNSBL rejection for that recipient only,
 * with the client listed on a real (in-process) DNS list.
 */
class WhitelistDnsblTest {

  @TempDir
  static Path data;
  static TestDnsServer dns;
  static TestGateway gateway;

  @BeforeAll
  static void start() throws Exception {
    dns = Senders.describe(TestDnsServer.start());
    dns.a("2.0.0.127.zen.test", "127.0.0.2"); // the RFC 5782 test point
    dns.a("1.1.0.127.zen.test", "127.0.0.2"); // the sender's server is listed
    dns.a("partner.example", Senders.GOOD);
    gateway = TestGateway.start(data, dns, "dnsbl.zones = [{name = \"zen.test\"}]");
  }

  @AfterAll
  static void stop() {
    gateway.close();
    dns.close();
  }

  private static String rcpt(String from, String to) throws Exception {
    try (SmtpTestClient client = SmtpTestClient.connect(gateway.smtp(), Senders.GOOD)) {
      client.reply();
      return client.startTransaction(Senders.GOOD_NAME, from, to);
    }
  }

  @Test
  void theWhitelistedSenderPassesTheDnsblForItsRecipientOnly() throws Exception {
    assertThat(rcpt("alice@partner.example", "bob@example.test"))
        .startsWith("554 5.7.1 Service unavailable; client [127.0.1.1] blocked using zen.test");
    new Whitelists(gateway.gateway().store().lists(), Clock.systemUTC())
        .add("bob@example.test", List.of("alice@partner.example"), "test");
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
        assertThat(rcpt("alice@partner.example", "bob@example.test")).startsWith("250"));
    assertThat(rcpt("alice@partner.example", "carol@example.test")).as("another recipient")
        .startsWith("554 5.7.1 Service unavailable");
    assertThat(rcpt("mallory@partner.example", "bob@example.test")).as("another sender")
        .startsWith("554 5.7.1 Service unavailable");
  }
}
