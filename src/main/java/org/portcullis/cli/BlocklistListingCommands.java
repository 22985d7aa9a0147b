package org.portcullis.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.List;
import java.util.Optional;
import org.portcullis.blocklist.Blocklist;
import org.portcullis.blocklist.Evidence;
import org.portcullis.blocklist.Listing;
import org.portcullis.blocklist.ListingState;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * Reading our blocklist: {@code blocklist list} (by state, or counts) and {@code blocklist show} (the
 * listings covering an address, with evidence and notes).
 */
final class BlocklistListingCommands {

  private BlocklistListingCommands() {}

  static void table(PrintWriter out, List<Listing> listings) {
    out.printf("%-20s %-12s %-10s %-18s %-18s %s%n", "NETWORK", "CATEGORY", "STATE", "LAST EVIDENCE", "EXPIRES",
        "SELF-DELISTINGS");
    for (Listing l : listings) {
      out.printf("%-20s %-12s %-10s %-18s %-18s %d%n", l.network(), l.category().label(), l.state().label(),
          CliText.TIME.format(l.lastEvidence()), l.expires().map(CliText.TIME::format).orElse("-"), l.selfDelistings());
    }
  }

  static void details(PrintWriter out, Listing l, int limit) {
    out.println("Listing         " + l.network() + " (" + l.category().description() + ")");
    out.println("State           " + l.state().label() + (l.expires().isPresent() ? ", expires " + CliText.TIME.format(l.expires().get()) : ""));
    out.println("First listed    " + CliText.TIME.format(l.firstListed()));
    out.println("Last evidence   " + CliText.TIME.format(l.lastEvidence()));
    out.println("Self-delistings " + l.selfDelistings() + " of " + limit);
    out.println();
    out.println("Evidence (" + l.evidence().size() + ")");
    for (Evidence e : l.evidence()) {
      out.println("  " + CliText.TIME.format(e.at()) + "  " + e.source() + "  client " + e.clientAddress());
      for (String[] field : new String[][] {{"HELO", e.helo()}, {"MAIL FROM", e.sender()}, {"RCPT TO", e.recipients()},
          {"note", e.note()}}) {
        if (!field[1].isEmpty()) {
          out.println("      " + field[0] + ": " + CliText.printable(field[1]));
        }
      }
      for (String line : e.headers().split("\n")) {
        if (!line.isBlank()) {
          out.println("      | " + CliText.printable(line));
        }
      }
    }
    if (!l.notes().isEmpty()) {
      out.println();
      out.println("Notes");
      for (Listing.Note n : l.notes()) {
        out.println("  " + CliText.TIME.format(n.at()) + "  " + CliText.printable(n.author()) + ": " + CliText.printable(n.text()));
      }
    }
  }

  @Command(name = "list", description = "List listings, newest evidence first.")
  static final class ListCommand extends BlocklistCommand.Base {
    @Option(names = "--state", description = "listed, delisted, expired, permanent or all (default: listed).")
    String state = "listed";

    @Option(names = "--limit", description = "At most this many (default 100, at most 100000).")
    int limit = 100;

    @Option(names = "--json", description = "JSON instead of a table.")
    boolean json;

    @Override
    int run(Blocklist blocklist) throws IOException {
      if (limit < 1 || limit > 100_000) {
        throw new CliException(2, "--limit must be 1..100000");
      }
      Optional<ListingState> filter;
      try {
        filter = state.equals("all") ? Optional.empty() : Optional.of(ListingState.fromLabel(state));
      } catch (IllegalArgumentException e) {
        throw new CliException(2, "unknown state \"" + CliText.printable(state) + "\"; use listed, delisted, expired, permanent or all");
      }
      List<Listing> listings = blocklist.list(filter, limit, 0);
      if (json) {
        out().println(BlocklistCommand.JSON.writeValueAsString(listings.stream().map(l -> l.toMap(false)).toList()));
      } else {
        table(out(), listings);
        out().println(blocklist.counts().entrySet().stream()
            .map(e -> e.getValue() + " " + e.getKey().label()).reduce((a, b) -> a + ", " + b).orElse(""));
      }
      return 0;
    }
  }

  @Command(name = "show", description = "Show the listings covering an address (or of a network), with evidence.")
  static final class Show extends BlocklistCommand.Base {
    @Parameters(paramLabel = "ADDRESS|NETWORK")
    String target;

    @Option(names = "--json", description = "JSON instead of text.")
    boolean json;

    @Override
    int run(Blocklist blocklist) throws IOException {
      List<Listing> found = target.contains("/") ? blocklist.find(BlocklistCommand.network(target)).map(List::of).orElse(List.of())
          : blocklist.history(BlocklistCommand.address(target));
      if (json) {
        out().println(BlocklistCommand.JSON.writeValueAsString(found.stream().map(l -> l.toMap(true)).toList()));
        return found.isEmpty() ? 1 : 0;
      }
      if (found.isEmpty()) {
        out().println(CliText.printable(target) + " is not listed and never was.");
        return 1;
      }
      for (Listing l : found) {
        details(out(), l, blocklist.settings().selfServiceLimit());
        out().println();
      }
      return 0;
    }
  }
}
