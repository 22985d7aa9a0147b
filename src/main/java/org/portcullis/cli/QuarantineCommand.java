package org.portcullis.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.JsonNode;

/**
 * {@code portcullis quarantine ...}: the running server's quarantine, through its control socket (a
 * release is queued by the server itself, so that it is delivered exactly once).
 */
@Command(name = "quarantine", description = "The running server's quarantine: list, show, release, delete.",
    subcommands = {QuarantineCommand.ListHeld.class, QuarantineCommand.Show.class, QuarantineCommand.Release.class,
        QuarantineCommand.Delete.class, QuarantineCommand.Digest.class})
final class QuarantineCommand implements Runnable {

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "name a subcommand: list, show, release, delete");
  }

  static String id(String given) {
    if (!given.matches("[0-9a-f]{32}")) {
      throw new CliException(2, "not a quarantine id (32 hexadecimal digits): \"" + CliText.printable(given) + "\"");
    }
    return given;
  }

  /** " ADDRESS" for a {@code --to}, checked; empty without one. */
  static String recipient(String to) {
    if (to == null) {
      return "";
    }
    if (to.length() > 320 || !to.matches("[^\\s@]+@[A-Za-z0-9.-]+")) {
      throw new CliException(2, "not an address: \"" + CliText.printable(to) + "\"");
    }
    return " " + to;
  }

  @Command(name = "list", description = "Quarantined messages, newest first: id, arrival, state, the check that "
      + "held it, sender, recipients and subject.")
  static final class ListHeld extends QueueCommand.Base {
    @Option(names = "--domain", description = "Only messages with a recipient at this domain.")
    String domain;

    @Option(names = "--json", description = "JSON instead of a table.")
    boolean json;

    @Override
    String command() {
      if (domain != null && !domain.matches("[A-Za-z0-9.-]{1,253}")) {
        throw new CliException(2, "not a domain: \"" + CliText.printable(domain) + "\"");
      }
      return domain == null ? "quarantine list" : "quarantine list " + domain;
    }

    @Override
    void print(JsonNode answer, PrintWriter out) {
      if (json) {
        out.println(answer.get("messages").toString());
        return;
      }
      int count = 0;
      for (JsonNode m : answer.get("messages")) {
        count++;
        out.printf("%s %-24s %-9s %-10s <%s>%n", m.get("id").asString(), m.get("arrival").asString(),
            m.get("state").asString(), m.get("check").asString(), CliText.printable(m.get("sender").asString()));
        for (JsonNode r : m.get("recipients")) {
          out.println("    to <" + CliText.printable(r.asString()) + ">");
        }
        out.println("    subject: " + CliText.printable(m.get("subject").asString()));
      }
      out.println(count == 0 ? "the quarantine is empty" : count + (count == 1 ? " message" : " messages"));
    }
  }

  @Command(name = "show", description = "One quarantined message: why it was held, its envelope and its headers.")
  static final class Show extends QueueCommand.Base {
    @Parameters(paramLabel = "ID")
    String id;

    @Override
    String command() {
      return "quarantine show " + id(id);
    }

    @Override
    void print(JsonNode answer, PrintWriter out) {
      JsonNode m = answer.get("message");
      for (String field : new String[] {"id", "arrival", "state", "changed", "size", "client", "sender", "subject",
          "check", "reason", "reference"}) {
        JsonNode v = m.get(field);
        if (v != null && !v.isNull() && !v.asString().isEmpty()) {
          out.printf("%-10s %s%n", field, CliText.printable(v.asString()));
        }
      }
      for (JsonNode r : m.get("recipients")) {
        out.printf("%-10s %s%n", "recipient", CliText.printable(r.asString()));
      }
      out.println();
      out.print(m.get("headers").asString().replace("\r\n", "\n"));
    }
  }

  @Command(name = "release", description = "Deliver a quarantined message to its recipients (once; it is not "
      + "checked or tagged again).")
  static final class Release extends QueueCommand.Base {
    @Parameters(paramLabel = "ID")
    String id;

    @Option(names = "--again", description = "Release a message left half-released by a crash (see the log) "
        + "once you have checked that its recipients did not get it.")
    boolean again;

    @Option(names = "--to", description = "Release it for this recipient only (the others' copies stay held).")
    String to;

    @Override
    String command() {
      return "quarantine release " + id(id) + (again ? " again" : "") + recipient(to);
    }

    @Override
    void print(JsonNode answer, PrintWriter out) {
      out.println(answer.get("id").asString() + " released as queue id " + answer.get("queueId").asString());
    }
  }

  @Command(name = "delete", description = "Delete a quarantined message without delivering it.")
  static final class Delete extends QueueCommand.Base {
    @Parameters(paramLabel = "ID")
    String id;

    @Option(names = "--to", description = "Delete it for this recipient only.")
    String to;

    @Override
    String command() {
      return "quarantine delete " + id(id) + recipient(to);
    }

    @Override
    void print(JsonNode answer, PrintWriter out) {
      out.println(answer.get("id").asString() + " deleted");
    }
  }

  @Command(name = "digest", description = "How often a mailbox gets the digest of its quarantined mail (never, "
      + "hourly, daily, weekly) and whether with an HTML part; without --schedule, shows it.")
  static final class Digest extends StoreCommand {
    @Option(names = "--mailbox", required = true, description = "A mailbox of one of our domains.")
    String mailbox;

    @Option(names = "--schedule", description = "never, hourly, daily (the default) or weekly.")
    String schedule;

    @Option(names = "--text", description = "Plain text only (no HTML part).")
    boolean text;

    @Override
    int run(org.portcullis.store.Store store, org.portcullis.config.PortcullisConfig loaded) {
      String box = MailboxCommand.mailbox(mailbox, loaded);
      if (schedule == null) {
        org.portcullis.quarantine.DigestSettings s = store.digests().settings(box)
            .orElse(org.portcullis.quarantine.DigestSettings.DEFAULT);
        out().println(box + ": " + s.schedule().label() + (s.html() ? ", HTML and text" : ", text only")
            + store.digests().lastSent(box).map(t -> "; last sent " + t).orElse(""));
        return 0;
      }
      org.portcullis.quarantine.DigestSettings.Schedule chosen = org.portcullis.quarantine.DigestSettings.Schedule
          .parse(schedule.strip().toLowerCase(java.util.Locale.ROOT)).orElseThrow(() -> new CliException(2,
              "unknown schedule \"" + CliText.printable(schedule) + "\"; choose never, hourly, daily or weekly"));
      store.digests().set(box, new org.portcullis.quarantine.DigestSettings(chosen, !text));
      out().println(box + ": " + chosen.label() + (text ? ", text only" : ", HTML and text"));
      return 0;
    }
  }
}
