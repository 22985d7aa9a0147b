package org.portcullis.greylist;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.portcullis.policy.RefusalRecord;
import org.portcullis.testing.FakeClock;
import org.portcullis.testing.Senders;
import org.portcullis.testing.SmtpTestClient;
import org.portcullis.testing.TestDnsServer;
import org.portcullis.testing.TestGateway;

/** Greylisting through the running gateway over SMTP, with a fake clock. */
class GreylistEndToEndTest {

  @TempDir
  static Path data;
  static TestDnsServer dns;
  static TestGateway gateway;
  static final FakeClock clock = new FakeClock();
  static final String POOL_1 = "127.0.6.1";
  static final String POOL_2 = "127.0.7.1";

  @BeforeAll
  static void start() throws Exception {
    dns = Senders.describe(TestDnsServer.start());
    // One organisation's outbound pool in two networks, named under a public suffix.
    dns.host(POOL_1, "out1.mail.example.com").host(POOL_2, "out2.mail.example.com");
    // The same under a top-level domain the public-suffix list does not know (yet).
    dns.host("127.0.8.1", "out1.pool.newtld").host("127.0.9.1", "out2.pool.newtld").mx("pool.newtld", 10,
        "out1.pool.newtld");
    gateway = TestGateway.start(clock, data, dns, "greylist.enabled = true", "greylist.auto-whitelist-passes = 0");
  }

  @AfterAll
  static void stop() {
    gateway.close();
    dns.close();
  }

  private static SmtpTestClient connect(String source) throws Exception {
    SmtpTestClient client = SmtpTestClient.connect(gateway.smtp(), source);
    assertThat(client.reply()).startsWith("220");
    return client;
  }

  private static String rcpt(String source, String from, String to) throws Exception {
    try (SmtpTestClient client = connect(source)) {
      String helo = switch (source) {
        case POOL_1 -> "out1.mail.example.com";
        case POOL_2 -> "out2.mail.example.com";
        default -> Senders.GOOD_NAME;
      };
      return client.startTransaction(helo, from, to);
    }
  }

  @Test
  void aNewTripletIsDeferredUntilARetryAfterTheDelay() throws Exception {
    String first = rcpt(POOL_1, "alice@good.example", "carol@example.test");
    assertThat(first).startsWith("451 4.7.1 Greylisted, retry in 300 seconds; see https://mx.example.test/ref/");
    Matcher m = org.portcullis.testing.Refs.IN_REPLY.matcher(first);
    assertThat(m.find()).isTrue();
    gateway.gateway().store().refusals().flush();
    RefusalRecord record = gateway.gateway().store().refusals().find(m.group(1)).orElseThrow();
    assertThat(record.check()).isEqualTo("greylist");
    assertThat(record.explanation().facts()).anySatisfy(f -> assertThat(f.value())
        .contains("client ptr:example.com, sender alice@good.example, recipient carol@example.test"));
    assertThat(record.explanation().fix()).contains("retries");

    clock.advance(Duration.ofMinutes(2));
    assertThat(rcpt(POOL_1, "alice@good.example", "carol@example.test"))
        .startsWith("451 4.7.1 Greylisted, retry in 180 seconds");
    clock.advance(Duration.ofMinutes(4));
    // The retry comes from the same organisation's other server, as a real MTA pool does.
    assertThat(rcpt(POOL_2, "alice@good.example", "carol@example.test")).startsWith("250");
    assertThat(rcpt(POOL_1, "alice@good.example", "dave@example.test")).startsWith("451 4.7.1");
    // Another organisation (good.example) is another client.
    assertThat(rcpt(Senders.GOOD, "alice@good.example", "carol@example.test")).startsWith("451 4.7.1");
  }

  @Test
  void aPoolUnderATopLevelDomainThePublicSuffixListLacksIsOneClientToo() throws Exception {
    String first;
    try (SmtpTestClient client = connect("127.0.8.1")) {
      first = client.startTransaction("out1.pool.newtld", "bob@pool.newtld", "frank@example.test");
    }
    assertThat(first).startsWith("451 4.7.1");
    gateway.gateway().store().refusals().flush();
    RefusalRecord record = gateway.gateway().store().refusals().find(org.portcullis.testing.Refs.of(first))
        .orElseThrow();
    assertThat(record.explanation().facts()).anySatisfy(f -> assertThat(f.value()).contains("client ptr:pool.newtld"));
    clock.advance(Duration.ofMinutes(6));
    try (SmtpTestClient client = connect("127.0.9.1")) {
      assertThat(client.startTransaction("out2.pool.newtld", "bob@pool.newtld", "frank@example.test"))
          .as("the retry from the pool's other /24").startsWith("250");
    }
  }

  @Test
  void aRetryDueInOneSecondSaysSecondNotSeconds() throws Exception {
    rcpt(POOL_1, "timing@good.example", "gina@example.test");
    clock.advance(Duration.ofSeconds(299));
    assertThat(rcpt(POOL_1, "timing@good.example", "gina@example.test"))
        .startsWith("451 4.7.1 Greylisted, retry in 1 second; see");
  }

  @Test
  void bouncesAreGreylistedAtDataSoSenderCalloutsStillWork() throws Exception {
    try (SmtpTestClient client = connect(Senders.GOOD)) {
      assertThat(client.startTransaction(Senders.GOOD_NAME, "", "erin@example.test")).startsWith("250");
      assertThat(client.send("DATA")).startsWith("451 4.7.1 Greylisted");
    }
    clock.advance(Duration.ofMinutes(6));
    try (SmtpTestClient client = connect(Senders.GOOD)) {
      assertThat(client.startTransaction(Senders.GOOD_NAME, "", "erin@example.test")).startsWith("250");
      assertThat(client.data("From: tester@good.example\r\nSubject: delivery report\r\n\r\nyour message was delivered\r\n")).startsWith("250");
    }
  }

  @Test
  void lanClientsAreNotGreylisted() throws Exception {
    try (SmtpTestClient client = connect(Senders.LAN)) {
      assertThat(client.startTransaction("lan.example.test", "alice@example.test", "frank@example.test")).startsWith("250");
    }
  }

  @Test
  void greylistCountersAreInTheMetrics() throws Exception {
    rcpt(Senders.GOOD, "metrics@good.example", "carol@example.test");
    var http = java.net.http.HttpClient.newHttpClient();
    String body = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:"
        + gateway.gateway().webPort().orElseThrow() + "/metrics")).build(),
        java.net.http.HttpResponse.BodyHandlers.ofString()).body();
    assertThat(body).contains("portcullis_greylist_first_seen_total", "portcullis_greylist_deferred_total",
        "portcullis_greylist_passed_total", "portcullis_greylist_expired_total");
  }
}
