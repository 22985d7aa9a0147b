package org.portcullis.spf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.portcullis.policy.RefusalRecord;
import org.portcullis.testing.Refs;
import org.portcullis.testing.Senders;
import org.portcullis.testing.SmtpTestClient;
import org.portcullis.testing.TestDnsServer;
import org.portcullis.testing.TestGateway;

/**
 * SPF over SMTP: a domain that publishes {@code v=spf1 ip4:<its server> -all} has mail from other
 * servers recorded as fail (Received-SPF), refused with {@code spf.on-fail = "reject"}, and a
 * policy whose lookup does not answer defers the mail, never passes it.
 */
class SpfEndToEndTest {

  @TempDir
  Path data;
  private TestDnsServer dns;
  private TestGateway gateway;

  private TestGateway start(String... settings) throws Exception {
    dns = Senders.describe(TestDnsServer.start());
    dns.txt("good.example", "v=spf1 ip4:" + Senders.GOOD + " -all");
    dns.txt("forged.example", "v=spf1 ip4:192.0.2.1 -all");
    dns.a("forged.example", "192.0.2.1").mx("forged.example", 10, "forged.example");
    dns.silent("slow.example", org.xbill.DNS.Type.TXT);
    dns.a("slow.example", "192.0.2.2").mx("slow.example", 10, "slow.example");
    gateway = TestGateway.start(data, dns, settings);
    return gateway;
  }

  @AfterEach
  void stop() {
    if (gateway != null) {
      gateway.close();
    }
    if (dns != null) {
      dns.close();
    }
  }

  private String send(String from, String to) throws Exception {
    try (SmtpTestClient client = SmtpTestClient.connect(gateway.smtp(), Senders.GOOD)) {
      client.reply();
      String reply = client.startTransaction(Senders.GOOD_NAME, from, to);
      if (!reply.startsWith("250")) {
        return reply;
      }
      return client.data("From: tester@good.example\r\nSubject: spf\r\n\r\nhello\r\n");
    }
  }

  private String delivered(String localPart) throws Exception {
    await().atMost(Duration.ofSeconds(10)).until(() -> gateway.delivered("example.test", localPart).size() == 1);
    return Files.readString(gateway.delivered("example.test", localPart).getFirst(), StandardCharsets.UTF_8);
  }

  @Test
  void aPassAndAForgeryAreRecordedInReceivedSpfAndTheForgeryIsLeftToDmarcByDefault() throws Exception {
    start();
    assertThat(send("alice@good.example", "carol@example.test")).startsWith("250 2.0.0 Ok: queued");
    assertThat(delivered("carol")).contains("Received-SPF: pass (mx.example.test: domain of alice@good.example "
        + "designates " + Senders.GOOD + " as permitted sender) client-ip=" + Senders.GOOD
        + "; envelope-from=\"alice@good.example\"; helo=" + Senders.GOOD_NAME + "; receiver=mx.example.test; "
        + "identity=mailfrom");
    assertThat(send("ceo@forged.example", "dave@example.test")).startsWith("250 2.0.0 Ok: queued");
    assertThat(delivered("dave")).contains("Received-SPF: fail (mx.example.test: domain of ceo@forged.example does "
        + "not designate " + Senders.GOOD + " as permitted sender)");
  }

  @Test
  void withOnFailRejectAForgedSenderIsRefusedWithAnExplanationOfSpf() throws Exception {
    start("spf.on-fail = \"reject\"");
    String reply = send("ceo@forged.example", "dave@example.test");
    assertThat(reply).startsWith("550 5.7.23 SPF: forged.example does not authorise [" + Senders.GOOD + "]");
    String ref = Refs.of(reply);
    // refusals are written behind, in batches
    await().atMost(Duration.ofSeconds(10)).until(() -> gateway.gateway().store().refusals().find(ref).isPresent());
    RefusalRecord record = gateway.gateway().store().refusals().find(ref).orElseThrow();
    assertThat(record.check()).isEqualTo("spf");
    assertThat(record.explanation().facts()).anySatisfy(f -> assertThat(f.value()).contains("v=spf1 ip4:192.0.2.1 -all"));
    assertThat(record.explanation().facts()).anySatisfy(f -> {
      assertThat(f.label()).isEqualTo("the term that decided");
      assertThat(f.value()).isEqualTo("-all");
    });
    assertThat(record.explanation().fix()).contains("add " + Senders.GOOD + " to its SPF record");
    assertThat(send("alice@good.example", "erin@example.test")).as("a pass still goes through").startsWith("250");
  }

  @Test
  void theHeloIdentityIsRecordedUnlessTurnedOff() throws Exception {
    start();
    assertThat(send("alice@good.example", "carol@example.test")).startsWith("250");
    assertThat(delivered("carol")).contains("spf=pass smtp.mailfrom=alice@good.example")
        .contains("spf=none smtp.helo=" + Senders.GOOD_NAME);
    stop();
    data = data.resolve("second");
    start("spf.check-helo = false");
    assertThat(send("alice@good.example", "dave@example.test")).startsWith("250");
    assertThat(delivered("dave")).contains("spf=pass smtp.mailfrom=alice@good.example").doesNotContain("smtp.helo");
  }

  @Test
  void aPolicyThatCannotBeLookedUpDefersTheMailNeverPassesIt() throws Exception {
    start("spf.timeout-ms = 2000");
    String reply = send("someone@slow.example", "frank@example.test");
    assertThat(reply).startsWith("451 4.7.24 SPF: the policy of slow.example could not be looked up");
    assertThat(gateway.delivered("example.test", "frank")).isEmpty();
  }
}
