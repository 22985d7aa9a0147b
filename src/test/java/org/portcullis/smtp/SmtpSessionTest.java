package org.portcullis.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.portcullis.dns.StaticDnsResolver;
import org.portcullis.mail.Cidr;
import org.portcullis.mail.Envelope;
import org.portcullis.mail.References;
import org.portcullis.policy.Check;
import org.portcullis.policy.CheckMode;
import org.portcullis.policy.CheckSettings;
import org.portcullis.policy.Fact;
import org.portcullis.policy.LocalSite;
import org.portcullis.policy.MemoryRefusalLog;
import org.portcullis.policy.PolicyChain;
import org.portcullis.policy.PolicyEngine;
import org.portcullis.policy.RefusalRecord;
import org.portcullis.policy.RejectAction;
import org.portcullis.policy.ReplyRenderer;
import org.portcullis.policy.TagKind;
import org.portcullis.policy.checks.ConnectionLimitCheck;
import org.portcullis.policy.checks.MalformedAddressCheck;
import org.portcullis.policy.checks.RelayControlCheck;
import org.portcullis.testing.FakeSession;
import org.portcullis.testing.SmtpTestClient;

/**
 * The session on its own: an {@link SmtpServer} with a small real policy engine (a static DNS
 * table, a refusal log in memory) and a sink that keeps messages in memory; no spool, store or
 * configuration file. The protocol's own refusals go through the catalogued checks.
 */
class SmtpSessionTest {

  private static final String DOMAIN = "example.test";

  private final MemoryRefusalLog refusals = new MemoryRefusalLog();
  private final List<Envelope> accepted = new CopyOnWriteArrayList<>();
  private final List<String> contents = new CopyOnWriteArrayList<>();
  private SmtpServer server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  private SmtpServer start(int perClientMax, Check... checks) throws Exception {
    LocalSite site = new LocalSite("mx.example.test", Set.of(DOMAIN), List.of(Cidr.parse("10.0.0.0/8")),
        Set.of(), Set.of("postmaster"), false);
    CheckSettings enforced = new CheckSettings(CheckMode.ENFORCE, RejectAction.REJECT, Duration.ofSeconds(5),
        TagKind.SPAM);
    List<PolicyChain.Entry> entries = new java.util.ArrayList<>();
    entries.add(new PolicyChain.Entry(new RelayControlCheck(site), enforced));
    for (Check check : checks) {
      entries.add(new PolicyChain.Entry(check, enforced));
    }
    ReplyRenderer renderer = new ReplyRenderer("mx.example.test", References.unguessable(), refusals,
        FakeSession.CLOCK, "");
    PolicyEngine engine = new PolicyEngine(new PolicyChain(entries), renderer, List.of(), site,
        new StaticDnsResolver(), FakeSession.CLOCK, false);
    SmtpSettings settings = new SmtpSettings("mx.example.test", new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
        false, List.of(), List.of(), Duration.ZERO, 512, 512, 1000, 1_000_000, 100, Duration.ofSeconds(30),
        Duration.ofSeconds(30), 20, perClientMax, 10, 10_000_000, Optional.empty(), "", Optional.empty(),
        new SmtpSettings.Limits(50, 0, 10, 500, Duration.ofMinutes(5)), "mx.example.test");
    server = new SmtpServer(settings, engine, (id, at, ip, name, helo, envelope, content) -> {
      accepted.add(envelope);
      StringBuilder text = new StringBuilder();
      content.forEach(b -> text.append(java.nio.charset.StandardCharsets.ISO_8859_1.decode(b.duplicate())));
      contents.add(text.toString());
    }, References.unguessable());
    server.start();
    return server;
  }

  private RefusalRecord recorded(String reply) {
    String reference = reply.substring(reply.indexOf("ref=") + 4).strip();
    return refusals.find(reference).orElseThrow(() -> new AssertionError("no record for " + reply));
  }

  @Test
  void aMessageGoesFromMailToTheSinkWithAReceivedHeader() throws Exception {
    start(5);
    try (SmtpTestClient client = SmtpTestClient.connect(server.localAddress())) {
      assertThat(client.reply()).startsWith("220 mx.example.test ESMTP");
      assertThat(client.startTransaction("client.example.org", "a@example.org", "user@" + DOMAIN))
          .startsWith("250");
      assertThat(client.data("Subject: hi\r\n\r\nhello\r\n")).startsWith("250 2.0.0 Ok: queued as ");
    }
    assertThat(accepted).singleElement().satisfies(e -> assertThat(e.recipients()).hasSize(1));
    assertThat(contents.getFirst()).startsWith("Received: from client.example.org").contains("hello");
  }

  @Test
  void aSenderThatDoesNotParseIsRefusedByTheEnvelopeSyntaxCheckWithAnExplanation() throws Exception {
    start(5, new MalformedAddressCheck("envelope-syntax"));
    try (SmtpTestClient client = SmtpTestClient.connect(server.localAddress())) {
      client.reply();
      client.send("EHLO client.example.org");
      String reply = client.send("MAIL FROM:<a@@example.org>");
      assertThat(reply).startsWith("501 5.1.7 Bad sender address syntax").contains("ref=");
      RefusalRecord record = recorded(reply);
      assertThat(record.check()).isEqualTo("envelope-syntax");
      assertThat(record.explanation().facts()).extracting(Fact::label).contains("MAIL FROM given", "problem");
      assertThat(record.explanation().fix()).contains("local-part@domain");
    }
    assertThat(accepted).isEmpty();
  }

  @Test
  void aRecipientWithoutADomainIsRefusedByItsOwnCheck() throws Exception {
    start(5, new MalformedAddressCheck("recipient-full-address"));
    try (SmtpTestClient client = SmtpTestClient.connect(server.localAddress())) {
      client.reply();
      client.send("EHLO client.example.org");
      assertThat(client.send("MAIL FROM:<a@example.org>")).startsWith("250");
      String reply = client.send("RCPT TO:<user>");
      assertThat(reply).startsWith("501 5.1.3 Bad recipient address: a full address (user@domain) is required");
      assertThat(recorded(reply).check()).isEqualTo("recipient-full-address");
    }
  }

  @Test
  void withoutTheAddressChecksInItsChainTheSessionStillRefusesAnAddressItCannotRead() throws Exception {
    start(5);
    try (SmtpTestClient client = SmtpTestClient.connect(server.localAddress())) {
      client.reply();
      client.send("EHLO client.example.org");
      assertThat(client.send("MAIL FROM:<a@@example.org>")).startsWith("501 5.5.2 Bad address syntax");
      assertThat(client.send("MAIL FROM:<a@example.org>")).startsWith("250");
    }
    assertThat(refusals.all()).isEmpty();
  }

  @Test
  void aSecondConnectionOverThePerClientLimitIsRefusedByTheConnectionLimitCheck() throws Exception {
    start(1, new ConnectionLimitCheck());
    try (SmtpTestClient first = SmtpTestClient.connect(server.localAddress())) {
      assertThat(first.reply()).startsWith("220");
      try (SmtpTestClient second = SmtpTestClient.connect(server.localAddress())) {
        String reply = second.reply();
        assertThat(reply).startsWith("421 4.7.0 Too many connections from [127.0.0.1]");
        RefusalRecord record = recorded(reply);
        assertThat(record.check()).isEqualTo("connection-limit");
        assertThat(record.explanation().facts()).contains(new Fact("connections from this address", "1 at once"));
        await().atMost(Duration.ofSeconds(10)).until(second::closedByServer);
      }
      assertThat(first.send("NOOP")).startsWith("250");
    }
  }
}
