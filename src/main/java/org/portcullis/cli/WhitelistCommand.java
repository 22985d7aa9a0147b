package org.portcullis.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.portcullis.config.PortcullisConfig;
import org.portcullis.lists.AddressBook;
import org.portcullis.lists.Whitelists;
import org.portcullis.store.Store;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine;

/**
 * {@code portcullis whitelist ...}: recipients' whitelists (address books whose senders skip checks). An OWNER is a recipient
 * mailbox or a whole recipient domain; a SENDER is an address or a whole domain.
 */
@Command(name = "whitelist", description = "Manage recipients' whitelists: import an address book, add, list, remove.",
    subcommands = {WhitelistCommand.Import.class, WhitelistCommand.Add.class, WhitelistCommand.ListCommand.class,
        WhitelistCommand.Remove.class})
final class WhitelistCommand implements Runnable {

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "name a subcommand: import, add, list, remove");
  }

  static void report(java.io.PrintWriter out, Whitelists.Report r) {
    out.printf("read %d, added %d, duplicates %d, rejected %d%n", r.read(), r.added(), r.duplicates(), r.rejected().size());
    for (AddressBook.Rejected rejected : r.rejected()) {
      out.println("  line " + rejected.line() + ": \"" + CliText.printable(rejected.text()) + "\": "
          + CliText.printable(rejected.reason()));
    }
  }

  @Command(name = "import", description = "Import an address book (Outlook or Google CSV, vCard, or one address per line).")
  static final class Import extends StoreCommand {
    @Parameters(index = "0", paramLabel = "OWNER")
    String owner;

    @Parameters(index = "1", paramLabel = "FILE")
    Path file;

    @Override
    int run(Store store, PortcullisConfig loaded) throws IOException {
      long max = loaded.lists().importMaxBytes();
      byte[] content = BoundedInput.read(file, max, "lists.import-max-bytes");
      try {
        Whitelists.Report r = services().whitelists().importBook(owner, content, max, "import " + file.getFileName());
        out().println("whitelist of " + AddressBook.owner(owner) + ": " + r.format().name().toLowerCase(java.util.Locale.ROOT)
            + " file " + file.getFileName());
        report(out(), r);
        return 0;
      } catch (AddressBook.MalformedAddressBook e) {
        throw new CliException(1, file + ": " + e.getMessage() + "; nothing imported");
      } catch (IllegalArgumentException e) {
        throw new CliException(2, "OWNER: " + e.getMessage());
      }
    }
  }

  @Command(name = "add", description = "Add senders (addresses or domains) to a whitelist.")
  static final class Add extends StoreCommand {
    @Parameters(index = "0", paramLabel = "OWNER")
    String owner;

    @Parameters(index = "1..*", paramLabel = "SENDER")
    List<String> senders;

    @Override
    int run(Store store, PortcullisConfig loaded) {
      try {
        report(out(), services().whitelists().add(owner, senders, "cli"));
        return 0;
      } catch (IllegalArgumentException e) {
        throw new CliException(2, e.getMessage() + "; nothing added");
      }
    }
  }

  @Command(name = "list", description = "List a whitelist.")
  static final class ListCommand extends StoreCommand {
    @Parameters(paramLabel = "OWNER")
    String owner;

    @Override
    int run(Store store, PortcullisConfig loaded) {
      try {
        List<String> senders = services().whitelists().list(owner);
        senders.forEach(out()::println);
        out().println(senders.size() + " sender(s)");
        return 0;
      } catch (IllegalArgumentException e) {
        throw new CliException(2, "OWNER: " + e.getMessage());
      }
    }
  }

  @Command(name = "remove", description = "Remove a sender from a whitelist.")
  static final class Remove extends StoreCommand {
    @Parameters(index = "0", paramLabel = "OWNER")
    String owner;

    @Parameters(index = "1", paramLabel = "SENDER")
    String sender;

    @Override
    int run(Store store, PortcullisConfig loaded) {
      try {
        if (!services().whitelists().remove(owner, sender)) {
          throw new CliException(1, CliText.printable(sender) + " is not on that whitelist");
        }
      } catch (IllegalArgumentException e) {
        throw new CliException(2, e.getMessage());
      }
      out().println("removed");
      return 0;
    }
  }
}
