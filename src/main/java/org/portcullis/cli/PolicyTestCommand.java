package org.portcullis.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import org.portcullis.app.Policies;
import org.portcullis.config.PortcullisConfig;
import org.portcullis.dns.DnsResolver;
import org.portcullis.policy.MemoryRefusalLog;
import org.portcullis.policy.PolicyScript;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code portcullis policy-test <script>}: run a transcript through the configured chain. */
@Command(name = "policy-test",
    description = {"Run a script of client/helo/mail/rcpt lines through the real policy chain and print the replies.",
        "See docs/operations.md for the script format. Nothing is recorded in the store."})
final class PolicyTestCommand implements java.util.concurrent.Callable<Integer> {

  private static final long SCRIPT_MAX = 16L * 1024 * 1024;

  @Mixin
  ConfigOption config;

  @Parameters(paramLabel = "SCRIPT", description = "The script file, or - for standard input.")
  String script;

  @Option(names = "--static-dns", description = "Answer DNS only from the script's dns lines (no network).")
  boolean staticDns;

  @Option(names = "--explain", description = "Print the facts, rule and fix under each refusal.")
  boolean explain;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    Logs.level("warn");
    PortcullisConfig c = config.load();
    MemoryRefusalLog refusals = new MemoryRefusalLog();
    Optional<DnsResolver> dns = staticDns ? Optional.empty() : Optional.of(org.portcullis.app.Gateway.resolverFor(c));
    PolicyScript runner = new PolicyScript(resolver -> Policies.engine(c, resolver, refusals, Clock.systemUTC(),
        new Policies.Features(Policies.dnsblLookups(c, resolver, Clock.systemUTC()), Optional.empty(), Optional.empty(),
            Optional.empty(), org.portcullis.policy.CheckModes.none()), ""), dns, refusals, spec.commandLine().getOut(),
        explain);
    int problems;
    if (script.equals("-")) {
      byte[] text = BoundedInput.read(System.in, SCRIPT_MAX, "the script on standard input", "16 MiB");
      problems = runner.run(new BufferedReader(new java.io.StringReader(new String(text, StandardCharsets.UTF_8))));
    } else {
      Path file = Path.of(script);
      if (!Files.exists(file)) {
        throw new CliException(2, "no such script file: " + script);
      }
      byte[] text = BoundedInput.read(file, SCRIPT_MAX, "16 MiB");
      problems = runner.run(new BufferedReader(new java.io.StringReader(new String(text, StandardCharsets.UTF_8))));
    }
    if (!refusals.all().isEmpty()) {
      spec.commandLine().getOut().println("# The references above belong to this run only: policy-test records nothing, "
          + "so portcullis why and /ref/ cannot find them" + (explain ? "." : "; add --explain to see each explanation."));
    }
    return problems == 0 ? 0 : 2;
  }
}
