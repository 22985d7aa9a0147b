package org.portcullis.cli;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import org.portcullis.config.PortcullisConfig;
import org.portcullis.dmarc.DmarcReportStore;
import org.portcullis.store.Store;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code portcullis dmarc reports}: who sends as our domains, from the aggregate reports others mailed us. */
@Command(name = "dmarc", description = "DMARC: the aggregate reports others send about our domains.",
    subcommands = {DmarcCommand.Reports.class})
final class DmarcCommand implements Runnable {

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "name a subcommand: reports");
  }

  @Command(name = "reports", description = "Per domain and day: the sources that sent as the domain, how many "
      + "messages, what the reporter did and whether DKIM and SPF passed aligned (from dmarc.report-address).")
  static final class Reports extends StoreCommand {
    @Option(names = "--domain", description = "One of our domains (default: every accepted domain).")
    String domain;

    @Option(names = "--days", description = "How many days back (1..366, default 7).")
    int days = 7;

    @Override
    int run(Store store, PortcullisConfig loaded) {
      if (days < 1 || days > 366) {
        throw new CliException(2, "--days must be 1..366, not " + days);
      }
      List<String> domains = domain == null ? loaded.mail().acceptedDomains()
          : List.of(domain.toLowerCase(Locale.ROOT).strip());
      Instant since = Instant.now().minus(Duration.ofDays(days));
      int shown = 0;
      for (String d : domains) {
        List<DmarcReportStore.StoredRow> rows = store.dmarcReports().rows(d, since);
        if (rows.isEmpty()) {
          continue;
        }
        out().println(d + ":");
        out().printf("  %-10s %-24s %-39s %8s %-11s %-5s %-5s%n", "DAY", "REPORTER", "SOURCE", "MESSAGES",
            "DISPOSITION", "DKIM", "SPF");
        for (DmarcReportStore.StoredRow r : rows) {
          out().printf("  %-10s %-24s %-39s %8d %-11s %-5s %-5s%n", r.day(), CliText.printable(r.organisation()),
              CliText.printable(r.row().source()), r.row().count(), CliText.printable(r.row().disposition()),
              CliText.printable(r.row().dkim()), CliText.printable(r.row().spf()));
          shown++;
        }
      }
      if (shown == 0) {
        out().println("no DMARC reports in the last " + days + " day(s)" + (loaded.dmarc().reportAddress().isEmpty()
            ? "; set dmarc.report-address and publish it as rua=mailto: in your DMARC records" : ""));
      }
      return 0;
    }
  }
}
