package org.portcullis.lists;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.portcullis.mail.Cidr;
import org.portcullis.policy.AddressPattern;
import org.portcullis.testing.FakeClock;
import org.portcullis.testing.Senders;
import org.portcullis.testing.SmtpTestClient;
import org.portcullis.testing.TestDnsServer;
import org.portcullis.testing.TestGateway;

/**
 * Allow and deny entries, recipients' whitelists and whitelist requests through the running
 * gateway over SMTP: changes made in the store while it runs (as the CLI does from another
 * process) take effect without a restart.
 */
class AccessListsEndToEndTest {

  @TempDir
  static Path data;
  static TestDnsServer dns;
  static TestGateway gateway;
  static final FakeClock clock = new FakeClock();

  @BeforeAll
  static void start() throws Exception {
    dns = Senders.describe(TestDnsServer.start());
    dns.a("partner.example", Senders.GOOD);
    gateway = TestGateway.start(clock, data, dns, "greylist.enabled = true", "greylist.auto-whitelist-passes = 0");
  }

  @AfterAll
  static void stop() {
    gateway.close();
    dns.close();
  }

  private static AccessListStore store() {
    return gateway.gateway().store().lists();
  }

  private static String rcpt(String from, String to) throws Exception {
    try (SmtpTestClient client = SmtpTestClient.connect(gateway.smtp(), Senders.GOOD)) {
      assertThat(client.reply()).startsWith("220");
      return client.startTransaction(Senders.GOOD_NAME, from, to);
    }
  }

  private static ListEntry allow(Optional<Cidr> client, Optional<String> sender, Optional<String> recipient,
      Set<String> skip, Optional<java.time.Instant> expires) {
    return new ListEntry(0, ListEntry.Action.ALLOW, client, sender.map(AddressPattern::parse),
        recipient.map(AddressPattern::parse), Optional.empty(), skip, Optional.empty(), expires, "test", clock.instant());
  }

  private static ListEntry deny(Optional<String> sender, Optional<String> recipient, String reply) {
    return new ListEntry(0, ListEntry.Action.DENY, Optional.empty(), sender.map(AddressPattern::parse),
        recipient.map(AddressPattern::parse), Optional.empty(), Set.of(), Optional.of(reply), Optional.empty(), "",
        clock.instant());
  }

  @Test
  void aDenyEntryAddedWhileRunningRefusesWithItsOwnTextAndRemovingItEndsThat() throws Exception {
    assertThat(rcpt("spammer@good.example", "bob@example.test")).startsWith("451 4.7.1 Greylisted");
    ListEntry entry = store().add(deny(Optional.of("spammer@good.example"), Optional.empty(),
        "Mail from you is not wanted here"));
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(rcpt("spammer@good.example",
        "bob@example.test")).startsWith("554 5.7.1 Mail from you is not wanted here; see https://mx.example.test/ref/"));
    assertThat(rcpt("someone@good.example", "bob@example.test")).as("another sender").startsWith("451 4.7.1");
    store().remove(entry.id());
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
        assertThat(rcpt("spammer@good.example", "bob@example.test")).startsWith("451 4.7.1 Greylisted"));
  }

  @Test
  void anAllowEntrySkipsTheChecksItNamesUntilItExpires() throws Exception {
    ListEntry entry = store().add(allow(Optional.of(Cidr.parse(Senders.GOOD_2 + "/32")), Optional.empty(),
        Optional.empty(), Set.of("greylist"), Optional.of(clock.instant().plus(Duration.ofDays(1)))));
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      try (SmtpTestClient client = SmtpTestClient.connect(gateway.smtp(), Senders.GOOD_2)) {
        client.reply();
        assertThat(client.startTransaction("mail2.good.example", "fresh@good.example", "bob@example.test"))
            .startsWith("250");
      }
    });
    clock.advance(Duration.ofDays(2));
    try (SmtpTestClient client = SmtpTestClient.connect(gateway.smtp(), Senders.GOOD_2)) {
      client.reply();
      assertThat(client.startTransaction("mail2.good.example", "other@good.example", "bob@example.test"))
          .as("after expiry").startsWith("451 4.7.1 Greylisted");
    }
    store().remove(entry.id());
  }

  @Test
  void anAllowEntryForEverythingStillDoesNotOpenTheRelay() throws Exception {
    ListEntry entry = store().add(allow(Optional.empty(), Optional.of("relayer@good.example"), Optional.empty(),
        Set.of(ListEntry.ALL), Optional.empty()));
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
        assertThat(rcpt("relayer@good.example", "bob@example.test")).startsWith("250"));
    assertThat(rcpt("relayer@good.example", "victim@elsewhere.example")).startsWith("554 5.7.1 Relay access denied");
    store().remove(entry.id());
  }

  @Test
  void aSenderOnARecipientsWhitelistPassesGreylistingForThatRecipientOnly() throws Exception {
    Whitelists whitelists = new Whitelists(store(), clock);
    String book = "\uFEFFFirst Name,Last Name,E-mail Address,E-mail 2 Address\r\n"
        + "Alice,Partner,alice@partner.example,\"alice.home@partner.example\"\r\n";
    Whitelists.Report report = whitelists.importBook("bob@example.test", book.getBytes(StandardCharsets.UTF_8),
        1_000_000, "test");
    assertThat(report.added()).isEqualTo(2);
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
        assertThat(rcpt("alice@partner.example", "bob@example.test")).startsWith("250"));
    assertThat(rcpt("alice@partner.example", "carol@example.test")).as("another recipient")
        .startsWith("451 4.7.1 Greylisted");
    assertThat(rcpt("mallory@partner.example", "bob@example.test")).as("another sender")
        .startsWith("451 4.7.1 Greylisted");

    // A deny entry outranks the whitelist.
    ListEntry denied = store().add(deny(Optional.of("alice@partner.example"), Optional.empty(), "Denied here"));
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
        assertThat(rcpt("alice@partner.example", "bob@example.test")).startsWith("554 5.7.1 Denied here"));
    store().remove(denied.id());
  }

  @Test
  void anApprovedWhitelistRequestLetsTheSendersNextAttemptThrough() throws Exception {
    WhitelistRequests requests = new WhitelistRequests(store(), clock, org.portcullis.notices.Notifier.NONE, java.util.Optional.empty());
    assertThat(rcpt("newsletter@good.example", "dave@example.test")).startsWith("451 4.7.1 Greylisted");
    WhitelistRequest request = requests.submit("newsletter@good.example", Senders.GOOD, "dave@example.test",
        "We are dave's accountants; our monthly statements are greylisted.");
    assertThat(requests.list(Optional.of(WhitelistRequest.Status.PENDING), 10)).extracting(WhitelistRequest::id)
        .contains(request.id());
    assertThatThrownBy(() -> requests.approve(request.id(), EnumSet.of(WhitelistRequests.Scope.RECIPIENT),
        Set.of("all"), Optional.empty(), "")).hasMessageContaining("must include the sender or the client IP");
    ListEntry entry = requests.approve(request.id(),
        EnumSet.of(WhitelistRequests.Scope.SENDER, WhitelistRequests.Scope.RECIPIENT), Set.of("greylist"),
        Optional.empty(), "Welcome").orElseThrow();
    assertThat(entry.criteria()).isEqualTo("sender newsletter@good.example, recipient dave@example.test");
    assertThat(requests.get(request.id()).orElseThrow().status()).isEqualTo(WhitelistRequest.Status.APPROVED);
    assertThat(requests.approve(request.id(), EnumSet.of(WhitelistRequests.Scope.SENDER), Set.of("all"),
        Optional.empty(), "")).as("already decided").isEmpty();
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
        assertThat(rcpt("newsletter@good.example", "dave@example.test")).startsWith("250"));

    WhitelistRequest other = requests.submit("someone@good.example", "192.0.2.7", "dave@example.test", "please");
    assertThatThrownBy(() -> requests.decline(other.id(), " ")).hasMessageContaining("needs a message");
    assertThat(requests.decline(other.id(), "We do not know you")).isTrue();
    assertThat(requests.get(other.id()).orElseThrow().message()).contains("We do not know you");
  }

  @Test
  void badRequestsAreRefusedWithTheFieldThatIsWrong() {
    WhitelistRequests requests = new WhitelistRequests(store(), clock, org.portcullis.notices.Notifier.NONE, java.util.Optional.empty());
    assertThatThrownBy(() -> requests.submit("not an address", "192.0.2.1", "bob@example.test", "x"))
        .hasMessageStartingWith("email:");
    assertThatThrownBy(() -> requests.submit("a@good.example", "999.1.1.1", "bob@example.test", "x"))
        .hasMessageStartingWith("ip:");
    assertThatThrownBy(() -> requests.submit("a@good.example", "192.0.2.1", "bob", "x"))
        .hasMessageStartingWith("recipient:");
    assertThatThrownBy(() -> requests.submit("a@good.example", "192.0.2.1", "bob@example.test", "x".repeat(2001)))
        .hasMessageStartingWith("reason:");
  }
}
