package org.portcullis.scan;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Assumptions;

/**
 * The real scanners from Debian's packages ({@code clamav-daemon}, {@code spamd},
 * {@code rspamd}), each started for a test class in a directory of its own, on loopback or a Unix
 * socket, and stopped by its PID afterwards. Without the package the tests that need it are
 * skipped with a notice ({@code .ci/run} installs them).
 */
final class ScannerPeers {

  static final Path CLAMD = Path.of("/usr/sbin/clamd");
  static final Path SPAMD = Path.of("/usr/sbin/spamd");
  static final Path RSPAMD = Path.of("/usr/bin/rspamd");
  /** The name our test signature database gives EICAR (clamd adds {@code .UNOFFICIAL} to custom signatures). */
  static final String EICAR_SIGNATURE = "Portcullis-Test-EICAR.UNOFFICIAL";

  private ScannerPeers() {}

  /** A running daemon; closing stops it and everything it forked. */
  record Peer(Process process, ScannerAddress address, int port) implements AutoCloseable {
    @Override
    public void close() {
      List<ProcessHandle> children = new ArrayList<>(process.descendants().toList());
      process.destroy();
      try {
        if (!process.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)) {
          process.destroyForcibly();
        }
      } catch (InterruptedException e) {
        process.destroyForcibly();
        Thread.currentThread().interrupt();
      }
      children.forEach(ProcessHandle::destroy);
    }
  }

  static void assumeInstalled(Path daemon, String debianPackage) {
    if (!Files.isExecutable(daemon)) {
      System.out.println("NOTICE: " + daemon + " is not installed (apt-get install " + debianPackage
          + "); skipping the tests against it");
    }
    Assumptions.assumeTrue(Files.isExecutable(daemon), daemon + " is not installed (apt-get install "
        + debianPackage + ")");
  }

  private static boolean root() {
    return "root".equals(System.getProperty("user.name"));
  }

  /**
   * clamd with a signature database made for the test: EICAR as a custom body signature. With no
   * internet there is no main.cvd; clamd runs on what the directory holds.
   */
  static Peer clamd(Path dir) throws IOException {
    assumeInstalled(CLAMD, "clamav-daemon");
    Path db = Files.createDirectories(dir.resolve("db"));
    String hex = HexFormat.of().formatHex(ScanRequests.EICAR.getBytes(StandardCharsets.US_ASCII));
    Files.writeString(db.resolve("portcullis-test.ndb"), "Portcullis-Test-EICAR:0:*:" + hex + "\n");
    Path socket = dir.resolve("clamd.ctl");
    Path conf = dir.resolve("clamd.conf");
    Files.writeString(conf, String.join("\n", "DatabaseDirectory " + db, "LocalSocket " + socket, "Foreground yes",
        "LogFile " + dir.resolve("clamd.log"), "StreamMaxLength 10M", ""));
    Process p = start(dir, "clamd", List.of(CLAMD.toString(), "-c", conf.toString()));
    await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(socket) || !p.isAlive());
    if (!p.isAlive()) {
      throw new IllegalStateException("clamd exited with " + p.exitValue() + ": " + Files.readString(
          dir.resolve("clamd.out")));
    }
    return new Peer(p, ScannerAddress.unix(socket), -1);
  }

  /** spamd on loopback, local tests only ({@code -L}), no per-user configuration. */
  static Peer spamd(Path dir) throws IOException {
    assumeInstalled(SPAMD, "spamd");
    int port = freePort();
    List<String> command = new ArrayList<>(List.of(SPAMD.toString(), "-L", "-i", "127.0.0.1", "-p",
        String.valueOf(port), "-A", "127.0.0.1", "--nouser-config", "-s", "stderr", "-m", "2", "--pidfile",
        dir.resolve("spamd.pid").toString()));
    Path home = dir;
    if (root()) {
      // spamd runs as nobody, which needs a writable directory of its own for its start-up files
      // (it falls back to the working directory when /tmp is not writable, as on some machines).
      home = Files.createDirectories(dir.resolve("home"));
      reachable(dir);
      Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("rwxrwxrwx"));
      command.addAll(List.of("-u", "nobody"));
    }
    ProcessBuilder builder = new ProcessBuilder(command).directory(home.toFile()).redirectErrorStream(true)
        .redirectOutput(dir.resolve("spamd.out").toFile());
    builder.environment().put("HOME", home.toString());
    builder.environment().put("TMPDIR", home.toString());
    Process p = builder.start();
    awaitPort(p, port);
    return new Peer(p, ScannerAddress.tcp(new InetSocketAddress("127.0.0.1", port)), port);
  }

  /**
   * rspamd with a local configuration: its normal worker on a free loopback port, the controller and
   * proxy on others, no Redis, DNS to nowhere (no network), its data in the test's directory.
   */
  static Peer rspamd(Path dir) throws IOException {
    assumeInstalled(RSPAMD, "rspamd");
    Path local = Files.createDirectories(dir.resolve("local"));
    Path override = Files.createDirectories(local.resolve("override.d"));
    Files.createDirectories(local.resolve("local.d"));
    List<Path> writable = List.of(Files.createDirectories(dir.resolve("db")),
        Files.createDirectories(dir.resolve("run")), Files.createDirectories(dir.resolve("log")));
    int port = freePort();
    Files.writeString(override.resolve("worker-normal.inc"), "bind_socket = \"127.0.0.1:" + port + "\";\ncount = 1;\n");
    Files.writeString(override.resolve("worker-controller.inc"), "bind_socket = \"127.0.0.1:" + freePort() + "\";\n");
    Files.writeString(override.resolve("worker-proxy.inc"), "bind_socket = \"127.0.0.1:" + freePort() + "\";\n");
    Files.writeString(override.resolve("logging.inc"), "type = \"console\";\nlevel = \"error\";\n");
    Files.writeString(override.resolve("options.inc"),
        "dns { nameserver = [\"127.0.0.1:1\"]; timeout = 0.2s; retransmits = 0; }\n");
    Files.writeString(override.resolve("redis.conf"), "enabled = false;\n");
    List<String> command = new ArrayList<>(List.of(RSPAMD.toString(), "-f", "-c", "/etc/rspamd/rspamd.conf",
        "--var=LOCAL_CONFDIR=" + local, "--var=DBDIR=" + writable.get(0), "--var=RUNDIR=" + writable.get(1),
        "--var=LOGDIR=" + writable.get(2)));
    if (root()) {
      // rspamd will not run its workers as root; its own user must reach the test's directory.
      reachable(dir);
      for (Path w : writable) {
        Files.setPosixFilePermissions(w, PosixFilePermissions.fromString("rwxrwxrwx"));
      }
      command.addAll(List.of("-u", "_rspamd", "-g", "_rspamd"));
    }
    Process p = start(dir, "rspamd", command);
    awaitPort(p, port);
    return new Peer(p, ScannerAddress.tcp(new InetSocketAddress("127.0.0.1", port)), port);
  }

  /** Lets a daemon's own user reach {@code dir}: JUnit makes temporary directories private to us. */
  private static void reachable(Path dir) throws IOException {
    Path tmp = Path.of(System.getProperty("java.io.tmpdir")).toAbsolutePath();
    for (Path d = dir.toAbsolutePath(); d != null && d.startsWith(tmp) && !d.equals(tmp); d = d.getParent()) {
      Files.setPosixFilePermissions(d, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
  }

  private static Process start(Path dir, String name, List<String> command) throws IOException {
    return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(dir.resolve(name + ".out").toFile())
        .start();
  }

  private static void awaitPort(Process p, int port) {
    await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200)).until(() -> {
      if (!p.isAlive()) {
        return true;
      }
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", port), 200);
        return true;
      } catch (IOException e) {
        return false;
      }
    });
    if (!p.isAlive()) {
      throw new IllegalStateException("the daemon exited with " + p.exitValue() + " before listening");
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
