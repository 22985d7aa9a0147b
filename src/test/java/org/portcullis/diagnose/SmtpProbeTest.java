package org.portcullis.diagnose;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.portcullis.dns.DnsRecord;
import org.portcullis.dns.DnsType;
import org.portcullis.dns.ReverseName;
import org.portcullis.dns.StaticDnsResolver;

/**
 * The SMTP conversation check against loopback servers on 127.0.9.x that misbehave each way (and
 * one that is well configured), all on one port, with the banner timeout shortened for the test.
 */
class SmtpProbeTest {

  /** What a fake server does with one connection. */
  interface Behaviour {
    void talk(InputStream in, OutputStream out) throws IOException;
  }

  private final List<ServerSocket> servers = new ArrayList<>();
  private final List<Socket> accepted = java.util.Collections.synchronizedList(new ArrayList<>());
  private int port;
  private final StaticDnsResolver dns = new StaticDnsResolver();

  @BeforeEach
  void pickPort() throws IOException {
    try (ServerSocket probe = new ServerSocket(0, 50, InetAddress.ofLiteral("127.0.9.254"))) {
      port = probe.getLocalPort();
    }
  }

  @AfterEach
  void stop() throws IOException {
    for (ServerSocket s : servers) {
      s.close();
    }
    for (Socket s : accepted) {
      s.close();
    }
  }

  private void serve(String address, String ptr, Behaviour behaviour) throws IOException {
    dns.add(ReverseName.of(InetAddress.ofLiteral(address)), DnsType.PTR, new DnsRecord.Name(ptr));
    dns.add(ptr, DnsType.A, new DnsRecord.Address(InetAddress.ofLiteral(address)));
    ServerSocket server = new ServerSocket();
    server.bind(new InetSocketAddress(InetAddress.ofLiteral(address), port));
    servers.add(server);
    Thread.ofVirtual().start(() -> {
      while (!server.isClosed()) {
        try {
          Socket s = server.accept();
          accepted.add(s);
          Thread.ofVirtual().start(() -> {
            try (s) {
              behaviour.talk(s.getInputStream(), s.getOutputStream());
            } catch (IOException e) {
              // the probe hung up: fine
            }
          });
        } catch (IOException e) {
          return;
        }
      }
    });
  }

  private static void say(OutputStream out, String text) throws IOException {
    out.write(text.getBytes(StandardCharsets.ISO_8859_1));
    out.flush();
  }

  /** Reads one command line (and ignores it). */
  private static void hear(InputStream in) throws IOException {
    for (int b; (b = in.read()) >= 0 && b != '\n'; ) {
      // reading
    }
  }

  private Map<String, Finding> run(String address, boolean allowPrivate) {
    SmtpProbe probe = new SmtpProbe(new SmtpProbe.Settings(port, Duration.ofSeconds(2), Duration.ofSeconds(1),
        allowPrivate, "mx.us.example"));
    List<Finding> found = probe.run(new Subject(InetAddress.ofLiteral(address), Optional.empty(),
        Optional.of("mx.good.test"), Optional.empty(), true), new Lookups(dns), System.nanoTime() + 5_000_000_000L);
    Map<String, Finding> byId = new LinkedHashMap<>();
    found.forEach(f -> byId.put(f.id(), f));
    return byId;
  }

  private Map<String, Finding> run(String address) {
    return run(address, true);
  }

  @Test
  void aWellConfiguredServerPassesAndIsToldQuit() throws Exception {
    List<String> heard = java.util.Collections.synchronizedList(new ArrayList<>());
    serve("127.0.9.1", "mx.good.test", (in, out) -> {
      say(out, "220 mx.good.test ESMTP\r\n");
      StringBuilder line = new StringBuilder();
      for (int b; (b = in.read()) >= 0; ) {
        if (b == '\n') {
          heard.add(line.toString().strip());
          say(out, heard.size() == 1 ? "250-mx.good.test\r\n250 PIPELINING\r\n" : "221 bye\r\n");
          line.setLength(0);
        } else {
          line.append((char) b);
        }
      }
    });
    Map<String, Finding> f = run("127.0.9.1");
    assertThat(f.keySet()).containsExactly("smtp.banner", "smtp.name", "smtp.ehlo");
    assertThat(f.values()).allSatisfy(x -> assertThat(x.status()).as(x.id() + " " + x.advice()).isEqualTo(Status.PASS));
    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> heard.size() == 2);
    assertThat(heard).containsExactly("EHLO mx.us.example", "QUIT");
  }

  @Test
  void eachMisbehaviourIsNamed() throws Exception {
    serve("127.0.9.2", "mx.good.test", (in, out) -> hear(in)); // silent until we give up
    serve("127.0.9.3", "other.test", (in, out) -> {
      say(out, "220 mx.good.test ESMTP\r\n");
      hear(in);
      say(out, "500 what?\r\n");
      hear(in);
    });
    serve("127.0.9.4", "mx.good.test", (in, out) -> say(out, "554 No SMTP service here\r\n"));
    serve("127.0.9.5", "mx.good.test", (in, out) -> { }); // closes at once
    serve("127.0.9.6", "mx.good.test", (in, out) -> {
      byte[] endless = "x".repeat(8192).getBytes(StandardCharsets.US_ASCII);
      say(out, "220 ");
      for (int i = 0; i < 20; i++) {
        out.write(endless);
      }
    });
    serve("127.0.9.7", "mx.good.test", (in, out) -> say(out, "\u0000\u00ff<script>SSH-2.0-OpenSSH\r\n"));
    serve("127.0.9.8", "mx.good.test", (in, out) -> {
      say(out, "220 mail.elsewhere.test ready\r\n");
      hear(in);
      say(out, "250 ok\r\n");
      hear(in);
    });

    assertThat(run("127.0.9.2").get("smtp.banner")).satisfies(f -> {
      assertThat(f.status()).isEqualTo(Status.WARN);
      assertThat(f.advice()).contains("did not greet");
    });
    Map<String, Finding> ehlo = run("127.0.9.3");
    assertThat(ehlo.get("smtp.banner").status()).isEqualTo(Status.PASS);
    assertThat(ehlo.get("smtp.ehlo").status()).isEqualTo(Status.WARN);
    assertThat(ehlo.get("smtp.ehlo").advice()).contains("answers 500 to EHLO");
    assertThat(run("127.0.9.4").get("smtp.banner").advice()).contains("answers 554 instead of 220");
    assertThat(run("127.0.9.5").get("smtp.banner").advice()).contains("closed the connection at once");
    Finding endless = run("127.0.9.6").get("smtp.banner");
    assertThat(endless.status()).isEqualTo(Status.FAIL);
    assertThat(endless.advice()).contains("longer than 4096 bytes");
    Finding garbage = run("127.0.9.7").get("smtp.banner");
    assertThat(garbage.status()).isEqualTo(Status.FAIL);
    assertThat(garbage.advice()).contains("does not speak SMTP").doesNotContain("\u0000");
    assertThat(garbage.facts()).allSatisfy(x -> assertThat(x.value()).doesNotContain("\u0000", "\u00ff"));
    Finding name = run("127.0.9.8").get("smtp.name");
    assertThat(name.status()).isEqualTo(Status.WARN);
    assertThat(name.advice()).contains("calls itself mail.elsewhere.test", "never refuse mail on this alone");
    Finding none = run("127.0.9.9").get("smtp.banner");
    assertThat(none.status()).as("nothing listens: fine for a server that only sends").isEqualTo(Status.INFO);
  }

  @Test
  void privateTargetsAndRepeatsAreNotConnectedTo() throws Exception {
    List<Integer> connections = java.util.Collections.synchronizedList(new ArrayList<>());
    serve("127.0.9.10", "mx.good.test", (in, out) -> connections.add(1));
    Finding refused = run("127.0.9.10", false).get("smtp.banner");
    assertThat(refused.status()).isEqualTo(Status.INFO);
    assertThat(refused.advice()).contains("not a public address");
    SmtpProbe probe = new SmtpProbe(new SmtpProbe.Settings(port, Duration.ofSeconds(2), Duration.ofSeconds(1), true,
        "mx.us.example"));
    Subject subject = new Subject(InetAddress.ofLiteral("127.0.9.10"), Optional.empty(), Optional.empty(),
        Optional.empty(), true);
    probe.run(subject, new Lookups(dns), System.nanoTime() + 5_000_000_000L);
    Finding again = probe.run(subject, new Lookups(dns), System.nanoTime() + 5_000_000_000L).getFirst();
    assertThat(again.advice()).contains("tested less than 10 minutes ago");
    assertThat(connections).as("one connection for the two diagnoses").hasSize(1);
    assertThat(org.portcullis.mail.PublicAddresses.isPublic(InetAddress.ofLiteral("10.1.2.3"))).isFalse();
    assertThat(org.portcullis.mail.PublicAddresses.isPublic(InetAddress.ofLiteral("192.0.2.7"))).isFalse();
    assertThat(org.portcullis.mail.PublicAddresses.isPublic(InetAddress.ofLiteral("fd00::1"))).isFalse();
    assertThat(org.portcullis.mail.PublicAddresses.isPublic(InetAddress.ofLiteral("::ffff:127.0.0.1"))).isFalse();
    assertThat(org.portcullis.mail.PublicAddresses.isPublic(InetAddress.ofLiteral("8.8.8.8"))).isTrue();
    assertThat(org.portcullis.mail.PublicAddresses.isPublic(InetAddress.ofLiteral("2a00:1450::1"))).isTrue();
  }
}
