package org.portcullis.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.portcullis.testing.Senders;
import org.portcullis.testing.SmtpTestClient;
import org.portcullis.testing.TestDnsServer;
import org.portcullis.testing.TestGateway;

/** Issue 12: the store, the spool and Maildirs are private to the service user, whatever the umask. */
class PrivateFilesTest {

  @TempDir
  Path dir;

  private static String mode(Path p) throws Exception {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
  }

  @Test
  void theDataDirectoryStoreSpoolAndMaildirsAreOwnerOnly() throws Exception {
    Path data = dir.resolve("data");
    try (TestDnsServer dns = Senders.describe(TestDnsServer.start());
        TestGateway gateway = TestGateway.start(data, dns)) {
      try (SmtpTestClient client = SmtpTestClient.connect(gateway.smtp(), Senders.LAN)) {
        client.reply();
        assertThat(client.startTransaction("lan.example.test", "alice@example.test", "bob@example.test"))
            .startsWith("250");
        assertThat(client.data("Subject: private\r\n\r\nfor bob only")).startsWith("250");
      }
      await().atMost(Duration.ofSeconds(10)).until(() -> gateway.delivered("example.test", "bob").size() == 1);
      assertThat(mode(data)).isEqualTo("rwx------");
      assertThat(mode(data.resolve("portcullis.db"))).isEqualTo("rw-------");
      assertThat(mode(data.resolve("portcullis.db-wal"))).isEqualTo("rw-------");
      assertThat(mode(data.resolve("spool"))).isEqualTo("rwx------");
      try (Stream<Path> segments = Files.list(data.resolve("spool"))) {
        for (Path segment : segments.toList()) {
          assertThat(mode(segment)).as(segment.toString()).isEqualTo("rw-------");
        }
      }
      for (Path p : List.of(data.resolve("maildir"), data.resolve("maildir/example.test"),
          data.resolve("maildir/example.test/bob"), data.resolve("maildir/example.test/bob/new"))) {
        assertThat(mode(p)).as(p.toString()).isEqualTo("rwx------");
      }
      assertThat(mode(gateway.delivered("example.test", "bob").getFirst())).isEqualTo("rw-------");
    }
  }

  @Test
  void looserModesAreFoundForTheStartWarning() throws Exception {
    Path open = Files.createDirectory(dir.resolve("open"));
    Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path closed = PrivateFiles.createDirectories(dir.resolve("closed"));
    assertThat(PrivateFiles.looser(List.of(open, closed, dir.resolve("missing"))))
        .containsExactly(open + " (rwxr-xr-x)");
  }
}
