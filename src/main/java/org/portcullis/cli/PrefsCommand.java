package org.portcullis.cli;

import java.time.Instant;
import java.util.Optional;
import org.portcullis.config.PortcullisConfig;
import org.portcullis.policy.RecipientChoice;
import org.portcullis.policy.RejectAction;
import org.portcullis.store.Store;
import org.portcullis.verdicts.ChoiceRules;
import org.portcullis.verdicts.ChoiceStore;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code portcullis prefs ...}: what a tenant (one of our domains) or a mailbox chose for the
 * verdicts of per-recipient checks ({@code on-reject = "per-recipient"}). A running server applies a
 * change within a second.
 */
@Command(name = "prefs", description = "Recipients' choices for per-recipient checks (reject, tag, quarantine, "
    + "accept), per domain or mailbox: set, clear, show.",
    subcommands = {PrefsCommand.Set.class, PrefsCommand.Clear.class, PrefsCommand.Show.class})
final class PrefsCommand implements Runnable {

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "name a subcommand: set, clear, show");
  }

  /** --domain or --mailbox, exactly one. */
  static final class Scope {
    @Option(names = "--domain", required = true, description = "A domain of ours (the tenant).")
    String domain;

    @Option(names = "--mailbox", required = true, description = "A mailbox address of one of our domains.")
    String mailbox;

    String resolve(PortcullisConfig loaded) {
      try {
        return ChoiceRules.scope(mailbox != null ? mailbox : domain, loaded.mail().acceptedDomains());
      } catch (IllegalArgumentException e) {
        throw new CliException(2, e.getMessage());
      }
    }
  }

  static String check(String name) {
    try {
      return ChoiceRules.check(name);
    } catch (IllegalArgumentException e) {
      throw new CliException(2, e.getMessage());
    }
  }

  @Command(name = "set", description = "Set what a domain's or mailbox's mail gets when CHECK finds something.")
  static final class Set extends StoreCommand {
    @ArgGroup(exclusive = true, multiplicity = "1")
    Scope scope;

    @Option(names = "--check", required = true, description = "The check (its on-reject must be per-recipient).")
    String check;

    @Option(names = "--choice", required = true, description = "reject, tag, rewrite-subject, quarantine or accept.")
    String choice;

    @Override
    int run(Store store, PortcullisConfig loaded) {
      String where = scope.resolve(loaded);
      String name = check(check);
      RecipientChoice chosen;
      try {
        chosen = ChoiceRules.choice(choice);
      } catch (IllegalArgumentException e) {
        throw new CliException(2, e.getMessage());
      }
      store.choices().set(where, name, chosen, Instant.now());
      out().println(where + ": " + name + " -> " + chosen.label());
      if (loaded.policy().checks().get(name).onReject() != RejectAction.PER_RECIPIENT) {
        out().println("note: " + name + " is not per-recipient in the configuration (checks." + name
            + ".on-reject = \"per-recipient\"); until it is, this choice is kept but not used");
      }
      return 0;
    }
  }

  @Command(name = "clear", description = "Remove a choice: the domain's (or, for a domain, the default) applies.")
  static final class Clear extends StoreCommand {
    @ArgGroup(exclusive = true, multiplicity = "1")
    Scope scope;

    @Option(names = "--check", required = true, description = "The check.")
    String check;

    @Override
    int run(Store store, PortcullisConfig loaded) {
      String where = scope.resolve(loaded);
      String name = check(check);
      if (!store.choices().clear(where, name)) {
        throw new CliException(1, where + " has no choice for " + name);
      }
      out().println(where + ": " + name + " cleared");
      return 0;
    }
  }

  @Command(name = "show", description = "Every choice, or those of one domain or mailbox.")
  static final class Show extends StoreCommand {
    @ArgGroup(exclusive = true, multiplicity = "0..1")
    Scope scope;

    @Override
    int run(Store store, PortcullisConfig loaded) {
      Optional<String> only = scope == null ? Optional.empty() : Optional.of(scope.resolve(loaded));
      int n = 0;
      for (ChoiceStore.Row row : store.choices().all()) {
        if (only.isEmpty() || only.get().equals(row.scope())) {
          out().printf("%-40s %-22s %s%n", row.scope(), row.check(), row.choice().label());
          n++;
        }
      }
      out().println(n == 0 ? "no choices (per-recipient checks refuse, as by default)" : n + " choice(s)");
      for (var e : loaded.policy().checks().entrySet()) {
        if (e.getValue().onReject() == RejectAction.PER_RECIPIENT) {
          out().println("per-recipient check: " + e.getKey());
        }
      }
      return 0;
    }
  }
}
