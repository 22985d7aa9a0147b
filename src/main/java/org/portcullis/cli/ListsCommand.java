package org.portcullis.cli;

import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import org.portcullis.config.PortcullisConfig;
import org.portcullis.lists.EntryForm;
import org.portcullis.lists.ListEntry;
import org.portcullis.policy.checks.CheckCatalog;
import org.portcullis.store.Store;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code portcullis lists ...}: the allow and deny lists. Works on the store directly, beside a
 * running server, which applies changes within a second.
 */
@Command(name = "lists", description = "Manage the allow and deny lists: list, allow, deny, remove.",
    subcommands = {ListsCommand.ListCommand.class, ListsCommand.Allow.class, ListsCommand.Deny.class,
        ListsCommand.Remove.class})
final class ListsCommand implements Runnable {

  static final JsonMapper JSON = JsonMapper.builder().build();

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "name a subcommand: list, allow, deny, remove");
  }

  @Command(name = "list", description = "List the entries (active ones; --all for expired ones too).")
  static final class ListCommand extends StoreCommand {
    @Option(names = "--all", description = "Include expired entries.")
    boolean all;

    @Option(names = "--json", description = "JSON instead of a table.")
    boolean json;

    @Override
    int run(Store store, PortcullisConfig loaded) throws IOException {
      Instant now = Instant.now();
      List<ListEntry> entries = store.lists().entries().stream().filter(e -> all || e.active(now)).toList();
      if (json) {
        out().println(JSON.writeValueAsString(entries.stream().map(ListEntry::toMap).toList()));
        return 0;
      }
      out().printf("%-5s %-6s %-50s %-24s %-18s %s%n", "ID", "ACTION", "MATCHES", "SKIPS / REPLY", "EXPIRES", "NOTE");
      for (ListEntry e : entries) {
        String what = e.action() == ListEntry.Action.ALLOW ? String.join(",", new java.util.TreeSet<>(e.skip()))
            : e.reply().map(r -> "\"" + r + "\"").orElse("(standard reply)");
        out().printf("%-5d %-6s %-50s %-24s %-18s %s%n", e.id(), e.action().label(), e.criteria(), what,
            e.expires().map(CliText.TIME::format).orElse("never") + (e.active(now) ? "" : " (expired)"),
            CliText.printable(e.note()));
      }
      out().println(entries.size() + " entr" + (entries.size() == 1 ? "y" : "ies"));
      return 0;
    }
  }

  /** The criteria and extras both kinds of entry take. */
  abstract static class Add extends StoreCommand {
    @Option(names = "--client", paramLabel = "CIDR", description = "Client address or network, e.g. 192.0.2.0/24.")
    String client;

    @Option(names = "--sender", paramLabel = "PATTERN", description = "Sender address, domain, or .domain (with subdomains).")
    String sender;

    @Option(names = "--recipient", paramLabel = "PATTERN", description = "Recipient address, domain, or .domain.")
    String recipient;

    @Option(names = "--helo", paramLabel = "NAME", description = "HELO name, domain, or .domain.")
    String helo;

    @Option(names = "--expires", paramLabel = "WHEN", description = "30d, 12h, 90m, 2026-12-31 or an ISO time; default never.")
    String expires;

    @Option(names = "--note", paramLabel = "TEXT", description = "Why the entry exists.")
    String note;

    abstract ListEntry.Action action();

    List<String> skip() {
      return List.of();
    }

    Optional<String> reply() {
      return Optional.empty();
    }

    @Override
    int run(Store store, PortcullisConfig loaded) {
      EntryForm form = new EntryForm(action(), Optional.ofNullable(client), Optional.ofNullable(sender),
          Optional.ofNullable(recipient), Optional.ofNullable(helo), skip(), reply(), Optional.ofNullable(expires),
          Optional.ofNullable(note).map(n -> CliText.text(n, "--note")));
      ListEntry entry;
      try {
        entry = store.lists().add(form.toEntry(new LinkedHashSet<>(CheckCatalog.names()), Clock.systemUTC().instant()));
      } catch (IllegalArgumentException e) {
        throw new CliException(2, e.getMessage());
      }
      out().println(action().label() + " entry " + entry.id() + ": " + entry.criteria()
          + (entry.action() == ListEntry.Action.ALLOW ? "; skips " + String.join(",", new java.util.TreeSet<>(entry.skip()))
              : "; replies \"" + entry.reply().orElse("Access denied by this server's policy") + "\"")
          + entry.expires().map(at -> "; expires " + CliText.TIME.format(at)).orElse(""));
      return 0;
    }
  }

  @Command(name = "allow", description = "Add an allow entry: matching mail skips the named checks (never relay control or the deny list).")
  static final class Allow extends Add {
    @Option(names = "--skip", split = ",", paramLabel = "CHECK", description = "Checks to skip, comma-separated, or all (default all).")
    List<String> skip = List.of();

    @Override
    ListEntry.Action action() {
      return ListEntry.Action.ALLOW;
    }

    @Override
    List<String> skip() {
      return skip;
    }
  }

  @Command(name = "deny", description = "Add a deny entry: matching mail is refused with 554 5.7.1 and the reply text.")
  static final class Deny extends Add {
    @Option(names = "--reply", paramLabel = "TEXT", description = "The reply text (printable ASCII, at most 300 characters).")
    String reply;

    @Override
    ListEntry.Action action() {
      return ListEntry.Action.DENY;
    }

    @Override
    Optional<String> reply() {
      return Optional.ofNullable(reply);
    }
  }

  @Command(name = "remove", description = "Remove an entry by its id.")
  static final class Remove extends StoreCommand {
    @Parameters(paramLabel = "ID")
    long id;

    @Override
    int run(Store store, PortcullisConfig loaded) {
      if (!store.lists().remove(id)) {
        throw new CliException(1, "no entry " + id);
      }
      out().println("removed entry " + id);
      return 0;
    }
  }
}
