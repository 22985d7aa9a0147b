package org.portcullis.quarantine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.portcullis.cli.Main;
import org.portcullis.testing.Senders;
import org.portcullis.testing.SmtpTestClient;
import org.portcullis.testing.TestDnsServer;
import org.portcullis.testing.TestGateway;

/**
 * Over SMTP and the CLI: a check with {@code on-reject = "quarantine"} answers 250 and keeps the
 * message out of the queue; {@code portcullis quarantine list|show|release|delete} through the
 * running server's control socket; a release reaches the Maildir exactly once, with the header
 * that says why it was held.
 */
class QuarantineEndToEndTest {

  @TempDir
  Path data;

  record Run(int code, String out, String err) {}

  private static Run cli(Path config, String... args) {
    String[] all = new String[args.length + 2];
    System.arraycopy(args, 0, all, 0, args.length);
    all[args.length] = "-c";
    all[args.length + 1] = config.toString();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.execute(all, new PrintWriter(out, true), new PrintWriter(err, true));
    return new Run(code, out.toString(), err.toString());
  }

  private static String send(TestGateway gateway, String source, String helo, String to, String subject)
      throws Exception {
    try (SmtpTestClient client = SmtpTestClient.connect(gateway.smtp(), source)) {
      client.reply();
      String reply = client.startTransaction(helo, "bob@isp.example", to);
      return reply.startsWith("250") ? client.data("From: bob@isp.example\r\nSubject: " + subject
          + "\r\n\r\nbody\r\n") : reply;
    }
  }

  @Test
  void aQuarantinedMessageIsListedShownAndReleasedIntoTheMaildirOnce() throws Exception {
    String[] settings = {"checks.client-generic-ptr.on-reject = \"quarantine\""};
    try (TestDnsServer dns = Senders.describe(TestDnsServer.start())) {
      Path config = data.resolve("portcullis.toml");
      Files.writeString(config, TestGateway.toml(data, dns.addressText(), settings));
      try (TestGateway gateway = TestGateway.start(data, dns, settings)) {
        assertThat(send(gateway, Senders.DYNAMIC, "127-0-3-1.dyn.isp.example", "held@example.test", "cheap pills"))
            .as("the sender is told what any accepted mail gets").startsWith("250 2.0.0 Ok: queued as ");
        assertThat(gateway.gateway().spool().messages()).as("never queued").isEmpty();
        // A message sent after it is delivered; the quarantined one still is not.
        assertThat(send(gateway, Senders.GOOD, Senders.GOOD_NAME, "other@example.test", "lunch")).startsWith("250");
        await().atMost(Duration.ofSeconds(10)).until(() -> gateway.delivered("example.test", "other").size() == 1);
        assertThat(gateway.delivered("example.test", "held")).isEmpty();

        Run list = cli(config, "quarantine", "list", "--domain", "example.test");
        assertThat(list.code()).as(list.err()).isZero();
        Matcher id = Pattern.compile("^([0-9a-f]{32}) ", Pattern.MULTILINE).matcher(list.out());
        assertThat(id.find()).as(list.out()).isTrue();
        assertThat(list.out()).contains("held", "client-generic-ptr", "<bob@isp.example>", "to <held@example.test>",
            "subject: cheap pills", "1 message");

        Run show = cli(config, "quarantine", "show", id.group(1));
        assertThat(show.code()).as(show.err()).isZero();
        assertThat(show.out()).contains("reference", "X-Portcullis-Tag: quarantine; check=client-generic-ptr",
            "Subject: cheap pills");

        Run release = cli(config, "quarantine", "release", id.group(1));
        assertThat(release.code()).as(release.err()).isZero();
        assertThat(release.out()).contains(id.group(1) + " released as queue id ");
        await().atMost(Duration.ofSeconds(10)).until(() -> gateway.delivered("example.test", "held").size() == 1);
        String delivered = Files.readString(gateway.delivered("example.test", "held").getFirst(),
            StandardCharsets.UTF_8);
        assertThat(delivered).contains("X-Portcullis-Tag: quarantine; check=client-generic-ptr", "Subject: cheap pills");

        Run again = cli(config, "quarantine", "release", id.group(1));
        assertThat(again.code()).isEqualTo(1);
        assertThat(again.err()).contains("released, not held");
        assertThat(cli(config, "quarantine", "release", "../../etc/passwd").code()).isEqualTo(2);
        assertThat(cli(config, "quarantine", "delete", "0123456789abcdef0123456789abcdef").err())
            .contains("no quarantined message");
        // The one delivery: a second release changed nothing.
        assertThat(send(gateway, Senders.GOOD, Senders.GOOD_NAME, "other@example.test", "second")).startsWith("250");
        await().atMost(Duration.ofSeconds(10)).until(() -> gateway.delivered("example.test", "other").size() == 2);
        assertThat(gateway.delivered("example.test", "held")).hasSize(1);
      }
    }
  }

  @Test
  void oneRecipientIsReleasedAloneAndTheOtherCopyDeletedIsNeverDelivered() throws Exception {
    String[] settings = {"checks.client-generic-ptr.on-reject = \"quarantine\""};
    try (TestDnsServer dns = Senders.describe(TestDnsServer.start())) {
      Path config = data.resolve("portcullis.toml");
      Files.writeString(config, TestGateway.toml(data, dns.addressText(), settings));
      try (TestGateway gateway = TestGateway.start(data, dns, settings);
          SmtpTestClient client = SmtpTestClient.connect(gateway.smtp(), Senders.DYNAMIC)) {
        client.reply();
        assertThat(client.startTransaction("127-0-3-1.dyn.isp.example", "bob@isp.example", "kept@example.test"))
            .startsWith("250");
        assertThat(client.send("RCPT TO:<wanted@example.test>")).startsWith("250");
        assertThat(client.data("From: bob@isp.example\r\nSubject: x\r\n\r\nbody\r\n")).startsWith("250");
        Matcher id = Pattern.compile("^([0-9a-f]{32}) ", Pattern.MULTILINE)
            .matcher(cli(config, "quarantine", "list").out());
        assertThat(id.find()).isTrue();
        Run release = cli(config, "quarantine", "release", id.group(1), "--to", "Wanted@example.test");
        assertThat(release.code()).as(release.err()).isZero();
        await().atMost(Duration.ofSeconds(10)).until(() -> gateway.delivered("example.test", "wanted").size() == 1);
        assertThat(cli(config, "quarantine", "list").out()).as("kept@'s copy is still held").contains("held",
            "to <kept@example.test>");
        assertThat(cli(config, "quarantine", "release", id.group(1), "--to", "eve@example.test").err())
            .contains("not a recipient");
        assertThat(cli(config, "quarantine", "release", id.group(1), "--to", "not an address").code()).isEqualTo(2);
        Run delete = cli(config, "quarantine", "delete", id.group(1));
        assertThat(delete.code()).as(delete.err()).isZero();
        assertThat(cli(config, "quarantine", "release", id.group(1)).err()).contains("released, not held");
        assertThat(gateway.gateway().spool().messages()).isEmpty();
        assertThat(gateway.delivered("example.test", "kept")).isEmpty();
        assertThat(gateway.delivered("example.test", "wanted")).hasSize(1);
      }
    }
  }
}
