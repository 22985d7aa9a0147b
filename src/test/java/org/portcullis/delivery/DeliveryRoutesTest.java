package org.portcullis.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.portcullis.config.ConfigException;
import org.portcullis.config.ConfigLoader;
import org.portcullis.testing.Senders;
import org.portcullis.testing.SmtpReceiver;
import org.portcullis.testing.SmtpTestClient;
import org.portcullis.testing.TestDnsServer;
import org.portcullis.testing.TestGateway;

/** {@code [[delivery.routes]]}: a domain and a domain's subdomains go to their own next hop, the rest by the smarthost. */
class DeliveryRoutesTest {

  @TempDir
  Path data;

  @Test
  void eachDomainGoesByItsRouteAndTheRestByTheDefault() throws Exception {
    try (TestDnsServer dns = Senders.describe(TestDnsServer.start());
        SmtpReceiver isp = SmtpReceiver.start(n -> "250 2.0.0 Ok: queued as I" + n);
        SmtpReceiver partner = SmtpReceiver.start(n -> "250 2.0.0 Ok: queued as P" + n);
        TestGateway gateway = TestGateway.start(data, dns,
            "delivery.smarthost = \"127.0.0.1:" + isp.address().getPort() + "\"",
            "delivery.routes = [{domain = \"partner.example\", via = \"127.0.0.1:" + partner.address().getPort()
                + "\"}, {domain = \".branch.example\", via = \"127.0.0.1:" + partner.address().getPort() + "\"}]")) {
      try (SmtpTestClient lan = SmtpTestClient.connect(gateway.smtp(), Senders.LAN)) {
        lan.reply();
        assertThat(lan.startTransaction("pc.example.test", "alice@example.test", "a@partner.example")).startsWith("250");
        for (String to : new String[] {"b@elsewhere.example", "c@x.branch.example", "d@branch.example"}) {
          assertThat(lan.send("RCPT TO:<" + to + ">")).startsWith("250");
        }
        assertThat(lan.data("From: alice@example.test\r\nSubject: hi\r\n\r\nhello\r\n")).startsWith("250");
      }
      await().atMost(Duration.ofSeconds(10)).until(() -> partner.received().size() == 1 && isp.received().size() == 1);
      assertThat(partner.received().getFirst().to()).containsExactlyInAnyOrder("<a@partner.example>",
          "<c@x.branch.example>");
      assertThat(isp.received().getFirst().to()).as(".branch.example is its subdomains, not itself")
          .containsExactlyInAnyOrder("<b@elsewhere.example>", "<d@branch.example>");
    }
  }

  @Test
  void badRoutesStopStartUpNamingTheKey() {
    assertThat(catchThrowable(() -> ConfigLoader.parse("[[delivery.routes]]\ndomain = \"not a domain\"\nvia = \"mx\"\n")))
        .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.key()).isEqualTo("delivery.routes[0].domain"));
    assertThat(catchThrowable(() -> ConfigLoader.parse("[[delivery.routes]]\ndomain = \"a.example\"\n")))
        .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.key()).isEqualTo("delivery.routes[0].via"));
    assertThat(catchThrowable(() -> ConfigLoader.parse("[[delivery.routes]]\ndomain = \"a.example\"\n"
        + "via = \"smarthost\"\n"))).isInstanceOfSatisfying(ConfigException.class,
            e -> assertThat(e.getMessage()).contains("needs delivery.smarthost"));
    assertThat(catchThrowable(() -> ConfigLoader.parse("[[delivery.routes]]\ndomain = \"a.example\"\nvia = \"mx\"\n"
        + "colour = 1\n"))).isInstanceOfSatisfying(ConfigException.class,
            e -> assertThat(e.key()).isEqualTo("delivery.routes[0].colour"));
  }
}
