package org.portcullis.cli;

import java.io.IOException;
import java.net.InetAddress;
import java.util.List;
import java.util.Optional;
import org.portcullis.blocklist.Blocklist;
import org.portcullis.blocklist.FalsePositiveReport;
import org.portcullis.mail.Addresses;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * False-positive reports and delisting requests: {@code blocklist appeal} (record one),
 * {@code appeals} (list them) and {@code answer} (accept, delisting as the operator, or decline).
 */
final class BlocklistReportCommands {

  private BlocklistReportCommands() {}

  @Command(name = "appeal", description = "Record a false-positive report for operator review.")
  static final class Appeal extends BlocklistCommand.Base {
    @Parameters(paramLabel = "ADDRESS")
    String target;

    @Option(names = "--contact", required = true, description = "The reporter's email address.")
    String contact;

    @Option(names = "--message", required = true, description = "What the reporter says.")
    String message;

    @Override
    int run(Blocklist blocklist) {
      InetAddress a = BlocklistCommand.address(target);
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
  static final class Appeals extends BlocklistCommand.Base {
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
        out().println(BlocklistCommand.JSON.writeValueAsString(reports));
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
  static final class Answer extends BlocklistCommand.Base {
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
