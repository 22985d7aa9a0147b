package org.portcullis.bench;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs the acceptance benchmark end to end in one warm JVM (load generator and bench DNS stay
 * up between runs): for each round, Portcullis with a durable spool, Postfix, and Portcullis with
 * fsync off, each started fresh, warmed up, measured, stopped; then smtp-sink as the ceiling of
 * the load generator. Prints every run and the medians.
 *
 * <pre>
 * BenchRunner rounds sessions warmupSeconds measureSeconds messageBytes workDir resultsFile
 * </pre>
 */
public final class BenchRunner {

  private static final int PORTCULLIS_PORT = 2525;
  private static final int POSTFIX_PORT = 2526;
  private static final int SINK_PORT = 2527;

  private final int sessions;
  private final int warmup;
  private final int measure;
  private final int size;
  private final Path work;
  private final PrintWriter out;
  private int nextSource = 65537;
  private final Map<String, List<LoadGenerator.Result>> results = new LinkedHashMap<>();
  /** The load's message, DKIM-signed by senders.example (whose SPF, DKIM and DMARC records the bench DNS serves). */
  private byte[] message;

  private BenchRunner(int sessions, int warmup, int measure, int size, Path work, PrintWriter out) {
    this.sessions = sessions;
    this.warmup = warmup;
    this.measure = measure;
    this.size = size;
    this.work = work;
    this.out = out;
  }

  public static void main(String[] args) throws Exception {
    int rounds = Integer.parseInt(args[0]);
    Path work = Path.of(args[5]);
    Files.createDirectories(work);
    Path resultsFile = Path.of(args[6]);
    try (PrintWriter out = new PrintWriter(Files.newBufferedWriter(resultsFile, StandardCharsets.UTF_8), true)) {
      BenchRunner runner = new BenchRunner(Integer.parseInt(args[1]), Integer.parseInt(args[2]),
          Integer.parseInt(args[3]), Integer.parseInt(args[4]), work, out);
      Path record = runner.signedMessage();
      Process dns = runner.start(List.of(java(), "-Xmx256m", "-cp", System.getProperty("java.class.path"),
          BenchDns.class.getName(), "127.0.0.1", "53", record.toString()), work.resolve("dns.log"), "bench DNS ready");
      // The spamd stand-ins both gateways ask: 70 ms per message (spamd's time here), and one that never answers.
      Process spamd = runner.start(List.of(java(), "-Xmx128m", "-cp", System.getProperty("java.class.path"),
          BenchSpamd.class.getName(), String.valueOf(SPAMD_PORT), "70"), work.resolve("spamd.log"), "ready");
      Process hanging = runner.start(List.of(java(), "-Xmx128m", "-cp", System.getProperty("java.class.path"),
          BenchSpamd.class.getName(), String.valueOf(HANGING_SPAMD_PORT), "hang"), work.resolve("spamd-hang.log"),
          "ready");
      // The internal server behind the gateway for the recipient-verification runs (nobody@ is unknown there).
      Process relay = runner.start(List.of(java(), "-Xmx256m", "-cp", System.getProperty("java.class.path"),
          BenchRelay.class.getName(), String.valueOf(RELAY_PORT)), work.resolve("relay.log"), "ready");
      try {
        runner.say("# " + Instant.now() + ", " + Runtime.getRuntime().availableProcessors() + " cores, Java "
            + Runtime.version() + ", " + command("postconf", "-d", "-h", "mail_version").strip().replaceAll("^", "Postfix "));
        runner.say("# " + runner.sessions + " sessions, one " + runner.size + "-byte message per connection, a new "
            + "127.x source address per connection, " + runner.warmup + " s warm-up, " + runner.measure
            + " s measured, " + rounds + " rounds");
        for (int round = 1; round <= rounds; round++) {
          runner.say("## round " + round);
          runner.portcullis("portcullis-durable", true, "");
          runner.postfix();
          runner.postfixWithAuthentication();
          runner.portcullis("portcullis-nofsync", false, "");
          runner.portcullis("portcullis-auth-off", true, AUTH_OFF);
          runner.portcullis("portcullis-helo-spf-off", true, "\n[spf]\ncheck-helo = false\n");
          runner.portcullis("portcullis-spamd", true, spamd(SPAMD_PORT, ""),
              "X-Portcullis-Scan: spamd clean, score 0.4 / 5.0");
          runner.postfixWithSpamd();
          runner.portcullis("portcullis-spamd-hang", true, spamd(HANGING_SPAMD_PORT, "on-failure = \"accept-tagged\"\n"),
              "X-Portcullis-Scan: spamd skipped");
          // Without the breaker every scan waits the whole scan.timeout-ms: the bound itself.
          runner.portcullis("portcullis-spamd-hang-nobreaker", true, spamd(HANGING_SPAMD_PORT,
              "on-failure = \"accept-tagged\"\nbreaker-failures = 10000\n"), "X-Portcullis-Scan: spamd skipped (timeout)");
          // Recipient verification (issue 16): relayed to BenchRelay; the callout's cost warm (one
          // recipient, cached after the first) and cold (a new recipient every message, one callout each).
          runner.portcullisRelaying("portcullis-relay", "", n -> "rcpt@example.test");
          runner.portcullisRelaying("portcullis-verify-warm", VERIFY, n -> "rcpt@example.test");
          runner.portcullisRelaying("portcullis-verify-cold", VERIFY, n -> "rcpt-" + n + "@example.test");
          // Diagnoses (issue 16): the same load with 5 "test your server" diagnoses a second on the web listener.
          runner.portcullisDiagnosing("portcullis-diagnosing", 5);
        }
        runner.sink();
        runner.say("## smtp-source (Postfix's load generator; every connection from 127.0.0.1, so no per-address DNS variety)");
        for (int round = 1; round <= rounds; round++) {
          runner.portcullisWithSmtpSource();
          runner.postfixWithSmtpSource();
        }
        runner.summary();
      } finally {
        dns.destroy();
        relay.destroy();
        spamd.destroy();
        hanging.destroy();
      }
    }
  }

  private static final int SPAMD_PORT = 7830;
  private static final int RELAY_PORT = 7832;
  private static final int WEB_PORT = 7833;

  /**
   * The durable gateway under the acceptance load while {@code perSecond} diagnoses a second are
   * asked of {@code /diagnose} (DNS checks of a sending address the bench DNS describes); the
   * diagnoses' count and latency are reported beside the rate.
   */
  private void portcullisDiagnosing(String label, int perSecond) throws Exception {
    if (skipped(label)) {
      return;
    }
    jfrLabel = label;
    Process gateway = startPortcullis(true, "\n[web]\nlisten = \"127.0.0.1:" + WEB_PORT + "\"\n"
        + "page-views-per-minute = 100000\n[diagnose]\nrequests-per-minute = 10000\n");
    java.util.concurrent.ScheduledExecutorService ticks = java.util.concurrent.Executors.newScheduledThreadPool(1);
    java.util.List<Long> took = java.util.Collections.synchronizedList(new ArrayList<>());
    java.util.concurrent.atomic.AtomicInteger failed = new java.util.concurrent.atomic.AtomicInteger();
    java.net.http.HttpClient http = java.net.http.HttpClient.newBuilder().executor(
        java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()).build();
    java.util.concurrent.atomic.AtomicInteger n = new java.util.concurrent.atomic.AtomicInteger(1);
    try {
      ticks.scheduleAtFixedRate(() -> {
        int i = n.getAndIncrement();
        String ip = "127.200." + (i / 250 % 250) + "." + (1 + i % 250);
        String helo = BenchDns.nameOf(java.net.InetAddress.ofLiteral(ip));
        long t0 = System.nanoTime();
        http.sendAsync(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + WEB_PORT
            + "/diagnose?ip=" + ip + "&domain=" + BenchDns.SENDER_DOMAIN + "&helo=" + helo)).build(),
            java.net.http.HttpResponse.BodyHandlers.ofString()).whenComplete((r, e) -> {
              if (e == null && r.statusCode() == 200 && r.body().contains("Results")) {
                took.add(System.nanoTime() - t0);
              } else {
                failed.incrementAndGet();
              }
            });
      }, 0, 1_000_000 / perSecond, TimeUnit.MICROSECONDS);
      load(label, PORTCULLIS_PORT);
    } finally {
      ticks.shutdownNow();
      stop(gateway);
    }
    long[] sorted = took.stream().mapToLong(Long::longValue).sorted().toArray();
    say(String.format("%s: %d diagnoses done (%d failed), p50 %.1f ms, p95 %.1f ms", label, sorted.length,
        failed.get(), sorted.length == 0 ? 0 : sorted[sorted.length / 2] / 1e6,
        sorted.length == 0 ? 0 : sorted[(int) (sorted.length * 0.95)] / 1e6));
  }
  private static final String VERIFY = "[verify]\nrecipients = \"callout\"\n";

  /**
   * Portcullis relaying to BenchRelay, with {@code verifyKeys}; with verification on, the run ends by
   * asking for nobody@example.test, which must be refused (else no callout was made).
   */
  private void portcullisRelaying(String label, String verifyKeys, java.util.function.IntFunction<String> recipientOf)
      throws Exception {
    if (skipped(label)) {
      return;
    }
    jfrLabel = label;
    Process gateway = startPortcullis(true, "\n[delivery]\ntransport = \"relay\"\nrelay-host = \"127.0.0.1:"
        + RELAY_PORT + "\"\n" + verifyKeys);
    try {
      LoadGenerator.Result result = LoadGenerator.run(label, new InetSocketAddress("127.0.0.1", PORTCULLIS_PORT),
          sessions, warmup, measure, message, nextSource, recipientOf);
      nextSource += result.sourcesUsed() + 1000;
      results.computeIfAbsent(label, k -> new ArrayList<>()).add(result);
      say(result.line());
      if (!verifyKeys.isEmpty()) {
        String reply = LoadGenerator.rcptOnly(new InetSocketAddress("127.0.0.1", PORTCULLIS_PORT),
            java.net.InetAddress.getByAddress(new byte[] {127, (byte) (nextSource >> 16), (byte) (nextSource >> 8),
                (byte) nextSource}), "nobody@example.test");
        if (!reply.startsWith("550 5.1.1")) {
          throw new IllegalStateException(label + ": nobody@example.test was not refused (no callout?): " + reply);
        }
        nextSource++;
      }
    } finally {
      stop(gateway);
    }
  }
  private static final int HANGING_SPAMD_PORT = 7831;
  /**
   * spamd on at {@code port}, with room for every session (the default concurrency-max of 16 is
   * below the load's 20), and more {@code [scan]} keys.
   */
  private static String spamd(int port, String scanKeys) {
    return "\n[scan]\nconcurrency-max = 1000\n" + scanKeys + "[scan.spamd]\nenabled = true\naddress = \"127.0.0.1:"
        + port + "\"\n";
  }

  /** SPF, DKIM and DMARC off: what sender authentication costs is the difference to portcullis-durable. */
  private static final String AUTH_OFF = "\n[spf]\nenabled = false\n[dkim]\nenabled = false\n[dmarc]\nenabled = false\n";

  /**
   * Signs the load's message with a new 2048-bit key for senders.example and returns the file
   * holding the key's TXT record, for the bench DNS.
   */
  private Path signedMessage() throws Exception {
    java.security.KeyPairGenerator generator = java.security.KeyPairGenerator.getInstance("RSA");
    generator.initialize(2048);
    java.security.KeyPair key = generator.generateKeyPair();
    byte[] plain = LoadGenerator.body(size);
    byte[] text = java.util.Arrays.copyOf(plain, plain.length - 3); // without the final ".\r\n"
    org.portcullis.mail.RawMessage parsed = org.portcullis.mail.RawMessage.parse(text);
    String signature = new org.portcullis.dkim.DkimSigner(BenchDns.SENDER_DOMAIN, BenchDns.DKIM_SELECTOR,
        key.getPrivate()).sign(parsed.headerFields(), parsed.body(), Instant.now());
    message = (signature + "\r\n" + new String(plain, StandardCharsets.US_ASCII)).getBytes(StandardCharsets.US_ASCII);
    Files.write(work.resolve("signed-message.txt"), message);
    Path record = work.resolve("dkim-record.txt");
    Files.writeString(record, "v=DKIM1; k=rsa; p=" + java.util.Base64.getEncoder().encodeToString(
        key.getPublic().getEncoded()));
    return record;
  }

  /** BENCH_ONLY=label,label runs only those servers; empty: every one. */
  private static final java.util.Set<String> ONLY = java.util.Set.of(
      System.getenv().getOrDefault("BENCH_ONLY", "").split(",")).stream().filter(x -> !x.isBlank())
      .collect(java.util.stream.Collectors.toSet());

  private static boolean skipped(String label) {
    return !ONLY.isEmpty() && !ONLY.contains(label);
  }

  private void portcullis(String label, boolean fsync, String extraConfig) throws Exception {
    portcullis(label, fsync, extraConfig, "");
  }

  /** @param proof text a delivered message must contain afterwards (empty: no check) */
  private void portcullis(String label, boolean fsync, String extraConfig, String proof) throws Exception {
    if (skipped(label)) {
      return;
    }
    jfrLabel = label;
    Process gateway = startPortcullis(fsync, extraConfig);
    try {
      load(label, PORTCULLIS_PORT);
    } finally {
      stop(gateway);
    }
    if (!proof.isEmpty()) {
      prove(label, work.resolve("portcullis/data"), proof);
    }
  }

  /** One delivered message under {@code dir} must contain {@code proof}, else nobody did the work measured. */
  private static void prove(String label, Path dir, String proof) throws IOException {
    Path delivered;
    try (var files = Files.walk(dir)) {
      delivered = files.filter(f -> f.getParent().getFileName().toString().equals("new") && Files.isRegularFile(f))
          .findFirst().orElseThrow(() -> new IllegalStateException(label + " delivered nothing"));
    }
    String text = Files.readString(delivered, StandardCharsets.ISO_8859_1);
    if (!text.contains(proof)) {
      throw new IllegalStateException(label + ": a delivered message lacks \"" + proof + "\"; its header:\n"
          + text.substring(0, Math.min(text.length(), 3000)));
    }
  }

  /** Postfix with spamass-milter asking the same spamd stand-in (bench/postfix-scan). */
  private void postfixWithSpamd() throws Exception {
    if (skipped("postfix-spamd")) {
      return;
    }
    Path dir = work.resolve("postfix-scan");
    run("bench/postfix-scan/start.sh", dir.toString(), String.valueOf(SPAMD_PORT));
    awaitListening(POSTFIX_PORT, true);
    try {
      load("postfix-spamd", POSTFIX_PORT);
    } finally {
      run("bench/postfix-scan/stop.sh", dir.toString());
      awaitListening(POSTFIX_PORT, false);
    }
    prove("postfix-spamd", dir.resolve("mail"), "X-Spam-Status: No, score=0.4");
  }

  /** A fresh Portcullis with the bench configuration, once it says it is ready. */
  private Process startPortcullis(boolean fsync, String extraConfig) throws Exception {
    Path dir = work.resolve("portcullis");
    deleteTree(dir);
    Files.createDirectories(dir);
    String config = Files.readString(Path.of("bench/portcullis-bench.toml"))
        .replace("/tmp/portcullis-bench/data", dir.resolve("data").toString())
        // The load draws its sources in sequence, so up to all sessions share a /24; real senders
        // come from many networks. Past the default per-network limit (50), raise it.
        .replace("[smtp]\n", sessions > 40 ? "[smtp]\nconnections-per-network-max = " + (2 * sessions) + "\n" : "[smtp]\n")
        + "\n[queue]\nfsync = " + fsync + "\n" + extraConfig;
    Path configFile = dir.resolve("portcullis.toml");
    Files.writeString(configFile, config);
    List<String> command = new ArrayList<>(List.of(java(), "--enable-native-access=ALL-UNNAMED", "-XX:+UseParallelGC",
        "-XX:NewRatio=1", "-Xmx1g"));
    if (System.getenv("BENCH_JFR") != null) {
      // A profile of the gateway per run, started after the warm-up: BENCH_JFR=1 bench/run.sh
      command.add("-XX:StartFlightRecording=delay=" + warmup + "s,duration=" + measure + "s,settings=profile,filename="
          + work.resolve("gateway-" + jfrLabel + "-" + (++jfrRuns) + ".jfr"));
    }
    command.addAll(List.of("-jar", "target/portcullis.jar", "serve", "-c", configFile.toString()));
    return start(command, dir.resolve("gateway.log"), "ready: SMTP");
  }

  private static void stop(Process gateway) throws InterruptedException {
    gateway.destroy();
    gateway.waitFor(30, TimeUnit.SECONDS);
  }

  private void postfix() throws Exception {
    if (skipped("postfix")) {
      return;
    }
    Path dir = work.resolve("postfix");
    run("bench/postfix/start.sh", dir.toString());
    awaitListening(POSTFIX_PORT, true);
    try {
      load("postfix", POSTFIX_PORT);
    } finally {
      run("bench/postfix/stop.sh", dir.toString());
      awaitListening(POSTFIX_PORT, false);
    }
  }

  /**
   * Postfix doing the sender authentication Portcullis does (bench/postfix-auth: policyd-spf,
   * OpenDKIM, OpenDMARC). Afterwards one delivered message must show that each of them passed it,
   * else the figure would be of mail nobody checked.
   */
  private void postfixWithAuthentication() throws Exception {
    if (skipped("postfix-auth")) {
      return;
    }
    Path dir = work.resolve("postfix-auth");
    run("bench/postfix-auth/start.sh", dir.toString());
    awaitListening(POSTFIX_PORT, true);
    try {
      load("postfix-auth", POSTFIX_PORT);
    } finally {
      run("bench/postfix-auth/stop.sh", dir.toString());
      awaitListening(POSTFIX_PORT, false);
    }
    Path delivered;
    try (var files = Files.list(dir.resolve("mail/rcpt/new"))) {
      delivered = files.findFirst().orElseThrow(() -> new IllegalStateException("postfix-auth delivered nothing"));
    }
    String text = Files.readString(delivered, StandardCharsets.ISO_8859_1);
    for (String proof : List.of("Received-SPF: Pass", "dkim=pass", "dmarc=pass")) {
      if (!text.contains(proof)) {
        throw new IllegalStateException("postfix-auth: a delivered message lacks \"" + proof + "\"; its header:\n"
            + text.substring(0, Math.min(text.length(), 3000)));
      }
    }
  }

  /** Portcullis under smtp-source: 20000 messages to warm up, then 20000 timed. */
  private String jfrLabel = "portcullis";
  private int jfrRuns;

  private void portcullisWithSmtpSource() throws Exception {
    if (skipped("portcullis-durable/smtp-source")) {
      return;
    }
    jfrLabel = "smtp-source";
    Process gateway = startPortcullis(true, "");
    try {
      smtpSource(PORTCULLIS_PORT, 20_000);
      record("portcullis-durable/smtp-source", smtpSource(PORTCULLIS_PORT, 20_000));
    } finally {
      stop(gateway);
    }
  }

  private void postfixWithSmtpSource() throws Exception {
    if (skipped("postfix/smtp-source")) {
      return;
    }
    Path dir = work.resolve("postfix");
    run("bench/postfix/start.sh", dir.toString());
    awaitListening(POSTFIX_PORT, true);
    try {
      smtpSource(POSTFIX_PORT, 2_000);
      record("postfix/smtp-source", smtpSource(POSTFIX_PORT, 10_000));
    } finally {
      run("bench/postfix/stop.sh", dir.toString());
      awaitListening(POSTFIX_PORT, false);
    }
  }

  /** Runs smtp-source with 20 sessions and 2 kB messages; returns messages per second. */
  private double smtpSource(int port, int messages) throws Exception {
    long start = System.nanoTime();
    run("smtp-source", "-s", String.valueOf(sessions), "-m", String.valueOf(messages), "-l", String.valueOf(size),
        "-M", "mta1.senders.example", "-f", "load@senders.example", "-t", "rcpt@example.test", "127.0.0.1:" + port);
    return messages / ((System.nanoTime() - start) / 1e9);
  }

  private void record(String label, double rate) {
    LoadGenerator.Result result = new LoadGenerator.Result(label, rate, 0, 0, 0, 0, 0, Map.of(), 0);
    results.computeIfAbsent(label, k -> new ArrayList<>()).add(result);
    say(String.format("%s: %.0f msg/s (wall time of the timed batch)", label, rate));
  }

  private void sink() throws Exception {
    if (skipped("smtp-sink-ceiling")) {
      return;
    }
    Process sink = new ProcessBuilder("smtp-sink", "-u", "postfix", "127.0.0.1:" + SINK_PORT, "1000")
        .redirectErrorStream(true).redirectOutput(work.resolve("sink.log").toFile()).start();
    awaitListening(SINK_PORT, true);
    try {
      load("smtp-sink-ceiling", SINK_PORT);
    } finally {
      sink.destroy();
    }
  }

  private void load(String label, int port) throws Exception {
    LoadGenerator.Result result = LoadGenerator.run(label, new InetSocketAddress("127.0.0.1", port), sessions, warmup,
        measure, message, nextSource);
    nextSource += result.sourcesUsed() + 1000;
    results.computeIfAbsent(label, k -> new ArrayList<>()).add(result);
    say(result.line());
  }

  private void summary() {
    say("## medians");
    Map<String, Double> medians = new LinkedHashMap<>();
    results.forEach((label, runs) -> {
      double rate = median(runs.stream().mapToDouble(LoadGenerator.Result::rate).toArray());
      double p99 = median(runs.stream().mapToDouble(LoadGenerator.Result::p99).toArray());
      medians.put(label, rate);
      say(String.format("%-20s median %6.0f msg/s, median p99 %6.2f ms, runs %s", label, rate, p99,
          runs.stream().map(r -> String.format("%.0f", r.rate())).toList()));
    });
    if (medians.getOrDefault("postfix", 0.0) > 0 && medians.containsKey("portcullis-durable")) {
      say(String.format("ratio portcullis-durable / postfix = %.2f (fsync off: %.2f)",
          medians.get("portcullis-durable") / medians.get("postfix"),
          medians.getOrDefault("portcullis-nofsync", 0.0) / medians.get("postfix")));
    }
    if (medians.getOrDefault("postfix-auth", 0.0) > 0 && medians.containsKey("portcullis-durable")) {
      say(String.format("ratio portcullis-durable / postfix-auth (both authenticating: SPF, DKIM, DMARC) = %.2f",
          medians.get("portcullis-durable") / medians.get("postfix-auth")));
    }
    if (medians.getOrDefault("portcullis-auth-off", 0.0) > 0 && medians.containsKey("portcullis-durable")) {
      double off = medians.get("portcullis-auth-off");
      say(String.format("sender authentication (SPF, DKIM, DMARC) costs %.1f %% of the auth-off rate", 100 * (1
          - medians.get("portcullis-durable") / off)));
      if (medians.getOrDefault("portcullis-helo-spf-off", 0.0) > 0) {
        say(String.format("without the HELO identity %.1f %%", 100 * (1 - medians.get("portcullis-helo-spf-off") / off)));
      }
    }
    if (medians.getOrDefault("postfix-spamd", 0.0) > 0 && medians.containsKey("portcullis-spamd")) {
      say(String.format("ratio portcullis-spamd / postfix-spamd (both asking a spamd that answers in 70 ms) = %.2f",
          medians.get("portcullis-spamd") / medians.get("postfix-spamd")));
    }
    for (String hang : List.of("portcullis-spamd-hang", "portcullis-spamd-hang-nobreaker")) {
      if (results.containsKey(hang)) {
        say(String.format("%s (a spamd that never answers, scan.timeout-ms 10000): max end-of-DATA->reply %.0f ms",
            hang, results.get(hang).stream().mapToDouble(LoadGenerator.Result::max).max().orElse(0)));
      }
    }
    if (medians.getOrDefault("portcullis-durable", 0.0) > 0 && medians.containsKey("portcullis-diagnosing")) {
      say(String.format("5 diagnoses a second cost %.1f %% of portcullis-durable's rate",
          100 * (1 - medians.get("portcullis-diagnosing") / medians.get("portcullis-durable"))));
    }
    double relayed = medians.getOrDefault("portcullis-relay", 0.0);
    for (String verify : List.of("portcullis-verify-warm", "portcullis-verify-cold")) {
      if (relayed > 0 && medians.containsKey(verify)) {
        say(String.format("%s costs %.1f %% of portcullis-relay's rate", verify,
            100 * (1 - medians.get(verify) / relayed)));
      }
    }
    if (medians.getOrDefault("postfix/smtp-source", 0.0) > 0 && medians.containsKey("portcullis-durable/smtp-source")) {
      say(String.format("ratio with smtp-source: portcullis-durable / postfix = %.2f",
          medians.get("portcullis-durable/smtp-source") / medians.get("postfix/smtp-source")));
    }
  }

  private static double median(double[] values) {
    java.util.Arrays.sort(values);
    int n = values.length;
    return n == 0 ? 0 : n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
  }

  private void say(String line) {
    System.out.println(line);
    out.println(line);
  }

  private Process start(List<String> command, Path log, String readyText) throws Exception {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (System.nanoTime() < deadline) {
      if (Files.exists(log) && Files.readString(log).contains(readyText)) {
        return process;
      }
      if (!process.isAlive()) {
        break;
      }
      Thread.sleep(100);
    }
    process.destroyForcibly();
    throw new IllegalStateException("did not start: " + command + "\n" + Files.readString(log));
  }

  /** Waits (30 s at most) until 127.0.0.1:port takes connections, or no longer does. */
  private static void awaitListening(int port, boolean listening) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (System.nanoTime() < deadline) {
      boolean open;
      try (java.net.Socket s = new java.net.Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", port), 200);
        open = true;
      } catch (IOException e) {
        open = false;
      }
      if (open == listening) {
        return;
      }
      Thread.sleep(50);
    }
    throw new IllegalStateException("127.0.0.1:" + port + (listening ? " did not open" : " did not close"));
  }

  private static void run(String... command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (p.waitFor() != 0) {
      throw new IllegalStateException(String.join(" ", command) + " failed:\n" + output);
    }
  }

  private static String command(String... command) {
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "?";
    }
  }

  private static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (var walk = Files.walk(dir)) {
      for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
