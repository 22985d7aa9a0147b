package org.portcullis.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.portcullis.app.Policies;
import org.portcullis.config.ConfigLoader;
import org.portcullis.config.PortcullisConfig;
import org.portcullis.testing.FakeSession;
import org.portcullis.testing.TestGateway;

/**
 * Transcript tests for the chain (STYLE rule 10): each file under {@code transcripts/} is a
 * policy-test script with the expected replies indented under each line. The script runs
 * through the real engine built from the test configuration (plus the file's {@code #config}
 * lines), with static DNS; references are masked. Adding a check means adding lines here.
 */
class TranscriptTest {

  @TempDir
  Path data;

  static Stream<String> transcripts() throws IOException {
    try (Stream<Path> files = Files.list(Path.of("src/test/resources/transcripts"))) {
      return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".txt")).sorted().toList().stream();
    }
  }

  @ParameterizedTest
  @MethodSource("transcripts")
  void transcriptRepliesMatch(String name) throws IOException {
    List<String> file = Files.readAllLines(Path.of("src/test/resources/transcripts", name), StandardCharsets.UTF_8);
    String script = file.stream().filter(l -> !l.startsWith("  ")).collect(Collectors.joining("\n"));
    String expected = file.stream().filter(l -> !l.isBlank() && !l.startsWith("#")).map(TranscriptTest::mask)
        .collect(Collectors.joining("\n"));

    // "#config key = value" lines add settings to the test configuration for this transcript.
    String[] settings = file.stream().filter(l -> l.startsWith("#config ")).map(l -> l.substring(8)).toArray(String[]::new);
    PortcullisConfig config = ConfigLoader.parse(TestGateway.toml(data, "127.0.0.1:9", settings));
    MemoryRefusalLog log = new MemoryRefusalLog();
    StringWriter out = new StringWriter();
    PolicyScript runner = new PolicyScript(dns -> Policies.engine(config, dns, log, FakeSession.CLOCK), Optional.empty(),
        log, new PrintWriter(out), false);
    int problems = runner.run(new BufferedReader(new StringReader(script)));

    String actual = out.toString().lines().map(TranscriptTest::mask).collect(Collectors.joining("\n"));
    Files.createDirectories(Path.of("target/transcripts"));
    Files.writeString(Path.of("target/transcripts", name), out.toString());
    assertThat(problems).as("script lines that could not run").isZero();
    assertThat(actual).as("replies of " + name).isEqualTo(expected);
  }

  private static String mask(String line) {
    return line.replaceAll("; see \\S+/ref/[0-9A-Z]{16}", "; ref=*").replaceAll("ref=[0-9A-Z]{16}", "ref=*");
  }
}
