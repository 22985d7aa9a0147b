package org.portcullis.verdicts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.portcullis.testing.Cli;
import org.portcullis.testing.Senders;
import org.portcullis.testing.SmtpTestClient;
import org.portcullis.testing.TestDnsServer;
import org.portcullis.testing.TestGateway;

/**
 * The recipient decides, over SMTP: with {@code on-reject = "per-recipient"} one refusal becomes,
 * for each recipient, what its mailbox or its domain chose with {@code portcullis prefs}: refused for
 * one, tagged for another, quarantined or delivered as is; recipients who chose otherwise than the
 * transaction's first get 452 4.5.3 and come in their own transaction, so no message is accepted and
 * then bounced.
 */
class RecipientChoicesEndToEndTest {

  @TempDir
  Path data;

  private static Cli.Run cli(Path config, String... args) {
    return Cli.run(config, args);
  }

  private static String read(TestGateway gateway, String local) throws Exception {
    await().atMost(Duration.ofSeconds(10)).until(() -> gateway.delivered("example.test", local).size() == 1);
    return Files.readString(gateway.delivered("example.test", local).getFirst(), StandardCharsets.UTF_8);
  }

  @Test
  void eachRecipientGetsWhatItChoseAndDifferingChoicesSplitTheTransaction() throws Exception {
    String[] settings = {"checks.client-generic-ptr.on-reject = \"per-recipient\""};
    try (TestDnsServer dns = Senders.describe(TestDnsServer.start())) {
      Path config = data.resolve("portcullis.toml");
      Files.writeString(config, TestGateway.toml(data, dns.addressText(), settings));
      assertThat(cli(config, "prefs", "set", "--domain", "example.test", "--check", "client-generic-ptr",
          "--choice", "tag").code()).isZero();
      assertThat(cli(config, "prefs", "set", "--mailbox", "erin@example.test", "--check", "client-generic-ptr",
          "--choice", "quarantine").code()).isZero();
      assertThat(cli(config, "prefs", "set", "--mailbox", "Frank@Example.Test", "--check", "client-generic-ptr",
          "--choice", "accept").code()).isZero();
      assertThat(cli(config, "prefs", "set", "--mailbox", "hank@example.test", "--check", "client-generic-ptr",
          "--choice", "rewrite-subject").code()).isZero();
      Cli.Run show = cli(config, "prefs", "show", "--domain", "example.test");
      assertThat(show.out()).contains("example.test", "client-generic-ptr", "tag", "per-recipient check: "
          + "client-generic-ptr");
      try (TestGateway gateway = TestGateway.start(data, dns, settings);
          SmtpTestClient client = SmtpTestClient.connect(gateway.smtp(), Senders.DYNAMIC)) {
        client.reply();
        client.send("EHLO 127-0-3-1.dyn.isp.example");
        assertThat(client.send("MAIL FROM:<bob@isp.example>")).startsWith("250");
        assertThat(client.send("RCPT TO:<carol@example.test>")).as("the domain chose tag").startsWith("250");
        String refused = client.send("RCPT TO:<dave@example.net>");
        assertThat(refused).as("no choice: the check's refusal").startsWith("550 5.7.1 ");
        assertThat(client.send("RCPT TO:<erin@example.test>")).as("chose quarantine: another transaction")
            .startsWith("452 4.5.3 ");
        assertThat(client.send("RCPT TO:<gina@example.test>")).as("the same choice as carol's").startsWith("250");
        assertThat(client.data("From: bob@isp.example\r\nSubject: offer\r\n\r\nbody\r\n")).startsWith("250");
        // The retry of the split recipient, in its own transaction.
        assertThat(client.send("MAIL FROM:<bob@isp.example>")).startsWith("250");
        assertThat(client.send("RCPT TO:<erin@example.test>")).startsWith("250");
        assertThat(client.data("From: bob@isp.example\r\nSubject: offer\r\n\r\nbody\r\n")).startsWith("250");
        assertThat(client.send("MAIL FROM:<bob@isp.example>")).startsWith("250");
        assertThat(client.send("RCPT TO:<frank@example.test>")).startsWith("250");
        assertThat(client.data("From: bob@isp.example\r\nSubject: offer\r\n\r\nbody\r\n")).startsWith("250");
        assertThat(client.send("MAIL FROM:<bob@isp.example>")).startsWith("250");
        assertThat(client.send("RCPT TO:<hank@example.test>")).startsWith("250");
        assertThat(client.data("From: bob@isp.example\r\nSubject: offer\r\n\r\nbody\r\n")).startsWith("250");

        for (String tagged : new String[] {"carol", "gina"}) {
          assertThat(read(gateway, tagged)).contains("X-Portcullis-Tag: spam; check=client-generic-ptr;",
              "(chosen by domain example.test)");
        }
        assertThat(read(gateway, "frank")).doesNotContain("X-Portcullis-Tag");
        assertThat(read(gateway, "hank")).contains("Subject: [SPAM] offer", "X-Spam-Flag: YES");
        assertThat(read(gateway, "carol")).as("tag without a configured prefix leaves the subject")
            .contains("Subject: offer");
        assertThat(gateway.delivered("example.test", "erin")).isEmpty();
        Cli.Run held = cli(config, "quarantine", "list");
        assertThat(held.out()).contains("to <erin@example.test>", "1 message");
        assertThat(gateway.delivered("example.net", "dave")).isEmpty();
        gateway.gateway().store().refusals().flush();
        Cli.Run why = cli(config, "why", org.portcullis.testing.Refs.of(refused));
        assertThat(why.out()).as(why.err()).contains("decided by", "the choice of default: reject");

        // A change made while the server runs applies within a second.
        assertThat(cli(config, "prefs", "set", "--mailbox", "frank@example.test", "--check", "client-generic-ptr",
            "--choice", "reject").code()).isZero();
        await().atMost(Duration.ofSeconds(10)).until(() -> {
          assertThat(client.send("RSET")).startsWith("250");
          client.send("MAIL FROM:<bob@isp.example>");
          return client.send("RCPT TO:<frank@example.test>").startsWith("550 5.7.1 ");
        });
        assertThat(cli(config, "prefs", "clear", "--mailbox", "frank@example.test", "--check",
            "client-generic-ptr").code()).isZero();
        await().atMost(Duration.ofSeconds(10)).until(() -> {
          assertThat(client.send("RSET")).startsWith("250");
          client.send("MAIL FROM:<bob@isp.example>");
          return client.send("RCPT TO:<frank@example.test>").startsWith("250"); // the domain's: tag
        });
      }
    }
  }

  @Test
  void badPreferencesAreRefusedAndChangeNothing() throws Exception {
    try (TestDnsServer dns = TestDnsServer.start()) {
      Path config = data.resolve("portcullis.toml");
      Files.writeString(config, TestGateway.toml(data, dns.addressText()));
      assertThat(cli(config, "prefs", "set", "--domain", "elsewhere.example", "--check", "dnsbl", "--choice", "tag")
          .err()).contains("not one of our domains");
      assertThat(cli(config, "prefs", "set", "--domain", "example.test", "--check", "nonsense", "--choice", "tag")
          .err()).contains("unknown check");
      assertThat(cli(config, "prefs", "set", "--domain", "example.test", "--check", "relay-control", "--choice",
          "accept").err()).contains("cannot be a per-recipient check");
      assertThat(cli(config, "prefs", "set", "--domain", "example.test", "--check", "dnsbl", "--choice", "maybe")
          .err()).contains("unknown choice");
      assertThat(cli(config, "prefs", "set", "--domain", "example.test", "--mailbox", "a@example.test", "--check",
          "dnsbl", "--choice", "tag").code()).isEqualTo(2);
      Cli.Run noted = cli(config, "prefs", "set", "--domain", "example.test", "--check", "dnsbl", "--choice", "tag");
      assertThat(noted.code()).isZero();
      assertThat(noted.out()).contains("is not per-recipient in the configuration");
      assertThat(cli(config, "prefs", "show").out()).contains("1 choice(s)");
      assertThat(cli(config, "prefs", "clear", "--domain", "example.test", "--check", "spf").code()).isEqualTo(1);
    }
  }
}
