package org.portcullis.cli;

import java.io.IOException;
import java.time.Clock;
import java.util.List;
import org.portcullis.config.PortcullisConfig;
import org.portcullis.store.Store;
import org.portcullis.submission.MailUser;
import org.portcullis.submission.MailUsers;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code portcullis user ...}: the users who send mail through the submission listener. */
@Command(name = "user", description = "Users of the submission listener (SMTP AUTH on port 587): add, passwd, "
    + "senders, remove, list.",
    subcommands = {UserCommand.Add.class, UserCommand.Passwd.class, UserCommand.Senders.class, UserCommand.Remove.class,
        UserCommand.ListUsers.class})
final class UserCommand implements Runnable {


  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "name a subcommand: add, passwd, senders, remove, list");
  }

  /** What every subcommand shares: the store as {@link MailUsers}; bad input is exit status 2. */
  abstract static class Base extends StoreCommand {
    @Override
    int run(Store store, PortcullisConfig loaded) throws IOException {
      try {
        return run(new MailUsers(store.mailUsers(), Clock.systemUTC()));
      } catch (IllegalArgumentException e) {
        throw new CliException(2, e.getMessage());
      }
    }

    abstract int run(MailUsers users) throws IOException;
  }

  /** The options that say what a user may send as. */
  static final class SenderOptions {
    @Option(names = "--sender", paramLabel = "ADDRESS|@DOMAIN",
        description = "An address, or @domain for a whole domain, the user may use as MAIL FROM besides the login "
            + "itself (repeatable).")
    List<String> senders = List.of();

    @Option(names = "--any-sender", description = "May send as anyone (a trusted application; use sparingly).")
    boolean anySender;
  }

  @Command(name = "add", description = "Add a user; the password is read from the terminal or the first line of "
      + "standard input. A login that is an address may send as that address.")
  static final class Add extends Base {
    @Parameters(paramLabel = "LOGIN", description = "Usually the user's address, e.g. alice@example.test.")
    String name;

    @CommandLine.ArgGroup(exclusive = false)
    SenderOptions options = new SenderOptions();

    @Override
    int run(MailUsers users) throws IOException {
      if (users.find(name).isPresent()) {
        throw new CliException(2, "there is already a user " + CliText.printable(name));
      }
      MailUser user = users.create(name, PasswordInput.read(), options.senders, options.anySender);
      out().println("user " + user.name() + " added; may send as " + String.join(", ", user.ownedSenders()));
      return 0;
    }
  }

  @Command(name = "passwd", description = "Change a user's password (read as for add).")
  static final class Passwd extends Base {
    @Parameters(paramLabel = "LOGIN")
    String name;

    @Override
    int run(MailUsers users) throws IOException {
      if (users.find(name).isEmpty()) {
        throw new CliException(1, "no user " + CliText.printable(name));
      }
      users.changePassword(name, PasswordInput.read());
      out().println("password of " + name + " changed");
      return 0;
    }
  }

  @Command(name = "senders", description = "Replace what a user may send as (besides the login address).")
  static final class Senders extends Base {
    @Parameters(paramLabel = "LOGIN")
    String name;

    @CommandLine.ArgGroup(exclusive = false)
    SenderOptions options = new SenderOptions();

    @Override
    int run(MailUsers users) {
      users.changeSenders(name, options.senders, options.anySender);
      out().println("user " + name + " may send as " + String.join(", ", users.find(name).orElseThrow().ownedSenders()));
      return 0;
    }
  }

  @Command(name = "remove", description = "Remove a user; their next login fails.")
  static final class Remove extends Base {
    @Parameters(paramLabel = "LOGIN")
    String name;

    @Override
    int run(MailUsers users) {
      if (!users.remove(name)) {
        throw new CliException(1, "no user " + CliText.printable(name));
      }
      out().println("removed " + name);
      return 0;
    }
  }

  @Command(name = "list", description = "List users and what each may send as.")
  static final class ListUsers extends Base {
    @Override
    int run(MailUsers users) {
      out().printf("%-32s %-18s %s%n", "LOGIN", "CREATED", "MAY SEND AS");
      for (MailUser u : users.list()) {
        out().printf("%-32s %-18s %s%n", u.name(), CliText.TIME.format(u.created()),
            u.ownedSenders().isEmpty() ? "(no one)" : String.join(", ", u.ownedSenders()));
      }
      return 0;
    }
  }
}
