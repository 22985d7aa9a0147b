package org.portcullis.policyd;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.portcullis.testing.Senders;
import org.portcullis.testing.TestDnsServer;
import org.portcullis.testing.TestGateway;

/** Postfix's policy delegation protocol over TCP, against the running gateway's checks. */
class PolicyServiceTest {

  @TempDir
  static Path data;
  static TestDnsServer dns;
  static TestGateway gateway;

  @BeforeAll
  static void start() throws Exception {
    dns = Senders.describe(TestDnsServer.start());
    gateway = TestGateway.start(data, dns, "greylist.enabled = true");
  }

  @AfterAll
  static void stop() {
    gateway.close();
    dns.close();
  }

  /** A request without client_name and reverse_client_name: the service looks the client up itself. */
  static String request(String client, String helo, String sender, String recipient) {
    return "request=smtpd_access_policy\nprotocol_state=RCPT\nprotocol_name=ESMTP\nclient_address=" + client
        + "\nhelo_name=" + helo + "\nsender=" + sender
        + "\nrecipient=" + recipient + "\nqueue_id=\ninstance=1a2b.3c4d.0\nsize=0\nsome_future_attribute=x\n\n";
  }

  /** A request with the client names Postfix looked up. */
  static String request(String client, String clientName, String reverseName, String helo, String sender,
      String recipient) {
    return request(client, helo, sender, recipient).replace("\nhelo_name=",
        "\nclient_name=" + clientName + "\nreverse_client_name=" + reverseName + "\nhelo_name=");
  }

  private static Socket connect() throws Exception {
    Socket s = new Socket("127.0.0.1", gateway.gateway().policyServicePort().orElseThrow());
    s.setSoTimeout(10_000);
    return s;
  }

  private static String answer(BufferedReader in) throws Exception {
    String action = in.readLine();
    assertThat(in.readLine()).as("the empty line after " + action).isEmpty();
    return action;
  }

  @Test
  void verdictsMapToPostfixActionsAndManyRequestsShareAConnection() throws Exception {
    try (Socket s = connect()) {
      OutputStream out = s.getOutputStream();
      BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
      out.write(request(Senders.NO_PTR, "mail.example.org", "a@good.example", "bob@example.test").getBytes());
      out.flush();
      assertThat(answer(in)).matches("action=REJECT 5\\.7\\.25 Client host \\[127\\.0\\.2\\.1\\] has no reverse DNS "
          + "\\(PTR\\) record; see https://mx\\.example\\.test/ref/[0-9A-Z]{16}");
      out.write(request(Senders.GOOD, Senders.GOOD_NAME, "alice@good.example", "bob@example.test").getBytes());
      out.flush();
      assertThat(answer(in)).startsWith("action=DEFER_IF_PERMIT 4.7.1 Greylisted, retry in 300 seconds; see https://mx.example.test/ref/");
      out.write(request(Senders.GOOD, Senders.GOOD_NAME, "alice@good.example", "friend@elsewhere.example").getBytes());
      out.flush();
      assertThat(answer(in)).startsWith("action=REJECT 5.7.1 ");
      out.write(request(Senders.LAN, "lan.example.test", "alice@example.test", "bob@example.test").getBytes());
      out.flush();
      assertThat(answer(in)).isEqualTo("action=DUNNO");
    }
  }

  @Test
  void theClientNamesPostfixReportsAreUsedInsteadOfNewLookups() throws Exception {
    try (Socket s = connect()) {
      OutputStream out = s.getOutputStream();
      BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
      out.write(request(Senders.GOOD, "unknown", "unknown", Senders.GOOD_NAME, "carol@good.example",
          "bob@example.test").getBytes());
      out.flush();
      assertThat(answer(in)).as("Postfix found no PTR: so be it, whatever our DNS says")
          .startsWith("action=REJECT 5.7.25 Client host [127.0.1.1] has no reverse DNS (PTR) record");
      out.write(request(Senders.NO_PTR, "unknown", "mail.example.org", "mail.example.org", "a@good.example",
          "bob@example.test").getBytes());
      out.flush();
      assertThat(answer(in)).as("a PTR that did not resolve back").startsWith("action=REJECT 5.7.25 ")
          .contains("does not resolve back");
    }
  }

  @Test
  void pipelinedRequestsAreAnsweredInOrderAndPartialLinesWait() throws Exception {
    try (Socket s = connect()) {
      OutputStream out = s.getOutputStream();
      BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
      String two = request(Senders.LAN, "lan.example.test", "a@example.test", "b@example.test")
          + request(Senders.NO_PTR, "mail.example.org", "a@good.example", "bob@example.test");
      out.write(two.getBytes());
      out.flush();
      assertThat(answer(in)).isEqualTo("action=DUNNO");
      assertThat(answer(in)).startsWith("action=REJECT 5.7.25");
      String third = request(Senders.LAN, "lan.example.test", "a@example.test", "b@example.test");
      for (int i = 0; i < third.length(); i += 7) {
        out.write(third.substring(i, Math.min(third.length(), i + 7)).getBytes());
        out.flush();
      }
      assertThat(answer(in)).isEqualTo("action=DUNNO");
    }
  }

  @Test
  void malformedRequestsGetDunnoAndTheConnectionGoesOn() throws Exception {
    try (Socket s = connect()) {
      OutputStream out = s.getOutputStream();
      BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
      out.write("client_address=192.0.2.1\n\n".getBytes());
      out.write("request=smtpd_access_policy\nclient_address=not-an-ip\n\n".getBytes());
      out.write("request=smtpd_access_policy\ngarbage line\nclient_address=192.0.2.1\n\n".getBytes());
      out.write(request(Senders.NO_PTR, "mail.example.org", "not an address", "bob@example.test").getBytes());
      out.write(request(Senders.NO_PTR, "mail.example.org", "a@good.example", "bob@example.test").getBytes());
      out.flush();
      for (int i = 0; i < 4; i++) {
        assertThat(answer(in)).isEqualTo("action=DUNNO");
      }
      assertThat(answer(in)).startsWith("action=REJECT 5.7.25");
    }
  }

  @Test
  void anOversizeAttributeIsAnsweredDunnoAndTheConnectionClosed() throws Exception {
    try (Socket s = connect()) {
      OutputStream out = s.getOutputStream();
      BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
      out.write(("request=smtpd_access_policy\nsender=" + "a".repeat(10_000) + "@example.org\n\n").getBytes());
      out.flush();
      assertThat(answer(in)).isEqualTo("action=DUNNO");
      assertThat(in.readLine()).isNull();
    }
    try (Socket s = connect()) {
      s.getOutputStream().write(request(Senders.LAN, "lan.example.test", "a@example.test", "b@example.test").getBytes());
      s.getOutputStream().flush();
      BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
      assertThat(answer(in)).as("the service still answers").isEqualTo("action=DUNNO");
    }
  }
}
