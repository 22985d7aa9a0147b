package org.portcullis.cli;

import java.net.InetAddress;
import org.portcullis.blocklist.Blocklist;
import org.portcullis.blocklist.Category;
import org.portcullis.config.PortcullisConfig;
import org.portcullis.mail.Addresses;
import org.portcullis.mail.Cidr;
import org.portcullis.store.Store;
import picocli.CommandLine.Command;
import picocli.CommandLine;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code portcullis blocklist ...}: our own blocklist from the command line. Works on the store
 * directly, beside a running server (which picks changes up within a second).
 */
@Command(name = "blocklist", description = "Manage our own blocklist: list, show, add, remove, delist, report, export.",
    subcommands = {
        BlocklistListingCommands.ListCommand.class, BlocklistListingCommands.Show.class,
        BlocklistChangeCommands.Add.class, BlocklistChangeCommands.Remove.class,
        BlocklistChangeCommands.Delist.class, BlocklistChangeCommands.Report.class,
        BlocklistChangeCommands.Note.class, BlocklistFileCommands.Import.class,
        BlocklistFileCommands.Export.class, BlocklistReportCommands.Appeal.class,
        BlocklistReportCommands.Appeals.class, BlocklistReportCommands.Answer.class})
final class BlocklistCommand implements Runnable {

  /** JSON for the --json outputs. */
  static final JsonMapper JSON = JsonMapper.builder().build();

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "name a subcommand: list, show, add, remove, delist, "
        + "report, note, import, export, appeal, appeals, answer");
  }

  /** What every subcommand shares: the store as a {@link Blocklist}, the configuration, output. */
  abstract static class Base extends StoreCommand {
    PortcullisConfig loaded;

    @Override
    int run(Store store, PortcullisConfig loaded) throws Exception {
      this.loaded = loaded;
      return run(services().blocklist());
    }

    abstract int run(Blocklist blocklist) throws Exception;
  }

  /** The network, unless it is wider than the configured limit and {@code --force} was not given (exit 2). */
  static Cidr narrowEnough(Blocklist blocklist, Cidr network, boolean force) {
    if (!force) {
      blocklist.settings().tooWide(network).ifPresent(why -> {
        throw new CliException(2, why);
      });
    }
    return network;
  }

  static Cidr network(String text) {
    try {
      return Cidr.parse(text);
    } catch (IllegalArgumentException e) {
      throw new CliException(2, e.getMessage());
    }
  }

  static InetAddress address(String text) {
    return Addresses.parseLiteral(text.strip())
        .orElseThrow(() -> new CliException(2, "not an IP address: \"" + CliText.printable(text) + "\""));
  }

  static Category category(String label) {
    return Category.fromLabel(label).orElseThrow(() ->
        new CliException(2, "unknown category \"" + CliText.printable(label) + "\"; use spam-source, spam-trap, manual or report"));
  }
}
