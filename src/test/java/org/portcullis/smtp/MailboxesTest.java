package org.portcullis.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.portcullis.cli.Main;
import org.portcullis.testing.Refs;
import org.portcullis.testing.Senders;
import org.portcullis.testing.SmtpTestClient;
import org.portcullis.testing.TestDnsServer;
import org.portcullis.testing.TestGateway;

/**
 * Issue 12: with Maildir delivery only mailboxes that exist are accepted, so strangers cannot
 * create mailbox directories at will; {@code portcullis mailbox add} makes one, seen within a second.
 */
class MailboxesTest {

  @TempDir
  static Path data;
  static TestDnsServer dns;
  static TestGateway gateway;
  static Path config;

  @BeforeAll
  static void start() throws Exception {
    dns = Senders.describe(TestDnsServer.start());
    String[] settings = {"mail.unknown-recipients = \"reject\"",
        "mail.known-recipients = [\"listed@example.test\"]"};
    gateway = TestGateway.start(data, dns, settings);
    config = data.resolve("portcullis.toml");
    Files.writeString(config, TestGateway.toml(data, dns.addressText(), settings));
  }

  @AfterAll
  static void stop() {
    gateway.close();
    dns.close();
  }

  private static String rcpt(String to) throws Exception {
    try (SmtpTestClient client = SmtpTestClient.connect(gateway.smtp(), Senders.GOOD)) {
      client.reply();
      return client.startTransaction(Senders.GOOD_NAME, "alice@good.example", to);
    }
  }

  private static int cli(String... args) {
    String[] all = new String[args.length + 2];
    System.arraycopy(args, 0, all, 0, args.length);
    all[args.length] = "-c";
    all[args.length + 1] = config.toString();
    return Main.execute(all, new java.io.PrintWriter(new java.io.StringWriter()),
        new java.io.PrintWriter(new java.io.StringWriter()));
  }

  @Test
  void aMadeUpRecipientIsRefusedAtRcptWithAReferenceAndNoMailboxAppears() throws Exception {
    for (String made : new String[] {"con@example.test", "~root@example.test", "x".repeat(64) + "@example.test"}) {
      String reply = rcpt(made);
      assertThat(reply).as(made).startsWith("550 5.1.1 Recipient address rejected: <" + made + "> does not exist here");
      Refs.of(reply);
    }
    assertThat(rcpt("listed@example.test")).as("mail.known-recipients").startsWith("250");
    assertThat(rcpt("postmaster@example.test")).as("always reachable").startsWith("250");
    assertThat(data.resolve("maildir/example.test/con")).doesNotExist();
  }

  @Test
  void aMailboxAddedWithTheCliIsAcceptedWithoutARestartAndRemovedAgain() throws Exception {
    assertThat(rcpt("newcomer@example.test")).startsWith("550 5.1.1");
    assertThat(cli("mailbox", "add", "Newcomer@Example.TEST", "--note", "joined today")).isZero();
    await().atMost(Duration.ofSeconds(5)).until(() -> rcpt("newcomer@example.test").startsWith("250"));
    assertThat(cli("mailbox", "add", "someone@elsewhere.example")).as("not our domain").isEqualTo(2);
    assertThat(cli("mailbox", "remove", "newcomer@example.test")).isZero();
    await().atMost(Duration.ofSeconds(5)).until(() -> rcpt("newcomer@example.test").startsWith("550 5.1.1"));
    assertThat(cli("mailbox", "remove", "newcomer@example.test")).isEqualTo(1);
  }

  @Test
  void aSubmissionUsersLoginIsAMailbox() throws Exception {
    new org.portcullis.submission.MailUsers(gateway.gateway().store().mailUsers(), java.time.Clock.systemUTC())
        .create("frank@example.test", "a long enough password", java.util.List.of(), false);
    await().atMost(Duration.ofSeconds(5)).until(() -> rcpt("frank@example.test").startsWith("250"));
  }

  @Test
  void thePostfixPolicyServiceLeavesRecipientExistenceToPostfix() throws Exception {
    try (java.net.Socket s = new java.net.Socket("127.0.0.1", gateway.gateway().policyServicePort().orElseThrow())) {
      s.setSoTimeout(10_000);
      s.getOutputStream().write(("request=smtpd_access_policy\nprotocol_state=RCPT\nclient_address=" + Senders.LAN
          + "\nhelo_name=lan.example.test\nsender=a@example.test\nrecipient=made-up@example.test\n\n")
          .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      var in = new java.io.BufferedReader(new java.io.InputStreamReader(s.getInputStream(),
          java.nio.charset.StandardCharsets.US_ASCII));
      assertThat(in.readLine()).isEqualTo("action=DUNNO");
    }
    assertThat(rcpt("made-up@example.test")).as("the gateway itself refuses it").startsWith("550 5.1.1");
  }
}
