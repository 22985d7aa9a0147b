package org.portcullis.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.portcullis.blocklist.Blocklist;
import org.portcullis.blocklist.Evidence;
import org.portcullis.blocklist.HeaderExcerpt;
import org.portcullis.blocklist.Listing;
import org.portcullis.blocklist.ListingRules;
import org.portcullis.mail.Addresses;
import org.portcullis.mail.Cidr;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * Changing our blocklist by hand: {@code blocklist add}, {@code report}, {@code remove},
 * {@code delist} (as the operator, or as the listed party would) and {@code note}.
 */
final class BlocklistChangeCommands {

  private BlocklistChangeCommands() {}

  @Command(name = "add", description = "List an address or network (by the operator).")
  static final class Add extends BlocklistCommand.Base {
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
      Cidr network = BlocklistCommand.narrowEnough(blocklist, BlocklistCommand.network(target), force);
      Listing l = permanent
          ? blocklist.listPermanently(network, BlocklistCommand.category(category), CliText.text(by, "--by"), CliText.text(note, "--note"))
          : blocklist.report(network, BlocklistCommand.category(category), Evidence.note(blocklist.clock().instant(), "cli:" + CliText.text(by, "--by"),
              Addresses.toText(network.address()), CliText.text(note, "--note").isEmpty() ? "listed by the operator" : note));
      out().println("listed " + l.network() + " as " + l.category().label() + ", " + l.state().label()
          + l.expires().map(e -> " until " + CliText.TIME.format(e)).orElse(""));
      return 0;
    }
  }

  @Command(name = "report", description = "Add evidence against an address (a report); lists or relists it.")
  static final class Report extends BlocklistCommand.Base {
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
      Cidr network = BlocklistCommand.narrowEnough(blocklist, BlocklistCommand.network(target), force);
      String excerpt = "";
      if (headers != null) {
        if (!Files.isRegularFile(headers) || Files.size(headers) > 64L * 1024 * 1024) {
          throw new CliException(2, headers + " is not a file of at most 64 MB");
        }
        excerpt = HeaderExcerpt.ofText(Files.readString(headers, StandardCharsets.ISO_8859_1));
      }
      Listing l = blocklist.report(network, BlocklistCommand.category(category), new Evidence(blocklist.clock().instant(), "cli",
          Addresses.toText(network.address()), CliText.text(helo, "--helo"), CliText.text(sender, "--sender"), "", excerpt,
          CliText.text(note, "--note")));
      out().println("evidence added to " + l.network() + " (" + l.evidence().size() + " piece(s)), "
          + l.state().label() + l.expires().map(e -> " until " + CliText.TIME.format(e)).orElse(""));
      return 0;
    }
  }

  @Command(name = "remove", description = "Delete a listing and its evidence.")
  static final class Remove extends BlocklistCommand.Base {
    @Parameters(paramLabel = "ADDRESS|NETWORK")
    String target;

    @Override
    int run(Blocklist blocklist) {
      Cidr network = BlocklistCommand.network(target);
      if (!blocklist.remove(network)) {
        throw new CliException(1, network + " has no listing");
      }
      out().println("removed " + network);
      return 0;
    }
  }

  @Command(name = "delist", description = "Delist (by the operator), or with --self-service as the listed party would.")
  static final class Delist extends BlocklistCommand.Base {
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
        ListingRules.SelfDelisting result = blocklist.selfDelist(BlocklistCommand.address(target), "cli:" + CliText.text(by, "--by"));
        return switch (result) {
          case ListingRules.SelfDelisting.Delisted d -> {
            out().println("delisted " + d.listing().network() + "; " + d.remaining() + " self-service delisting(s) left");
            yield 0;
          }
          case ListingRules.SelfDelisting.Refused r -> throw new CliException(1, "refused: " + r.why());
          case ListingRules.SelfDelisting.NotListed n -> throw new CliException(1, CliText.printable(target) + " is not listed");
        };
      }
      Listing l = blocklist.operatorDelist(BlocklistCommand.network(target), CliText.text(by, "--by"), CliText.text(note, "--note"))
          .orElseThrow(() -> new CliException(1, CliText.printable(target) + " has no listing"));
      out().println("delisted " + l.network());
      return 0;
    }
  }

  @Command(name = "note", description = "Add an operator note to a listing.")
  static final class Note extends BlocklistCommand.Base {
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
      blocklist.addNote(BlocklistCommand.network(target), CliText.text(by, "--by"), CliText.text(note, "TEXT"))
          .orElseThrow(() -> new CliException(1, CliText.printable(target) + " has no listing"));
      out().println("noted");
      return 0;
    }
  }
}
