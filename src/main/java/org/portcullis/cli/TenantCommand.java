package org.portcullis.cli;

import java.time.Clock;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import org.portcullis.access.ApiScope;
import org.portcullis.access.ApiTokens;
import org.portcullis.config.PortcullisConfig;
import org.portcullis.store.Store;
import org.portcullis.tenant.TenantAdmin;
import org.portcullis.tenant.TenantAdmins;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code portcullis tenant ...}: tenant administrators, who manage their own domains at {@code /tenant/}. */
@Command(name = "tenant", description = "Tenant administrators: users bound to domains of ours who manage them at "
    + "/tenant/ (whitelists, address books, choices, quarantine, refusals, whitelist requests).",
    subcommands = {TenantCommand.Add.class, TenantCommand.Change.class, TenantCommand.Passwd.class,
        TenantCommand.ListAll.class, TenantCommand.Remove.class, TenantCommand.AddToken.class})
final class TenantCommand implements Runnable {

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "name a subcommand: add, change, passwd, list, "
        + "remove, add-token");
  }

  abstract static class Base extends StoreCommand {
    @Override
    int run(Store store, PortcullisConfig loaded) throws java.io.IOException {
      try {
        return run(new TenantAdmins(store.tenantUsers(), store.tenants(), loaded.mail().acceptedDomains(),
            Clock.systemUTC()), store);
      } catch (IllegalArgumentException e) {
        throw new CliException(2, e.getMessage());
      }
    }

    abstract int run(TenantAdmins tenants, Store store) throws java.io.IOException;

    String describe(TenantAdmin a) {
      return a.name() + ": " + String.join(", ", a.domainList()) + (a.answersRequests()
          ? "; answers its recipients' whitelist requests" : "");
    }
  }

  @Command(name = "add", description = "Create a tenant administrator; the password is read from the terminal or the "
      + "first line of standard input.")
  static final class Add extends Base {
    @Parameters(paramLabel = "NAME")
    String name;

    @Option(names = "--domain", required = true, paramLabel = "DOMAIN",
        description = "A domain of ours it manages (mail.accepted-domains); repeat for more.")
    List<String> domains;

    @Option(names = "--answer-requests", description = "Let it approve and decline the whitelist requests addressed "
        + "to its recipients (otherwise it sees them and the operator answers).")
    boolean answers;

    @Override
    int run(TenantAdmins tenants, Store store) throws java.io.IOException {
      org.portcullis.access.AdminUsers.checkName(name); // before asking for a password
      TenantAdmin a = tenants.create(name, PasswordInput.read(), new LinkedHashSet<>(domains), answers);
      out().println("tenant administrator " + describe(a));
      return 0;
    }
  }

  @Command(name = "change", description = "Change a tenant administrator's domains or delegation; applies at once.")
  static final class Change extends Base {
    @Parameters(paramLabel = "NAME")
    String name;

    @Option(names = "--domain", paramLabel = "DOMAIN", description = "Its domains from now on (replaces them); repeat.")
    List<String> domains;

    @Option(names = "--answer-requests", arity = "1", paramLabel = "true|false",
        description = "Whether it answers its recipients' whitelist requests.")
    Boolean answers;

    @Override
    int run(TenantAdmins tenants, Store store) {
      TenantAdmin a = tenants.change(name, Optional.ofNullable(domains).map(LinkedHashSet::new),
          Optional.ofNullable(answers));
      out().println("tenant administrator " + describe(a));
      return 0;
    }
  }

  @Command(name = "passwd", description = "Change a tenant administrator's password (read as for add).")
  static final class Passwd extends Base {
    @Parameters(paramLabel = "NAME")
    String name;

    @Override
    int run(TenantAdmins tenants, Store store) throws java.io.IOException {
      if (tenants.find(name).isEmpty()) {
        throw new CliException(1, "no tenant administrator " + CliText.printable(name));
      }
      tenants.changePassword(name, PasswordInput.read());
      out().println("password of " + name + " changed");
      return 0;
    }
  }

  @Command(name = "list", description = "List tenant administrators and their domains.")
  static final class ListAll extends Base {
    @Override
    int run(TenantAdmins tenants, Store store) {
      for (TenantAdmin a : tenants.list()) {
        out().println(describe(a));
      }
      return 0;
    }
  }

  @Command(name = "remove", description = "Remove a tenant administrator and its API token; its sessions end at once.")
  static final class Remove extends Base {
    @Parameters(paramLabel = "NAME")
    String name;

    @Override
    int run(TenantAdmins tenants, Store store) {
      if (!tenants.remove(name)) {
        throw new CliException(1, "no tenant administrator " + CliText.printable(name));
      }
      new ApiTokens(store.apiTokens(), Clock.systemUTC()).remove(TenantAdmins.TOKEN_PREFIX + name);
      out().println("removed " + name);
      return 0;
    }
  }

  @Command(name = "add-token", description = "Create the tenant administrator's API token (for /api/tenant/, its "
      + "domains only); printed once.")
  static final class AddToken extends Base {
    @Parameters(paramLabel = "NAME")
    String name;

    @Override
    int run(TenantAdmins tenants, Store store) {
      if (tenants.find(name).isEmpty()) {
        throw new CliException(1, "no tenant administrator " + CliText.printable(name));
      }
      String token = new ApiTokens(store.apiTokens(), Clock.systemUTC()).create(TenantAdmins.TOKEN_PREFIX + name,
          java.util.EnumSet.of(ApiScope.TENANT));
      out().println(token);
      spec.commandLine().getErr().println("API token " + TenantAdmins.TOKEN_PREFIX + name + " created; it is not shown "
          + "again. It reaches /api/tenant/ only, for " + name + "'s domains.");
      return 0;
    }
  }
}
