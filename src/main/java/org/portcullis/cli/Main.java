package org.portcullis.cli;

import java.io.PrintWriter;
import org.portcullis.config.ConfigException;
import picocli.CommandLine.Command;
import picocli.CommandLine;

/** {@code portcullis}: the command line. */
@Command(name = "portcullis", mixinStandardHelpOptions = true, versionProvider = VersionCommand.Provider.class,
    // Inherited by every command and subcommand: --help and -V work anywhere, and every usage
    // text ends with the exit codes.
    scope = CommandLine.ScopeType.INHERIT,
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:done", "1:not found, refused, or it failed (the message says why)",
        "2:bad usage, bad input or a configuration error; nothing was changed"},
    description = "SMTP anti-spam gateway that explains every refusal.",
    subcommands = {ServeCommand.class, CheckConfigCommand.class, WhyCommand.class, PolicyTestCommand.class,
        BlocklistCommand.class, ListsCommand.class, WhitelistCommand.class, RequestsCommand.class, AdminCommand.class,
        UserCommand.class, MailboxCommand.class, DkimCommand.class, DmarcCommand.class, QueueCommand.class, QuarantineCommand.class, PrefsCommand.class, TenantCommand.class, DiagnoseCommand.class, VerifyCommand.class, PoolCommand.class, VersionCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  public static void main(String[] args) {
    System.exit(execute(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
  }

  /** Runs a command line; returns the exit code (0 ok, 1 not found or failed, 2 usage or configuration error). */
  public static int execute(String[] args, PrintWriter out, PrintWriter err) {
    CommandLine cli = new CommandLine(new Main());
    cli.setOut(out);
    cli.setErr(err);
    cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
      if (e instanceof ConfigException config) {
        commandLine.getErr().println("portcullis: configuration error: " + config.getMessage());
        return 2;
      }
      if (e instanceof CliException problem) {
        commandLine.getErr().println("portcullis: " + problem.getMessage());
        return problem.exitCode();
      }
      if (e instanceof java.io.IOException || e instanceof org.portcullis.store.StoreException) {
        // Start-up failures (a port in use, an unreadable store) explain themselves.
        commandLine.getErr().println("portcullis: " + e.getMessage());
        return 1;
      }
      commandLine.getErr().println("portcullis: " + e);
      return 1;
    });
    return cli.execute(args);
  }
}
