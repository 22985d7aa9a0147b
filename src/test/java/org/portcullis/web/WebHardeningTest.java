package org.portcullis.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.portcullis.testing.Refs;
import org.portcullis.testing.Senders;
import org.portcullis.testing.SmtpTestClient;
import org.portcullis.testing.TestCertificates;
import org.portcullis.testing.TestDnsServer;
import org.portcullis.testing.TestGateway;

/**
 * Issue 12, the web listener: HTTPS with Secure cookies, /metrics limited to its networks, Jetty's
 * own error answers with our headers, and strangers' control characters shown, not obeyed.
 */
class WebHardeningTest {

  @TempDir
  Path dir;

  private static int port(TestGateway g) {
    return g.gateway().webPort().orElseThrow();
  }

  @Test
  void withACertificateTheListenerSpeaksHttpsAndItsCookiesAreSecure() throws Exception {
    TestCertificates.Pem pem = TestCertificates.write(dir, "mx.example.test");
    try (TestDnsServer dns = Senders.describe(TestDnsServer.start());
        TestGateway g = TestGateway.start(dir.resolve("data"), dns, "web.certificate-file = \"" + pem.certificate() + "\"",
            "web.key-file = \"" + pem.key() + "\"")) {
      SSLContext trustAll = SSLContext.getInstance("TLS");
      // An extended trust manager does its own endpoint checks: this one accepts the test's self-signed name.
      trustAll.init(null, new TrustManager[] {new javax.net.ssl.X509ExtendedTrustManager() {
        public void checkClientTrusted(X509Certificate[] chain, String type) {}

        public void checkServerTrusted(X509Certificate[] chain, String type) {}

        public void checkClientTrusted(X509Certificate[] chain, String type, Socket socket) {}

        public void checkServerTrusted(X509Certificate[] chain, String type, Socket socket) {}

        public void checkClientTrusted(X509Certificate[] chain, String type, javax.net.ssl.SSLEngine engine) {}

        public void checkServerTrusted(X509Certificate[] chain, String type, javax.net.ssl.SSLEngine engine) {}

        public X509Certificate[] getAcceptedIssuers() {
          return new X509Certificate[0];
        }
      }}, new SecureRandom());
      HttpClient https = HttpClient.newBuilder().sslContext(trustAll).connectTimeout(Duration.ofSeconds(5)).build();
      HttpResponse<String> page = https.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + port(g)
          + "/lookup")).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(page.statusCode()).isEqualTo(200);
      assertThat(page.headers().allValues("set-cookie")).isNotEmpty()
          .allSatisfy(c -> assertThat(c).containsIgnoringCase("Secure").containsIgnoringCase("HttpOnly"));
      HttpResponse<String> login = https.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + port(g)
          + "/admin/login")).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(login.statusCode()).isEqualTo(200);
      HttpClient plain = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> plain.send(HttpRequest.newBuilder(
          URI.create("http://127.0.0.1:" + port(g) + "/lookup")).build(), HttpResponse.BodyHandlers.ofString()))
          .as("no plain HTTP on an HTTPS listener").isInstanceOf(java.io.IOException.class);
    }
  }

  @Test
  void metricsAreServedOnlyToTheirNetworks() throws Exception {
    try (TestDnsServer dns = Senders.describe(TestDnsServer.start());
        TestGateway g = TestGateway.start(dir.resolve("data"), dns, "web.metrics-networks = [\"127.0.0.5/32\"]")) {
      String url = "http://127.0.0.1:" + port(g) + "/metrics";
      HttpClient stranger = HttpClient.newBuilder().localAddress(InetAddress.ofLiteral("127.0.0.1")).build();
      HttpClient monitor = HttpClient.newBuilder().localAddress(InetAddress.ofLiteral("127.0.0.5")).build();
      HttpResponse<String> refused = stranger.send(HttpRequest.newBuilder(URI.create(url)).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(refused.statusCode()).isEqualTo(403);
      assertThat(refused.body()).doesNotContain("portcullis_");
      HttpResponse<String> served = monitor.send(HttpRequest.newBuilder(URI.create(url)).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(served.statusCode()).isEqualTo(200);
      assertThat(served.body()).contains("portcullis_smtp");
    }
  }

  @Test
  void requestsJettyRefusesItselfGetOurSecurityHeadersAndNoDetails() throws Exception {
    try (TestDnsServer dns = Senders.describe(TestDnsServer.start());
        TestGateway g = TestGateway.start(dir.resolve("data"), dns)) {
      for (String request : new String[] {
          "GET /lookup HTTP/1.1\r\nHost: x\r\nX-Big: " + "a".repeat(20_000) + "\r\n\r\n",
          "GET /%zz/../ HTTP/1.1\r\nHost: x\r\n\r\n"}) {
        String answer = raw(port(g), request);
        assertThat(answer).as(answer).matches("(?s)HTTP/1.1 4\\d\\d .*");
        assertThat(answer.toLowerCase()).contains("x-content-type-options: nosniff", "x-frame-options: deny",
            "content-security-policy: default-src 'none'");
        assertThat(answer).doesNotContain("Exception", "at org.", "Powered by Jetty");
      }
    }
  }

  @Test
  void controlCharactersFromStrangersAreShownEscapedOnThePages() throws Exception {
    try (TestDnsServer dns = Senders.describe(TestDnsServer.start());
        TestGateway g = TestGateway.start(dir.resolve("data"), dns)) {
      String reply;
      try (SmtpTestClient client = SmtpTestClient.connect(g.smtp(), Senders.NO_PTR)) {
        client.reply();
        client.write("EHLO evil\u001b[2Jname\rx.example.org\r\n");
        client.reply();
        client.send("MAIL FROM:<a@good.example>");
        reply = client.send("RCPT TO:<bob@example.test>");
      }
      g.gateway().store().refusals().flush();
      String page = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port(g)
          + "/ref/" + Refs.of(reply))).build(), HttpResponse.BodyHandlers.ofString()).body();
      assertThat(page).contains("evil\\x1B[2Jname\\x0Dx.example.org").doesNotContain("\u001b", "\r");
    }
  }

  private static String raw(int port, String request) throws Exception {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 3000);
      socket.setSoTimeout(5000);
      OutputStream out = socket.getOutputStream();
      out.write(request.getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      InputStream in = socket.getInputStream();
      byte[] answer = in.readNBytes(8192);
      return new String(answer, StandardCharsets.ISO_8859_1);
    }
  }
}
