package org.portcullis.testing;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.portcullis.app.Gateway;
import org.portcullis.config.ConfigLoader;
import org.portcullis.config.PortcullisConfig;

/**
 * A real gateway for integration tests: ephemeral SMTP port, data in a temporary directory, DNS
 * from a {@link TestDnsServer}, configuration from TOML text appended to the test defaults.
 */
public final class TestGateway implements AutoCloseable {

  private final Gateway gateway;
  private final Path dataDir;

  private TestGateway(Gateway gateway, Path dataDir) {
    this.gateway = gateway;
    this.dataDir = dataDir;
  }

  /**
   * @param dataDir where the store, spool and Maildirs go
   * @param dns the DNS server the gateway asks
   * @param settings overrides as {@code "table.key = value"} (TOML values), or raw TOML starting
   *     with {@code [[} (arrays of tables such as exceptions)
   */
  public static TestGateway start(Path dataDir, TestDnsServer dns, String... settings) throws IOException {
    return start(Clock.systemUTC(), dataDir, dns, settings);
  }

  /** A gateway on the given clock (a {@code FakeClock} for greylisting and expiry). */
  public static TestGateway start(Clock clock, Path dataDir, TestDnsServer dns, String... settings) throws IOException {
    return new TestGateway(Gateway.start(config(dataDir, dns, settings), clock, Optional.empty()), dataDir);
  }

  /** The test defaults: host mx.example.test, domains example.test and example.net, LAN 127.0.0.100. */
  public static PortcullisConfig config(Path dataDir, TestDnsServer dns, String... settings) {
    return ConfigLoader.parse(toml(dataDir, dns.addressText(), settings));
  }

  /** The TOML text of the test defaults with the overrides applied. */
  public static String toml(Path dataDir, String dnsServer, String... settings) {
    Map<String, Map<String, String>> tables = new LinkedHashMap<>();
    set(tables, "server.hostname = \"mx.example.test\"");
    set(tables, "server.data-dir = \"" + dataDir.toString().replace("\\", "\\\\") + "\"");
    set(tables, "mail.accepted-domains = [\"example.test\", \"example.net\"]");
    set(tables, "mail.lan-networks = [\"127.0.0.100/32\"]");
    // Tests write to made-up recipients; MailboxesTest checks the default ("reject") itself.
    set(tables, "mail.unknown-recipients = \"accept\"");
    set(tables, "smtp.listen = \"127.0.0.1:0\"");
    set(tables, "dns.servers = [\"" + dnsServer + "\"]");
    set(tables, "dnsbl-server.listen = \"127.0.0.1:0\"");
    set(tables, "web.listen = \"127.0.0.1:0\"");
    set(tables, "web.public-url = \"https://mx.example.test\"");
    // Tests view many pages from 127.0.0.1; PortalPagesTest sets a low limit to test it.
    set(tables, "web.page-views-per-minute = 100000");
    set(tables, "policy-service.listen = \"127.0.0.1:0\"");
    set(tables, "submission.listen = \"127.0.0.1:0\"");
    set(tables, "dns.timeout-ms = 500");
    set(tables, "dns.attempts = 1");
    set(tables, "delivery.retry-initial-seconds = 1");
    set(tables, "delivery.retry-max-seconds = 2");
    // Other domains' mail servers: nothing listens on port 9 here, so stray outbound mail defers
    // instead of reaching a real server on port 25. Tests of MX delivery set their receivers' port.
    set(tables, "delivery.remote-port = 9");
    StringBuilder raw = new StringBuilder();
    for (String setting : settings) {
      if (setting.strip().startsWith("[[")) {
        raw.append(setting).append('\n');
      } else {
        set(tables, setting);
      }
    }
    StringBuilder out = new StringBuilder();
    tables.forEach((table, keys) -> {
      out.append('[').append(table).append("]\n");
      keys.forEach((key, value) -> out.append(key).append(" = ").append(value).append('\n'));
      out.append('\n');
    });
    return out.append(raw).toString();
  }

  private static void set(Map<String, Map<String, String>> tables, String setting) {
    int eq = setting.indexOf('=');
    String path = setting.substring(0, eq).strip();
    int dot = path.lastIndexOf('.');
    tables.computeIfAbsent(path.substring(0, dot), t -> new LinkedHashMap<>())
        .put(path.substring(dot + 1), setting.substring(eq + 1).strip());
  }

  /** The submission (STARTTLS) listener. */
  public InetSocketAddress submission() {
    return gateway.submissionAddress().orElseThrow();
  }

  public InetSocketAddress smtp() {
    return gateway.smtpAddress();
  }

  public Gateway gateway() {
    return gateway;
  }

  public Path dataDir() {
    return dataDir;
  }

  /** Files delivered to a mailbox's new/ directory. */
  public List<Path> delivered(String domain, String localPart) throws IOException {
    Path dir = dataDir.resolve("maildir").resolve(domain).resolve(localPart).resolve("new");
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(dir)) {
      return files.sorted().toList();
    }
  }

  @Override
  public void close() {
    gateway.close();
  }
}
