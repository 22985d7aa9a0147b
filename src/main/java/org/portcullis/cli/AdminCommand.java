package org.portcullis.cli;

import java.time.Clock;
import org.portcullis.access.AdminUsers;
import org.portcullis.access.ApiTokenStore;
import org.portcullis.access.ApiTokens;
import org.portcullis.config.PortcullisConfig;
import org.portcullis.store.Store;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine;

/** {@code portcullis admin ...}: API tokens (and, with the portal, admin users). */
@Command(name = "admin", description = "Administration: API tokens for /api/, users of the admin pages.",
    subcommands = {AdminCommand.AddToken.class, AdminCommand.ListTokens.class, AdminCommand.RemoveToken.class,
        AdminCommand.AddUser.class, AdminCommand.Passwd.class, AdminCommand.ListUsers.class,
        AdminCommand.RemoveUser.class})
final class AdminCommand implements Runnable {


  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "name a subcommand: add-token, list-tokens, "
        + "remove-token, add-user, passwd, list-users, remove-user");
  }

  abstract static class Base extends StoreCommand {
    @Override
    int run(Store store, PortcullisConfig loaded) {
      return run(new ApiTokens(store.apiTokens(), Clock.systemUTC()));
    }

    abstract int run(ApiTokens tokens);
  }

  @Command(name = "add-token", description = "Create an API token; it is printed once and kept only as a hash.")
  static final class AddToken extends Base {
    @Parameters(paramLabel = "NAME", description = "What the token is for, e.g. abuse-desk.")
    String name;

    @CommandLine.Option(names = "--scope", required = true, paramLabel = "SCOPE[,SCOPE]",
        description = "What it may do: report (evidence, false-positive reports, lookups), lists (allow and deny "
            + "entries, whitelists, whitelist requests), blocklist (all of /api/blocklist/), admin (everything).")
    String scope;

    @Override
    int run(ApiTokens tokens) {
      try {
        java.util.Set<org.portcullis.access.ApiScope> scopes = org.portcullis.access.ApiScope.parse(scope);
        if (scopes.contains(org.portcullis.access.ApiScope.TENANT)) {
          throw new CliException(2, "tenant tokens are made with portcullis tenant add-token NAME");
        }
        String token = tokens.create(name, scopes);
        spec.commandLine().getOut().println(token);
        spec.commandLine().getErr().println("API token " + name + " created; it is not shown again. Use it as "
            + "'Authorization: Bearer <token>'.");
        return 0;
      } catch (IllegalArgumentException e) {
        throw new CliException(2, e.getMessage());
      }
    }
  }

  @Command(name = "list-tokens", description = "List API tokens (names and use, never the tokens).")
  static final class ListTokens extends Base {
    @Override
    int run(ApiTokens tokens) {
      var out = spec.commandLine().getOut();
      out.printf("%-24s %-22s %-18s %s%n", "NAME", "SCOPES", "CREATED", "LAST USED");
      for (ApiTokenStore.Entry e : tokens.list()) {
        out.printf("%-24s %-22s %-18s %s%n", e.name(), org.portcullis.access.ApiScope.text(e.scopes()),
            CliText.TIME.format(e.created()), e.lastUsed().map(CliText.TIME::format).orElse("never"));
      }
      return 0;
    }
  }

  @Command(name = "remove-token", description = "Remove an API token; requests with it are refused at once.")
  static final class RemoveToken extends Base {
    @Parameters(paramLabel = "NAME")
    String name;

    @Override
    int run(ApiTokens tokens) {
      if (!tokens.remove(name)) {
        throw new CliException(1, "no API token named " + CliText.printable(name));
      }
      spec.commandLine().getOut().println("removed " + name);
      return 0;
    }
  }

  /** What the user commands share: the store as {@link AdminUsers}, and reading a password. */
  abstract static class UserBase extends StoreCommand {
    @Override
    int run(Store store, PortcullisConfig loaded) throws java.io.IOException {
      try {
        return run(new AdminUsers(store.adminUsers(), Clock.systemUTC()));
      } catch (IllegalArgumentException e) {
        throw new CliException(2, e.getMessage());
      }
    }

    abstract int run(AdminUsers users) throws java.io.IOException;

    String password() throws java.io.IOException {
      return PasswordInput.read();
    }
  }

  @Command(name = "add-user", description = "Create a user of the admin pages; the password is read from the terminal "
      + "or the first line of standard input.")
  static final class AddUser extends UserBase {
    @Parameters(paramLabel = "NAME")
    String name;

    @Override
    int run(AdminUsers users) throws java.io.IOException {
      AdminUsers.checkName(name); // before asking for a password
      users.create(name, password());
      out().println("admin user " + name + " created");
      return 0;
    }
  }

  @Command(name = "passwd", description = "Change an admin user's password (read as for add-user).")
  static final class Passwd extends UserBase {
    @Parameters(paramLabel = "NAME")
    String name;

    @Override
    int run(AdminUsers users) throws java.io.IOException {
      users.changePassword(name, password());
      out().println("password of " + name + " changed");
      return 0;
    }
  }

  @Command(name = "list-users", description = "List admin users.")
  static final class ListUsers extends UserBase {
    @Override
    int run(AdminUsers users) {
      for (var u : users.list()) {
        out().printf("%-24s created %s%n", u.name(), CliText.TIME.format(u.created()));
      }
      return 0;
    }
  }

  @Command(name = "remove-user", description = "Remove an admin user.")
  static final class RemoveUser extends UserBase {
    @Parameters(paramLabel = "NAME")
    String name;

    @Override
    int run(AdminUsers users) {
      if (!users.remove(name)) {
        throw new CliException(1, "no user " + name);
      }
      out().println("removed " + name);
      return 0;
    }
  }
}
