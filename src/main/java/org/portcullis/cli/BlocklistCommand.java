package org.portcullis.cli;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.portcullis.blocklist.Blocklist;
import org.portcullis.blocklist.Category;
import org.portcullis.blocklist.Evidence;
import org.portcullis.blocklist.FalsePositiveReport;
import org.portcullis.blocklist.HeaderExcerpt;
import org.portcullis.blocklist.Listing;
import org.portcullis.blocklist.ListingIndex;
import org.portcullis.blocklist.ListingRules;
import org.portcullis.blocklist.ListingState;
import org.portcullis.blocklist.LiveListings;
import org.portcullis.blocklist.RbldnsdExport;
import org.portcullis.config.PortcullisConfig;
import org.portcullis.mail.Addresses;
import org.portcullis.mail.Cidr;
import org.portcullis.store.Store;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code portcullis blocklist ...}: our own blocklist from the command line. Works on the store
 * directly, beside a running server (which picks changes up within a second).
 */
@Command(name = "blocklist", description = "Manage our own blocklist: list, show, add, remove, delist, report, export.",
    subcommands = {BlocklistCommand.ListCommand.class, BlocklistCommand.Show.class, BlocklistCommand.Add.class,
        BlocklistCommand.Remove.class, BlocklistCommand.Delist.class, BlocklistCommand.Report.class,
        BlocklistCommand.Note.class, BlocklistCommand.Import.class, BlocklistCommand.Export.class,
        BlocklistCommand.Appeal.class, BlocklistCommand.Appeals.class, BlocklistCommand.Answer.class})
final class BlocklistCommand implements Runnable {

  private static final JsonMapper JSON = JsonMapper.builder().build();

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
  static final class ListCommand extends Base {
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
        out().println(JSON.writeValueAsString(listings.stream().map(l -> l.toMap(false)).toList()));
      } else {
        table(out(), listings);
        out().println(blocklist.counts().entrySet().stream()
            .map(e -> e.getValue() + " " + e.getKey().label()).reduce((a, b) -> a + ", " + b).orElse(""));
      }
      return 0;
    }
  }

  @Command(name = "show", description = "Show the listings covering an address (or of a network), with evidence.")
  static final class Show extends Base {
    @Parameters(paramLabel = "ADDRESS|NETWORK")
    String target;

    @Option(names = "--json", description = "JSON instead of text.")
    boolean json;

    @Override
    int run(Blocklist blocklist) throws IOException {
      List<Listing> found = target.contains("/") ? blocklist.find(network(target)).map(List::of).orElse(List.of())
          : blocklist.history(address(target));
      if (json) {
        out().println(JSON.writeValueAsString(found.stream().map(l -> l.toMap(true)).toList()));
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

  @Command(name = "add", description = "List an address or network (by the operator).")
  static final class Add extends Base {
    @Parameters(paramLabel = "ADDRESS|NETWORK")
    String target;

    @Option(names = "--category", description = "spam-source, spam-trap, manual or report (default manual).")
    String category = "manual";

    @Option(names = "--permanent", description = "No expiry, no self-service delisting.")
    boolean permanent;

    @Option(names = "--note", description = "Why (kept as evidence).")
    String note = "";

    @Option(names = "--by", description = "Who lists it (default: the user name).")
    String by = System.getProperty("user.name", "operator");

    @Option(names = "--force", description = "List a network wider than blocklist.report-prefix-max-ipv4/-ipv6.")
    boolean force;

    @Override
    int run(Blocklist blocklist) {
      Cidr network = narrowEnough(blocklist, network(target), force);
      Listing l = permanent
          ? blocklist.listPermanently(network, category(category), CliText.text(by, "--by"), CliText.text(note, "--note"))
          : blocklist.report(network, category(category), Evidence.note(blocklist.clock().instant(), "cli:" + CliText.text(by, "--by"),
              Addresses.toText(network.address()), CliText.text(note, "--note").isEmpty() ? "listed by the operator" : note));
      out().println("listed " + l.network() + " as " + l.category().label() + ", " + l.state().label()
          + l.expires().map(e -> " until " + CliText.TIME.format(e)).orElse(""));
      return 0;
    }
  }

  @Command(name = "report", description = "Add evidence against an address (a report); lists or relists it.")
  static final class Report extends Base {
    @Parameters(paramLabel = "ADDRESS|NETWORK")
    String target;

    @Option(names = "--note", required = true, description = "What was seen.")
    String note;

    @Option(names = "--helo", description = "The HELO name seen.")
    String helo = "";

    @Option(names = "--sender", description = "The envelope sender seen.")
    String sender = "";

    @Option(names = "--headers-file", description = "A message file; only Received, From, Subject, Message-ID and "
        + "Date are kept, never the body.")
    Path headers;

    @Option(names = "--category", description = "Default report.")
    String category = "report";

    @Option(names = "--force", description = "Report a network wider than blocklist.report-prefix-max-ipv4/-ipv6.")
    boolean force;

    @Override
    int run(Blocklist blocklist) throws IOException {
      Cidr network = narrowEnough(blocklist, network(target), force);
      String excerpt = "";
      if (headers != null) {
        if (!Files.isRegularFile(headers) || Files.size(headers) > 64L * 1024 * 1024) {
          throw new CliException(2, headers + " is not a file of at most 64 MB");
        }
        excerpt = HeaderExcerpt.ofText(Files.readString(headers, StandardCharsets.ISO_8859_1));
      }
      Listing l = blocklist.report(network, category(category), new Evidence(blocklist.clock().instant(), "cli",
          Addresses.toText(network.address()), CliText.text(helo, "--helo"), CliText.text(sender, "--sender"), "", excerpt,
          CliText.text(note, "--note")));
      out().println("evidence added to " + l.network() + " (" + l.evidence().size() + " piece(s)), "
          + l.state().label() + l.expires().map(e -> " until " + CliText.TIME.format(e)).orElse(""));
      return 0;
    }
  }

  @Command(name = "remove", description = "Delete a listing and its evidence.")
  static final class Remove extends Base {
    @Parameters(paramLabel = "ADDRESS|NETWORK")
    String target;

    @Override
    int run(Blocklist blocklist) {
      Cidr network = network(target);
      if (!blocklist.remove(network)) {
        throw new CliException(1, network + " has no listing");
      }
      out().println("removed " + network);
      return 0;
    }
  }

  @Command(name = "delist", description = "Delist (by the operator), or with --self-service as the listed party would.")
  static final class Delist extends Base {
    @Parameters(paramLabel = "ADDRESS|NETWORK")
    String target;

    @Option(names = "--self-service", description = "Act as the listed party: counted, refused past the limit.")
    boolean selfService;

    @Option(names = "--note", description = "Why.")
    String note = "";

    @Option(names = "--by", description = "Who delists (default: the user name).")
    String by = System.getProperty("user.name", "operator");

    @Override
    int run(Blocklist blocklist) {
      if (selfService) {
        ListingRules.SelfDelisting result = blocklist.selfDelist(address(target), "cli:" + CliText.text(by, "--by"));
        return switch (result) {
          case ListingRules.SelfDelisting.Delisted d -> {
            out().println("delisted " + d.listing().network() + "; " + d.remaining() + " self-service delisting(s) left");
            yield 0;
          }
          case ListingRules.SelfDelisting.Refused r -> throw new CliException(1, "refused: " + r.why());
          case ListingRules.SelfDelisting.NotListed n -> throw new CliException(1, CliText.printable(target) + " is not listed");
        };
      }
      Listing l = blocklist.operatorDelist(network(target), CliText.text(by, "--by"), CliText.text(note, "--note"))
          .orElseThrow(() -> new CliException(1, CliText.printable(target) + " has no listing"));
      out().println("delisted " + l.network());
      return 0;
    }
  }

  @Command(name = "note", description = "Add an operator note to a listing.")
  static final class Note extends Base {
    @Parameters(index = "0", paramLabel = "ADDRESS|NETWORK")
    String target;

    @Parameters(index = "1", paramLabel = "TEXT")
    String note;

    @Option(names = "--by", description = "Author (default: the user name).")
    String by = System.getProperty("user.name", "operator");

    @Override
    int run(Blocklist blocklist) {
      if (note.isBlank()) {
        throw new CliException(2, "TEXT must not be empty");
      }
      blocklist.addNote(network(target), CliText.text(by, "--by"), CliText.text(note, "TEXT"))
          .orElseThrow(() -> new CliException(1, CliText.printable(target) + " has no listing"));
      out().println("noted");
      return 0;
    }
  }

  @Command(name = "import", description = "List every address or network in a file (one per line, # comments). "
      + "A file with any bad line changes nothing.")
  static final class Import extends Base {
    @Parameters(paramLabel = "FILE")
    Path file;

    @Option(names = "--category", description = "Default manual.")
    String category = "manual";

    @Option(names = "--note", description = "Evidence note for every entry.")
    String note = "imported";

    @Override
    int run(Blocklist blocklist) throws IOException {
      if (!Files.isRegularFile(file)) {
        throw new CliException(2, file + " is not a file");
      }
      List<Cidr> networks = new ArrayList<>();
      List<String> errors = new ArrayList<>();
      try (var lines = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
        int lineNumber = 0;
        String line;
        while ((line = lines.readLine()) != null) {
          lineNumber++;
          String entry = line.replaceFirst("#.*", "").strip();
          if (entry.isEmpty()) {
            continue;
          }
          try {
            networks.add(Cidr.parse(entry));
          } catch (IllegalArgumentException e) {
            if (errors.size() < 20) {
              errors.add("line " + lineNumber + ": " + CliText.printable(e.getMessage()));
            }
          }
          if (networks.size() > 20_000_000) {
            throw new CliException(2, "more than 20,000,000 entries");
          }
        }
      } catch (java.nio.charset.CharacterCodingException e) {
        throw new CliException(2, file + " is not a text file (UTF-8): nothing imported");
      }
      if (!errors.isEmpty()) {
        throw new CliException(2, "nothing imported; fix these lines first:\n  " + String.join("\n  ", errors));
      }
      int written = blocklist.importAll(networks, category(category),
          Evidence.note(blocklist.clock().instant(), "import", "", CliText.text(note, "--note")));
      out().println("imported " + written + " listing(s) from " + file);
      return 0;
    }
  }

  @Command(name = "export", description = "Write the active listings for rbldnsd: <zone>.ip4set and <zone>.ip6trie.")
  static final class Export extends Base {
    @Option(names = "--format", description = "rbldnsd (the only format).")
    String format = "rbldnsd";

    @Option(names = "--output-dir", description = "Where to write (default: the current directory).")
    Path dir = Path.of(".");

    @Override
    int run(Blocklist blocklist) throws IOException {
      if (!format.equals("rbldnsd")) {
        throw new CliException(2, "unknown format \"" + CliText.printable(format) + "\"; the format is rbldnsd");
      }
      LiveListings live = new LiveListings(blocklist);
      live.refresh();
      ListingIndex index = live.current();
      RbldnsdExport export = new RbldnsdExport(loaded.dnsblServer(), live.sequence());
      Files.createDirectories(dir);
      String zone = loaded.blocklist().zone();
      Path v4 = dir.resolve(zone + ".ip4set");
      Path v6 = dir.resolve(zone + ".ip6trie");
      int n4;
      int n6;
      try (BufferedWriter w = Files.newBufferedWriter(v4, StandardCharsets.UTF_8)) {
        n4 = export.writeIp4set(index, w);
      }
      try (BufferedWriter w = Files.newBufferedWriter(v6, StandardCharsets.UTF_8)) {
        n6 = export.writeIp6trie(index, w);
      }
      out().println("wrote " + n4 + " entries to " + v4 + " and " + n6 + " to " + v6);
      out().println("serve with: rbldnsd -n -b 127.0.0.1/5301 " + zone + ":ip4set:" + v4.toAbsolutePath() + " "
          + zone + ":ip6trie:" + v6.toAbsolutePath());
      return 0;
    }
  }

  @Command(name = "appeal", description = "Record a false-positive report for operator review.")
  static final class Appeal extends Base {
    @Parameters(paramLabel = "ADDRESS")
    String target;

    @Option(names = "--contact", required = true, description = "The reporter's email address.")
    String contact;

    @Option(names = "--message", required = true, description = "What the reporter says.")
    String message;

    @Override
    int run(Blocklist blocklist) {
      InetAddress a = address(target);
      try {
        org.portcullis.mail.EmailAddress.parse(contact);
      } catch (IllegalArgumentException e) {
        throw new CliException(2, "--contact must be an email address");
      }
      Blocklist.Filed filed = blocklist.reportFalsePositive(Addresses.toText(a), CliText.text(contact, "--contact"),
          CliText.text(message, "--message"));
      out().println("report " + filed.report().id() + (filed.merged() ? " is already open for this address and contact"
          : " recorded for review"));
      return 0;
    }
  }

  @Command(name = "appeals", description = "List false-positive reports and delisting requests (default: open ones).")
  static final class Appeals extends Base {
    @Option(names = "--status", description = "open, accepted, declined or all.")
    String status = "open";

    @Option(names = "--json", description = "JSON instead of a table.")
    boolean json;

    @Override
    int run(Blocklist blocklist) throws IOException {
      if (!List.of("open", "accepted", "declined", "all").contains(status)) {
        throw new CliException(2, "--status must be open, accepted, declined or all");
      }
      List<FalsePositiveReport> reports = blocklist.reports(
          status.equals("all") ? Optional.empty() : Optional.of(status), 1000);
      if (json) {
        out().println(JSON.writeValueAsString(reports));
        return 0;
      }
      out().printf("%-6s %-18s %-14s %-16s %-9s %-28s %s%n", "ID", "FILED", "KIND", "ADDRESS", "STATUS", "CONTACT",
          "MESSAGE");
      for (FalsePositiveReport r : reports) {
        out().printf("%-6d %-18s %-14s %-16s %-9s %-28s %s%n", r.id(), CliText.TIME.format(r.at()), r.kind().label(),
            r.address(), r.status(), CliText.printable(r.contact()), CliText.printable(r.message()));
      }
      return 0;
    }
  }

  @Command(name = "answer", description = "Answer a false-positive report or delisting request: accepted (the "
      + "address is delisted) or declined, with a message; the reporter is told by mail.")
  static final class Answer extends Base {
    @Parameters(index = "0", paramLabel = "ID")
    long id;

    @Parameters(index = "1", paramLabel = "accepted|declined")
    String status;

    @Parameters(index = "2", paramLabel = "MESSAGE", arity = "0..1")
    String message = "";

    @Option(names = "--by", description = "Who answers (default: the user name).")
    String by = System.getProperty("user.name", "operator");

    @Override
    int run(Blocklist blocklist) {
      if (!status.equals("accepted") && !status.equals("declined")) {
        throw new CliException(2, "the answer is accepted or declined");
      }
      Blocklist.Answered answered;
      try {
        answered = blocklist.answerReport(id, status.equals("accepted"), CliText.text(message, "MESSAGE"),
            "cli:" + CliText.text(by, "--by")).orElseThrow(() -> new CliException(1, "no open report " + id));
      } catch (IllegalArgumentException e) {
        throw new CliException(2, e.getMessage());
      }
      out().println("report " + id + " " + status + answered.delisted().map(l -> "; " + l.network() + " delisted")
          .orElse(""));
      return 0;
    }
  }
}
