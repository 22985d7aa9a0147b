package org.portcullis.cli;

import java.net.InetAddress;
import java.time.Clock;
import java.util.Locale;
import java.util.Optional;
import org.portcullis.app.Diagnoses;
import org.portcullis.app.Gateway;
import org.portcullis.config.PortcullisConfig;
import org.portcullis.diagnose.Diagnosis;
import org.portcullis.diagnose.Finding;
import org.portcullis.diagnose.Subject;
import org.portcullis.mail.Addresses;
import org.portcullis.policy.RefusalRecord;
import org.portcullis.store.Store;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code portcullis diagnose}: seed 001's checklist for a sending server, as the gateway judges it
 * (its resolver, patterns, DNS lists and SPF). Exit 0 when nothing fails, 1 when something does,
 * 2 for bad usage. What DNS answered is shown with control characters replaced.
 */
@Command(name = "diagnose", description = "Test a sending server: reverse DNS, HELO, SPF, MX, DNS lists; "
    + "exit 0 when nothing fails, 1 when something does.")
final class DiagnoseCommand extends StoreCommand {

  @Option(names = "--ip", paramLabel = "IP", description = "The sending server's address (from --ref if not given).")
  String ip;

  @Option(names = "--domain", paramLabel = "DOMAIN", description = "The sender's domain (from --sender if not given).")
  String domain;

  @Option(names = "--helo", paramLabel = "NAME", description = "The name the server greets with.")
  String helo;

  @Option(names = "--sender", paramLabel = "ADDRESS", description = "The MAIL FROM address it uses.")
  String sender;

  @Option(names = "--ref", paramLabel = "REF", description = "A refusal's reference: the address, HELO and sender "
      + "it was refused with.")
  String ref;

  @Option(names = "--json", description = "The report as JSON.")
  boolean json;

  @Option(names = "--no-connect", description = "DNS checks only: do not connect to the server's SMTP port.")
  boolean noConnect;

  @Override
  int run(Store store, PortcullisConfig loaded) throws Exception {
    Optional<RefusalRecord> refused = refusal(store);
    String address = ip != null ? ip : refused.map(RefusalRecord::clientAddress).orElseThrow(
        () -> new CliException(2, "name the server: --ip IP, or --ref REF"));
    InetAddress client = Addresses.parseLiteral(address.strip()).orElseThrow(
        () -> new CliException(2, "\"" + CliText.printable(address) + "\" is not an IP address"));
    Optional<String> heloName = text(helo, "--helo", 255).or(() -> refused.map(RefusalRecord::helo)
        .filter(h -> !h.isBlank()));
    // A refusal records the path as sent, <carl@example.org>; the diagnosis wants the address.
    Optional<String> from = text(sender, "--sender", 320).or(() -> refused.map(RefusalRecord::sender))
        .map(s -> s.startsWith("<") && s.endsWith(">") ? s.substring(1, s.length() - 1) : s)
        .filter(s -> !s.isBlank());
    if (from.isPresent() && from.get().lastIndexOf('@') < 1) {
      throw new CliException(2, "--sender must be an address, not \"" + CliText.printable(from.get()) + "\"");
    }
    Optional<String> dom = text(domain, "--domain", 253);
    if (dom.isPresent() && !dom.get().matches("(?i)[a-z0-9]([a-z0-9-]*[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+")) {
      throw new CliException(2, "--domain must be a domain name, not \"" + CliText.printable(dom.get()) + "\"");
    }
    Diagnosis diagnosis = Diagnoses.of(loaded, Gateway.resolverFor(loaded), Clock.systemUTC(),
        Optional.of(services().blocklist()), Optional.of(store.greylist()));
    Diagnosis.Report report = diagnosis.run(new Subject(client, dom, heloName, from, !noConnect));
    if (json) {
      out().println(ListsCommand.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(report.toMap()));
    } else {
      print(report);
    }
    return report.failed() ? 1 : 0;
  }

  private Optional<RefusalRecord> refusal(Store store) {
    if (ref == null) {
      return Optional.empty();
    }
    String r = ref.strip().toUpperCase(Locale.ROOT).replaceFirst("^REF=", "");
    if (!r.matches("[0-9A-Z]{16}")) {
      throw new CliException(2, "\"" + CliText.printable(ref) + "\" is not a reference");
    }
    Optional<RefusalRecord> found = store.refusals().find(r);
    if (found.isEmpty()) {
      throw new CliException(1, "no refusal " + r + " (unknown, or older than store.refusal-retention-days)");
    }
    return found;
  }

  private static Optional<String> text(String value, String option, int max) {
    if (value == null || value.isBlank()) {
      return Optional.empty();
    }
    String v = value.strip();
    if (v.length() > max || v.chars().anyMatch(c -> c < 0x21 || c > 0x7e)) {
      throw new CliException(2, option + " takes at most " + max + " printable characters without spaces");
    }
    return Optional.of(v);
  }

  private void print(Diagnosis.Report report) {
    Subject s = report.subject();
    out().println("diagnosis of " + Addresses.toText(s.ip()) + s.domain().map(d -> ", domain " + d).orElse("")
        + s.helo().map(h -> ", HELO " + safe(h)).orElse("") + s.sender().map(x -> ", sender " + safe(x)).orElse("")
        + String.format(Locale.ROOT, " (%.2f s)", report.took().toNanos() / 1e9));
    for (Finding f : report.findings()) {
      out().printf("%-8s %-22s %s%n", f.status().label(), safe(f.id()), safe(f.title()));
      for (Finding.Fact fact : f.facts()) {
        out().println("         " + safe(fact.label()) + ": " + safe(fact.value()));
      }
      if (!f.advice().isEmpty()) {
        out().println("         -> " + safe(f.advice()));
      }
    }
    out().println("worst: " + report.worst().label());
  }

  /** DNS and banners are a stranger's text: no control characters reach the terminal. */
  private static String safe(String text) {
    String clipped = text.length() > 2000 ? text.substring(0, 2000) + "..." : text;
    return clipped.replaceAll("[\\x00-\\x1F\\x7F]", "?");
  }
}
