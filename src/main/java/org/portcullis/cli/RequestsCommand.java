package org.portcullis.cli;

import java.io.IOException;
import java.time.Instant;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.portcullis.config.PortcullisConfig;
import org.portcullis.lists.EntryForm;
import org.portcullis.lists.ListEntry;
import org.portcullis.lists.WhitelistRequest;
import org.portcullis.lists.WhitelistRequests;
import org.portcullis.policy.checks.CheckCatalog;
import org.portcullis.store.Store;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine;

/** {@code portcullis requests ...}: whitelist requests from refused senders, reviewed by an operator. */
@Command(name = "requests", description = "Review whitelist requests: list, submit, approve, decline.",
    subcommands = {RequestsCommand.ListCommand.class, RequestsCommand.Submit.class, RequestsCommand.Approve.class,
        RequestsCommand.Decline.class})
final class RequestsCommand implements Runnable {

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "name a subcommand: list, submit, approve, decline");
  }

  /** Parses an approval's scope ({@code sender,recipient,ip}) and skipped checks, as the API does. */
  static Set<WhitelistRequests.Scope> scope(List<String> names) {
    Set<WhitelistRequests.Scope> scope = EnumSet.noneOf(WhitelistRequests.Scope.class);
    for (String name : names) {
      switch (name.strip().toLowerCase(Locale.ROOT)) {
        case "sender" -> scope.add(WhitelistRequests.Scope.SENDER);
        case "ip", "client" -> scope.add(WhitelistRequests.Scope.CLIENT);
        case "recipient" -> scope.add(WhitelistRequests.Scope.RECIPIENT);
        default -> throw new IllegalArgumentException("match: \"" + CliText.printable(name)
            + "\" is not sender, ip or recipient");
      }
    }
    return scope;
  }

  /** Checks an approval's skipped check names, as an allow entry's. */
  static Set<String> skip(List<String> names) {
    return EntryForm.skips(names, new LinkedHashSet<>(CheckCatalog.names()));
  }

  @Command(name = "list", description = "List requests, newest first.")
  static final class ListCommand extends StoreCommand {
    @Option(names = "--status", description = "pending, approved, declined or all (default pending).")
    String status = "pending";

    @Option(names = "--json", description = "JSON instead of text.")
    boolean json;

    @Override
    int run(Store store, PortcullisConfig loaded) throws IOException {
      Optional<WhitelistRequest.Status> filter;
      try {
        filter = status.equals("all") ? Optional.empty()
            : Optional.of(WhitelistRequest.Status.valueOf(status.toUpperCase(Locale.ROOT)));
      } catch (IllegalArgumentException e) {
        throw new CliException(2, "unknown status \"" + CliText.printable(status)
            + "\"; use pending, approved, declined or all");
      }
      List<WhitelistRequest> found = services().requests().list(filter, 1000);
      if (json) {
        out().println(ListsCommand.JSON.writeValueAsString(found.stream().map(WhitelistRequest::toMap).toList()));
        return 0;
      }
      for (WhitelistRequest r : found) {
        out().println("#" + r.id() + "  " + r.status().label() + "  " + CliText.TIME.format(r.created()));
        out().println("    from " + r.email() + " [" + r.clientIp() + "] to " + r.recipient());
        out().println("    reason: " + CliText.printable(r.reason().replace('\n', ' ')));
        r.message().filter(m -> !m.isEmpty()).ifPresent(m -> out().println("    answer: " + CliText.printable(m)));
        r.entryId().ifPresent(id -> out().println("    allow entry " + id));
      }
      out().println(found.size() + " request(s)");
      return 0;
    }
  }

  @Command(name = "submit", description = "Submit a request on a sender's behalf.")
  static final class Submit extends StoreCommand {
    @Option(names = "--email", required = true, description = "The sender's address.")
    String email;

    @Option(names = "--ip", required = true, description = "The IP address the sender's mail comes from.")
    String ip;

    @Option(names = "--recipient", required = true, description = "The address they were writing to.")
    String recipient;

    @Option(names = "--reason", required = true, description = "Why they should be whitelisted.")
    String reason;

    @Override
    int run(Store store, PortcullisConfig loaded) {
      try {
        WhitelistRequest r = services().requests().submit(email, ip, recipient, reason);
        out().println("request " + r.id() + " waits for review");
        return 0;
      } catch (IllegalArgumentException e) {
        throw new CliException(2, e.getMessage());
      }
    }
  }

  @Command(name = "approve", description = "Approve a request: an allow entry is made, matching what --match names.")
  static final class Approve extends StoreCommand {
    @Parameters(paramLabel = "ID")
    long id;

    @Option(names = "--match", split = ",", description = "What the entry matches: sender, ip, recipient "
        + "(default sender,recipient; sender or ip is required).")
    List<String> match = List.of("sender", "recipient");

    @Option(names = "--skip", split = ",", description = "Checks the entry skips, or all (default all).")
    List<String> skip = List.of();

    @Option(names = "--expires", description = "30d, 12h, 2026-12-31 ...; default never.")
    String expires;

    @Option(names = "--message", description = "A message for the sender.")
    String message = "";

    @Override
    int run(Store store, PortcullisConfig loaded) {
      Optional<ListEntry> entry;
      try {
        Instant now = Instant.now();
        entry = services().requests().approve(id, scope(match), skip(skip),
            Optional.ofNullable(expires).map(e -> EntryForm.expiry(e, now)), CliText.text(message, "--message"));
      } catch (IllegalArgumentException e) {
        throw new CliException(2, e.getMessage());
      }
      if (entry.isEmpty()) {
        throw new CliException(1, "no pending request " + id);
      }
      out().println("request " + id + " approved: allow entry " + entry.get().id() + " (" + entry.get().criteria() + ")");
      return 0;
    }
  }

  @Command(name = "decline", description = "Decline a request with a message for the sender.")
  static final class Decline extends StoreCommand {
    @Parameters(paramLabel = "ID")
    long id;

    @Option(names = "--message", required = true, description = "Why, for the sender.")
    String message;

    @Override
    int run(Store store, PortcullisConfig loaded) {
      try {
        if (!services().requests().decline(id, CliText.text(message, "--message"))) {
          throw new CliException(1, "no pending request " + id);
        }
      } catch (IllegalArgumentException e) {
        throw new CliException(2, e.getMessage());
      }
      out().println("request " + id + " declined");
      return 0;
    }
  }
}
