package org.portcullis.verdicts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.portcullis.testing.Cli;
import org.portcullis.testing.Senders;
import org.portcullis.testing.SmtpTestClient;
import org.portcullis.testing.TestDnsServer;
import org.portcullis.testing.TestGateway;

/**
 * A second MX listener as a scope (seed 003's blacklist behaviour per SMTP service): the partner
 * listener carries its own check modes and actions, and the most specific scope decides: the
 * mailbox, then its domain, then the listener, then the global configuration; {@code portcullis why}
 * names the scope that decided.
 */
class ListenerScopeEndToEndTest {

  private static final String[] SETTINGS = {
      "dnsbl.zones = [{name = \"zen.test\"}]",
      "checks.client-generic-ptr.on-reject = \"per-recipient\"",
      "smtp.listeners = [{name = \"partners\", listen = \"127.0.0.1:0\", checks = {dnsbl = {on-reject = \"tag\"}, "
          + "client-generic-ptr = {default-choice = \"tag\"}}}]"};

  @TempDir
  Path data;

  private static Cli.Run cli(Path config, String... args) {
    return Cli.run(config, args);
  }

  /** The reply to RCPT when it refuses, else the reply to DATA. */
  private static String send(InetSocketAddress server, String source, String helo, String from, String to)
      throws Exception {
    try (SmtpTestClient smtp = SmtpTestClient.connect(server, source)) {
      smtp.reply();
      String rcpt = smtp.startTransaction(helo, from, to);
      return rcpt.startsWith("250") ? smtp.data("From: " + from + "\r\nSubject: hello\r\n\r\nbody\r\n") : rcpt;
    }
  }

  private static String delivered(TestGateway gateway, String domain, String local) throws Exception {
    await().atMost(Duration.ofSeconds(10)).until(() -> gateway.delivered(domain, local).size() == 1);
    return Files.readString(gateway.delivered(domain, local).getFirst(), StandardCharsets.UTF_8);
  }

  private static String ref(String text) {
    Matcher m = Pattern.compile("ref=([0-9A-Z]{16})").matcher(text);
    assertThat(m.find()).as(text).isTrue();
    return m.group(1);
  }

  @Test
  void thePartnerListenerTagsWhatTheMainOneRefusesAndTheMostSpecificScopeWins() throws Exception {
    try (TestDnsServer dns = Senders.describe(TestDnsServer.start())) {
      dns.a("2.0.0.127.zen.test", "127.0.0.2");
      dns.a("1.1.0.127.zen.test", "127.0.0.2"); // Senders.GOOD is listed
      Path config = data.resolve("portcullis.toml");
      Files.writeString(config, TestGateway.toml(data, dns.addressText(), SETTINGS));
      assertThat(cli(config, "prefs", "set", "--mailbox", "erin@example.test", "--check", "client-generic-ptr",
          "--choice", "reject").code()).isZero();
      assertThat(cli(config, "prefs", "set", "--domain", "example.net", "--check", "client-generic-ptr",
          "--choice", "accept").code()).isZero();
      try (TestGateway gateway = TestGateway.start(data, dns, SETTINGS)) {
        InetSocketAddress partners = gateway.gateway().listenerAddress("partners").orElseThrow();
        assertThat(partners.getPort()).isNotEqualTo(gateway.smtp().getPort());

        // The global configuration on the main listener, the listener's on the partners'.
        assertThat(send(gateway.smtp(), Senders.GOOD, Senders.GOOD_NAME, "bob@good.example", "dave@example.test"))
            .startsWith("554 5.7.1 ");
        assertThat(send(partners, Senders.GOOD, Senders.GOOD_NAME, "bob@good.example", "dave@example.test"))
            .startsWith("250");
        String tagged = delivered(gateway, "example.test", "dave");
        assertThat(tagged).contains("X-Portcullis-Tag: spam; check=dnsbl;");
        gateway.gateway().store().refusals().flush();
        Cli.Run why = cli(config, "why", ref(tagged));
        assertThat(why.out()).as(why.err()).contains("decided by", "listener partners (on-reject = tag)");

        // A per-recipient check: no choice refuses on the main listener and tags on the partners'
        // (the listener's default-choice); a mailbox's or domain's own choice wins on both.
        String refused = send(gateway.smtp(), Senders.DYNAMIC, "127-0-3-1.dyn.isp.example", "bob@isp.example",
            "carol@example.test");
        assertThat(refused).startsWith("550 5.7.1 ");
        assertThat(send(partners, Senders.DYNAMIC, "127-0-3-1.dyn.isp.example", "bob@isp.example",
            "carol@example.test")).startsWith("250");
        assertThat(delivered(gateway, "example.test", "carol")).contains("X-Portcullis-Tag: spam; "
            + "check=client-generic-ptr;", "(chosen by listener partners)");
        String mailbox = send(partners, Senders.DYNAMIC, "127-0-3-1.dyn.isp.example", "bob@isp.example",
            "erin@example.test");
        assertThat(mailbox).as("the mailbox's choice over the listener's").startsWith("550 5.7.1 ");
        assertThat(send(partners, Senders.DYNAMIC, "127-0-3-1.dyn.isp.example", "bob@isp.example",
            "frank@example.net")).startsWith("250");
        assertThat(delivered(gateway, "example.net", "frank")).as("the domain's choice: accept")
            .doesNotContain("X-Portcullis-Tag");

        gateway.gateway().store().refusals().flush();
        assertThat(cli(config, "why", org.portcullis.testing.Refs.of(refused)).out())
            .contains("the choice of default: reject");
        assertThat(cli(config, "why", org.portcullis.testing.Refs.of(mailbox)).out())
            .contains("the choice of mailbox erin@example.test: reject");
      }
    }
  }
}
