package org.portcullis.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.Clock;
import java.util.Locale;
import java.util.Optional;
import org.portcullis.config.PortcullisConfig;
import org.portcullis.mail.References;
import org.portcullis.policy.Fact;
import org.portcullis.policy.RefusalRecord;
import org.portcullis.app.Services;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code portcullis why <ref>}: print the stored explanation of a refusal. */
@Command(name = "why", description = "Explain a refusal by its reference (the ref=... at the end of the reply).")
final class WhyCommand implements java.util.concurrent.Callable<Integer> {

  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'", Locale.ROOT)
      .withZone(ZoneOffset.UTC);

  @Mixin
  ConfigOption config;

  @Parameters(paramLabel = "REF", description = "The reference, e.g. 0KJ2M7Q9XA1B (ref= prefix allowed).")
  String reference;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    Logs.level("warn");
    String ref = reference.strip();
    if (ref.regionMatches(true, 0, "ref=", 0, 4)) {
      ref = ref.substring(4);
    }
    if (!References.isWellFormed(ref)) {
      throw new CliException(2, "\"" + printable(reference) + "\" is not a reference: references are "
          + References.LENGTH + " letters and digits, as in ref=0KJ2M7Q9XA1BZZ4R");
    }
    PortcullisConfig c = config.load();
    if (!Files.exists(c.storeFile())) {
      throw new CliException(1, "no refusals recorded yet: " + c.storeFile() + " does not exist");
    }
    Optional<RefusalRecord> found;
    try (Services services = Services.open(c, Clock.systemUTC())) {
      found = services.store().refusals().find(ref);
    }
    if (found.isEmpty()) {
      throw new CliException(1, "no refusal with reference " + ref.toUpperCase(Locale.ROOT) + " in " + c.storeFile()
          + " (records are kept " + c.store().refusalRetention().toDays() + " days)");
    }
    print(found.get(), spec.commandLine().getOut());
    return 0;
  }

  static void print(RefusalRecord r, PrintWriter out) {
    out.println("Reference   " + r.reference());
    out.println("Time        " + TIME.format(r.time()));
    out.println("Server      " + r.server());
    out.println("Check       " + r.check() + " (at " + r.phase().name().replace('_', ' ') + ")");
    out.println("Outcome     " + switch (r.outcome()) {
      case "reject" -> "refused permanently";
      case "tempfail" -> "refused temporarily (the sender's server retries)";
      case "disconnect" -> "refused and disconnected";
      case "tag" -> "delivered with a warning header";
      case "quarantine" -> "accepted into the quarantine, not delivered until released";
      case "observe" -> "nothing (the check is in observe mode; it would have refused)";
      default -> r.outcome();
    });
    if (r.replyCode() > 0) {
      out.println("Reply       " + r.replyCode() + " " + r.status() + " " + r.replyText());
    }
    out.println("Client      " + r.clientName() + " [" + r.clientAddress() + "]");
    if (!r.helo().isEmpty()) {
      out.println("HELO        " + printable(r.helo()));
    }
    if (!r.sender().isEmpty()) {
      out.println("Sender      " + printable(r.sender()));
    }
    if (!r.recipient().isEmpty()) {
      out.println("Recipient   " + printable(r.recipient()));
    }
    out.println();
    out.println("What we saw");
    for (Fact fact : r.explanation().facts()) {
      wrap(out, fact.label() + ": " + printable(fact.value()), "  ", "      ");
    }
    out.println();
    out.println("The rule");
    wrap(out, r.explanation().rule(), "  ", "  ");
    out.println();
    out.println("How to fix it");
    wrap(out, r.explanation().fix(), "  ", "  ");
  }

  private static void wrap(PrintWriter out, String text, String first, String rest) {
    StringBuilder line = new StringBuilder(first);
    int width = 78;
    for (String word : text.split(" ")) {
      if (line.length() + word.length() + 1 > width && line.length() > rest.length()) {
        out.println(line.toString().stripTrailing());
        line = new StringBuilder(rest);
      }
      line.append(word).append(' ');
    }
    out.println(line.toString().stripTrailing());
  }

  /** Stored values come from clients: show control characters escaped. */
  private static String printable(String text) {
    StringBuilder out = new StringBuilder(text.length());
    for (char c : text.toCharArray()) {
      out.append(c < 0x20 || c == 0x7F ? String.format("\\x%02X", (int) c) : String.valueOf(c));
    }
    return out.toString();
  }
}
