package org.portcullis.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.portcullis.testing.Refs;
import org.portcullis.testing.Senders;
import org.portcullis.testing.SmtpTestClient;
import org.portcullis.testing.TestDnsServer;
import org.portcullis.testing.TestGateway;
import org.portcullis.testing.WebForms;

/**
 * {@code /diagnose} over real HTTP: a refusal's page links to it, the reference fills in the
 * refused transaction (the sender's local part not shown), a stranger's text comes out escaped,
 * garbage is a 400 page.
 */
class DiagnosePageTest {

  @TempDir
  Path data;

  @Test
  void aRefusalLeadsToItsDiagnosisAndStrangersTextIsEscaped() throws Exception {
    try (TestDnsServer dns = Senders.describe(TestDnsServer.start());
        TestGateway gateway = TestGateway.start(data, dns)) {
      dns.txt("good.example", "v=spf1 <script>alert(1)</script> -all");
      String reply;
      try (SmtpTestClient smtp = SmtpTestClient.connect(gateway.smtp(), Senders.NO_PTR)) {
        smtp.reply();
        reply = smtp.startTransaction("mail.noptr.example", "carl@good.example", "bob@example.test");
      }
      gateway.gateway().store().refusals().flush();
      String ref = Refs.of(reply);
      URI base = URI.create("http://127.0.0.1:" + gateway.gateway().webPort().orElseThrow());
      HttpClient browser = WebForms.browser();
      assertThat(WebForms.get(browser, base.resolve("/ref/" + ref)).body()).contains("/diagnose?ref=" + ref,
          "Test your server");
      HttpResponse<String> page = WebForms.get(browser, base.resolve("/diagnose?ref=" + ref));
      assertThat(page.statusCode()).isEqualTo(200);
      assertThat(page.body()).contains("Results for the refusal " + ref, "value=\"127.0.2.1\"",
          "value=\"good.example\"", "value=\"mail.noptr.example\"", "rdns.ptr", "127.0.2.1 has no PTR record",
          "&lt;script&gt;", "smtp.banner", "it is not a public address", "blocklist.own").doesNotContain("<script>", "carl@");
      assertThat(WebForms.get(browser, base.resolve("/diagnose")).body()).contains("Test your server")
          .doesNotContain("Results");
      HttpResponse<String> bad = WebForms.get(browser, base.resolve("/diagnose?ip=%3Cscript%3E"));
      assertThat(bad.statusCode()).isEqualTo(400);
      assertThat(bad.body()).contains("&lt;script&gt;").doesNotContain("<script>");
      assertThat(WebForms.get(browser, base.resolve("/diagnose?ip=127.0.1.1&domain=not%20a%20domain")).statusCode())
          .isEqualTo(400);
      assertThat(WebForms.get(browser, base.resolve("/diagnose?ref=nonsense!")).statusCode()).isEqualTo(400);
      assertThat(WebForms.get(browser, base.resolve("/diagnose?ref=ABCDEFGHJKMNPQRS")).statusCode()).isEqualTo(404);
      HttpResponse<String> direct = WebForms.get(browser, base.resolve("/diagnose?ip=127.0.1.1&domain=good.example"
          + "&helo=mail.good.example"));
      assertThat(direct.statusCode()).isEqualTo(200);
      assertThat(direct.body()).contains("rdns.fcrdns", "spf.record").as("no reference: DNS only")
          .doesNotContain("smtp.banner");
    }
  }

  @Test
  void withAReferenceTheDomainComesFromTheRefusalNeverFromTheQuery() throws Exception {
    try (TestDnsServer dns = Senders.describe(TestDnsServer.start());
        TestGateway gateway = TestGateway.start(data, dns)) {
      String reply;
      try (SmtpTestClient smtp = SmtpTestClient.connect(gateway.smtp(), Senders.NO_PTR)) {
        smtp.reply();
        reply = smtp.startTransaction("mail.noptr.example", "", "bob@example.test");
      }
      gateway.gateway().store().refusals().flush();
      String ref = Refs.of(reply);
      URI base = URI.create("http://127.0.0.1:" + gateway.gateway().webPort().orElseThrow());
      HttpResponse<String> page = WebForms.get(WebForms.browser(), base.resolve("/diagnose?ref=" + ref
          + "&domain=victim.example"));
      assertThat(page.statusCode()).isEqualTo(200);
      assertThat(page.body()).contains("Results for the refusal " + ref).as("a bounce's refusal has no sender domain")
          .doesNotContain("victim.example", "callout.");
    }
  }

  @Test
  void aScriptInTheRefusedServersBannerComesOutEscapedAndTheLimitAnswers429() throws Exception {
    try (org.portcullis.testing.SmtpReceiver refused = org.portcullis.testing.SmtpReceiver.on(
        java.net.InetAddress.ofLiteral(Senders.NO_PTR), 0).greeting((c, n) -> "220 <script>alert(1)</script> ESMTP")
        .start();
        TestDnsServer dns = Senders.describe(TestDnsServer.start());
        TestGateway gateway = TestGateway.start(data, dns, "diagnose.allow-private-targets = true",
            "diagnose.smtp-port = " + refused.address().getPort(), "diagnose.requests-per-minute = 2")) {
      String reply;
      try (SmtpTestClient smtp = SmtpTestClient.connect(gateway.smtp(), Senders.NO_PTR)) {
        smtp.reply();
        reply = smtp.startTransaction("mail.noptr.example", "carl@good.example", "bob@example.test");
      }
      gateway.gateway().store().refusals().flush();
      String ref = Refs.of(reply);
      URI base = URI.create("http://127.0.0.1:" + gateway.gateway().webPort().orElseThrow());
      HttpClient browser = WebForms.browser();
      HttpResponse<String> page = WebForms.get(browser, base.resolve("/diagnose?ref=" + ref));
      assertThat(page.statusCode()).isEqualTo(200);
      assertThat(page.body()).as("the banner was read, and escaped").contains("smtp.banner",
          "&lt;script&gt;alert(1)&lt;/script&gt;").doesNotContain("<script>alert");
      assertThat(WebForms.get(browser, base.resolve("/diagnose?ip=127.0.1.1")).statusCode()).isEqualTo(200);
      HttpResponse<String> third = WebForms.get(browser, base.resolve("/diagnose?ip=127.0.1.1"));
      assertThat(third.statusCode()).as("the third diagnosis in a minute").isEqualTo(429);
      assertThat(third.headers().firstValue("Retry-After")).hasValue("60");
    }
  }
}
