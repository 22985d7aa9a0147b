package org.portcullis.blocklist;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedWriter;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.portcullis.blocklist.ZoneSettings;
import org.portcullis.blocklist.server.DnsblServer;
import org.portcullis.mail.Cidr;
import org.portcullis.store.sqlite.SqliteStore;
import org.portcullis.testing.FakeClock;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;

/**
 * The rbldnsd export, loaded by the real rbldnsd (Debian package), answers as our own server does.
 * Skipped where rbldnsd is not installed; .ci/run installs it.
 */
class RbldnsdExportTest {

  private static final Path RBLDNSD = Path.of("/usr/sbin/rbldnsd");

  @TempDir
  Path dir;

  @Test
  void rbldnsdServingTheExportAnswersLikeOurServer() throws Exception {
    Assumptions.assumeTrue(Files.isExecutable(RBLDNSD), "rbldnsd is not installed (apt-get install rbldnsd)");
    FakeClock clock = new FakeClock();
    try (SqliteStore store = SqliteStore.open(dir.resolve("portcullis.db"))) {
      Blocklist blocklist = new Blocklist(store.blocklist(), BlocklistSettings.DEFAULTS, clock);
      blocklist.report(Cidr.parse("192.0.2.9"), Category.SPAM_SOURCE, Evidence.note(clock.instant(), "t", "", ""));
      blocklist.report(Cidr.parse("192.0.2.10"), Category.SPAM_TRAP, Evidence.note(clock.instant(), "t", "", ""));
      blocklist.report(Cidr.parse("192.0.2.11"), Category.REPORT, Evidence.note(clock.instant(), "t", "", ""));
      blocklist.report(Cidr.parse("192.0.2.12"), Category.REPORT, Evidence.note(clock.instant(), "t", "", ""));
      blocklist.operatorDelist(Cidr.parse("192.0.2.12"), "t", "");
      blocklist.listPermanently(Cidr.parse("198.51.100.0/24"), Category.MANUAL, "t", "");
      blocklist.report(Cidr.parse("203.0.113.128/25"), Category.SPAM_SOURCE, Evidence.note(clock.instant(), "t", "", ""));
      blocklist.report(Cidr.parse("2001:db8::25"), Category.SPAM_TRAP, Evidence.note(clock.instant(), "t", "", ""));
      blocklist.report(Cidr.parse("2001:db8:1::/48"), Category.MANUAL, Evidence.note(clock.instant(), "t", "", ""));
      LiveListings live = new LiveListings(blocklist);
      live.refresh();

      ZoneSettings settings = new ZoneSettings(true, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
          "bl.example.test", List.of("ns1.example.test"), "hostmaster@example.test", Duration.ofSeconds(300),
          Duration.ofSeconds(60), ZoneSettings.DEFAULT_TXT.replace("{portal}", "https://portal.example.test"), List.of(),
          1, true, 16, Duration.ofSeconds(5), 16);
      Path data = dir.resolve("rbldnsd");
      Files.createDirectories(data);
      RbldnsdExport export = new RbldnsdExport(settings, live.sequence());
      try (BufferedWriter w = Files.newBufferedWriter(data.resolve("zone.ip4set"), StandardCharsets.UTF_8)) {
        export.writeIp4set(live.current(), w);
      }
      try (BufferedWriter w = Files.newBufferedWriter(data.resolve("zone.ip6trie"), StandardCharsets.UTF_8)) {
        export.writeIp6trie(live.current(), w);
      }
      for (Path p : List.of(dir, data, data.resolve("zone.ip4set"), data.resolve("zone.ip6trie"))) {
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(Files.isDirectory(p) ? "rwxr-xr-x" : "rw-r--r--"));
      }
      int port;
      try (DatagramSocket probe = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
        port = probe.getLocalPort();
      }
      Process rbldnsd = new ProcessBuilder(RBLDNSD.toString(), "-n", "-e", "-b", "127.0.0.1/" + port,
          "bl.example.test:ip4set:" + data.resolve("zone.ip4set"), "bl.example.test:ip6trie:" + data.resolve("zone.ip6trie"))
          .redirectErrorStream(true).redirectOutput(dir.resolve("rbldnsd.log").toFile()).start();
      try (DnsblServer ours = new DnsblServer(settings, live::current, live::sequence)) {
        ours.start();
        InetSocketAddress theirs = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
        waitUntilAnswering(theirs, rbldnsd);
        List<String> names = new ArrayList<>(List.of("2.0.0.127", "1.0.0.127", "9.2.0.192", "10.2.0.192", "11.2.0.192",
            "12.2.0.192", "13.2.0.192", "1.100.51.198", "255.100.51.198", "200.113.0.203", "127.113.0.203",
            "128.113.0.203", "1.2.3.4"));
        names.add(nibbles("20010db8000000000000000000000025"));
        names.add(nibbles("20010db8000000000000000000000026"));
        names.add(nibbles("20010db80001abcd0000000000000001"));
        names.add(nibbles("20010db80002abcd0000000000000001"));
        names.add(nibbles("00000000000000000000ffff7f000002"));
        int listed = 0;
        for (String n : names) {
          for (int type : new int[] {Type.A, Type.TXT}) {
            Answer a = ask(ours.localAddress(), n + ".bl.example.test.", type);
            Answer b = ask(theirs, n + ".bl.example.test.", type);
            assertThat(a).as("%s %s: ours vs rbldnsd", n, Type.string(type)).isEqualTo(b);
            listed += a.rcode == Rcode.NOERROR ? 1 : 0;
          }
        }
        assertThat(listed).as("names listed (A and TXT)").isEqualTo(2 * 11);
      } finally {
        rbldnsd.destroy();
        rbldnsd.waitFor(5, TimeUnit.SECONDS);
      }
    }
  }

  private record Answer(int rcode, List<String> records) {}

  private static Answer ask(InetSocketAddress server, String name, int type) throws Exception {
    SimpleResolver resolver = new SimpleResolver(server);
    resolver.setTimeout(Duration.ofSeconds(2));
    Message m = resolver.send(Message.newQuery(Record.newRecord(Name.fromString(name), type, DClass.IN)));
    List<String> records = new ArrayList<>();
    for (Record r : m.getSection(Section.ANSWER)) {
      records.add(switch (r) {
        case ARecord a -> "A " + a.getAddress().getHostAddress();
        case TXTRecord t -> "TXT " + String.join("", t.getStrings());
        default -> Type.string(r.getType());
      });
    }
    records.sort(null);
    return new Answer(m.getRcode(), records);
  }

  private static void waitUntilAnswering(InetSocketAddress server, Process process) throws Exception {
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    while (System.nanoTime() < until) {
      if (!process.isAlive()) {
        throw new IllegalStateException("rbldnsd exited with " + process.exitValue());
      }
      try {
        ask(server, "2.0.0.127.bl.example.test.", Type.A);
        return;
      } catch (java.io.IOException notYet) {
        Thread.sleep(100);
      }
    }
    throw new IllegalStateException("rbldnsd did not answer within 15 s");
  }

  private static String nibbles(String hex) {
    StringBuilder out = new StringBuilder();
    for (int i = hex.length() - 1; i >= 0; i--) {
      out.append(hex.charAt(i));
      if (i > 0) {
        out.append('.');
      }
    }
    return out.toString();
  }
}
