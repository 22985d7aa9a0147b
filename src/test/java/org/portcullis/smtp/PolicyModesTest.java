package org.portcullis.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.portcullis.testing.Senders;
import org.portcullis.testing.SmtpTestClient;
import org.portcullis.testing.TestDnsServer;
import org.portcullis.testing.TestGateway;

/** Checks softened by configuration: observe mode changes nothing; tag mode marks and delivers (seed 000). */
class PolicyModesTest {

  @TempDir
  static Path data;
  static TestDnsServer dns;
  static TestGateway gateway;

  @BeforeAll
  static void start() throws Exception {
    dns = Senders.describe(TestDnsServer.start());
    gateway = TestGateway.start(data, dns,
        "checks.client-ptr.mode = \"observe\"",
        "checks.client-generic-ptr.on-reject = \"tag\"",
        "tagging.subject-prefix = \"[SUSPECT]\"",
        "checks.blocklist.on-reject = \"tag\"",
        "[[exceptions]]\nhelos = [\"partner.good.example\"]\nskip = [\"helo-resolves\"]\nnote = \"partner\"");
  }

  @AfterAll
  static void stop() {
    gateway.close();
    dns.close();
  }

  @Test
  void anObservedCheckLetsMailThroughAndRecordsWhatItWouldHaveDone() throws Exception {
    try (SmtpTestClient client = SmtpTestClient.connect(gateway.smtp(), Senders.NO_PTR)) {
      client.reply();
      assertThat(client.startTransaction(Senders.GOOD_NAME, "alice@good.example", "observed@example.test"))
          .startsWith("250");
      assertThat(client.data("From: tester@good.example\r\nSubject: hi\r\n\r\nbody")).startsWith("250");
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> gateway.delivered("example.test", "observed").size() == 1);
    gateway.gateway().store().refusals().flush();
    try (Connection db = DriverManager.getConnection("jdbc:sqlite:" + data.resolve("portcullis.db"));
        ResultSet row = db.createStatement().executeQuery(
            "SELECT check_name, reply_code, status FROM refusal WHERE outcome = 'observe' AND client_address = '"
                + Senders.NO_PTR + "'")) {
      assertThat(row.next()).as("an observe-mode record").isTrue();
      assertThat(row.getString("check_name")).isEqualTo("client-ptr");
      assertThat(row.getInt("reply_code")).isEqualTo(550);
      assertThat(row.getString("status")).isEqualTo("5.7.25");
    }
  }

  @Test
  void aTaggingCheckDeliversWithAHeaderAndTheSubjectPrefix() throws Exception {
    try (SmtpTestClient client = SmtpTestClient.connect(gateway.smtp(), Senders.DYNAMIC)) {
      client.reply();
      assertThat(client.startTransaction("127-0-3-1.dyn.isp.example", "bob@isp.example", "tagged@example.test"))
          .startsWith("250");
      assertThat(client.data("From: bob@isp.example\r\nSubject: cheap pills\r\n\r\nbody")).startsWith("250");
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> gateway.delivered("example.test", "tagged").size() == 1);
    String stored = Files.readString(gateway.delivered("example.test", "tagged").getFirst(), StandardCharsets.UTF_8);
    assertThat(stored).containsPattern("X-Portcullis-Tag: spam; check=client-generic-ptr; Client host \\[127.0.3.1\\] "
        + "has a generic");
    assertThat(stored).contains("Subject: [SUSPECT] cheap pills");
  }

  @Test
  void aHeloThatDiffersFromThePtrIsAnInformationTagAndLeavesTheSubjectAlone() throws Exception {
    dns.a("other-name.good.example", Senders.GOOD);
    try (SmtpTestClient client = SmtpTestClient.connect(gateway.smtp(), Senders.GOOD)) {
      client.reply();
      assertThat(client.startTransaction("other-name.good.example", "alice@good.example", "informed@example.test"))
          .startsWith("250");
      assertThat(client.data("From: alice@good.example\r\nSubject: minutes\r\n\r\nbody")).startsWith("250");
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> gateway.delivered("example.test", "informed").size() == 1);
    String stored = Files.readString(gateway.delivered("example.test", "informed").getFirst(), StandardCharsets.UTF_8);
    assertThat(stored).contains("X-Portcullis-Tag: info; check=helo-ptr-match; HELO name other-name.good.example "
        + "differs from the reverse DNS name mail.good.example").contains("Subject: minutes\n")
        .doesNotContain("[SUSPECT]");
  }

  @Test
  void aBlocklistListingSoftenedToATagSaysWhatWasFoundNotTheRejectReply() throws Exception {
    var blocklist = gateway.gateway().blocklists().listings().orElseThrow();
    blocklist.blocklist().listPermanently(org.portcullis.mail.Cidr.parse(Senders.GOOD_2), 
        org.portcullis.blocklist.Category.MANUAL, "ops", "test");
    await().atMost(Duration.ofSeconds(5)).until(() ->
        blocklist.current().lookup(java.net.InetAddress.ofLiteral(Senders.GOOD_2)) != 0);
    try (SmtpTestClient client = SmtpTestClient.connect(gateway.smtp(), Senders.GOOD_2)) {
      client.reply();
      assertThat(client.startTransaction("mail2.good.example", "alice@good.example", "listed@example.test"))
          .startsWith("250");
      assertThat(client.data("From: alice@good.example\r\nSubject: offer\r\n\r\nbody")).startsWith("250");
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> gateway.delivered("example.test", "listed").size() == 1);
    String stored = Files.readString(gateway.delivered("example.test", "listed").getFirst(), StandardCharsets.UTF_8);
    assertThat(stored).contains("X-Portcullis-Tag: spam; check=blocklist; client [127.0.1.2] is listed on our "
        + "blocklist bl.example.test (manual); ref=").contains("Subject: [SUSPECT] offer")
        .doesNotContain("Service unavailable");
  }

  @Test
  void aMessageWithoutSubjectGetsOneWhenTagged() throws Exception {
    try (SmtpTestClient client = SmtpTestClient.connect(gateway.smtp(), Senders.DYNAMIC)) {
      client.reply();
      client.startTransaction("127-0-3-1.dyn.isp.example", "bob@isp.example", "nosubject@example.test");
      assertThat(client.data("From: bob@isp.example\r\n\r\nbody")).startsWith("250");
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> gateway.delivered("example.test", "nosubject").size() == 1);
    assertThat(Files.readString(gateway.delivered("example.test", "nosubject").getFirst())).contains("Subject: [SUSPECT]");
  }

  @Test
  void anExceptionByHeloSkipsTheNamedCheckOnly() throws Exception {
    try (SmtpTestClient client = SmtpTestClient.connect(gateway.smtp(), Senders.GOOD)) {
      client.reply();
      // partner.good.example has no address record: helo-resolves would tempfail it.
      assertThat(client.startTransaction("partner.good.example", "alice@good.example", "x@example.test")).startsWith("250");
    }
    try (SmtpTestClient client = SmtpTestClient.connect(gateway.smtp(), Senders.GOOD)) {
      client.reply();
      assertThat(client.startTransaction("stranger.good.example", "alice@good.example", "x@example.test"))
          .startsWith("450 4.7.1");
    }
  }
}
