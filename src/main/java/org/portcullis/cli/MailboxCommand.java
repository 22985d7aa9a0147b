package org.portcullis.cli;

import java.time.Instant;
import java.util.List;
import java.util.Locale;
import org.portcullis.config.PortcullisConfig;
import org.portcullis.mail.EmailAddress;
import org.portcullis.mailbox.Mailbox;
import org.portcullis.store.Store;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code portcullis mailbox ...}: the mailboxes that exist. With Maildir delivery only they (and
 * {@code mail.known-recipients}, and submission users' logins) are accepted at RCPT; a running
 * server sees a change within a second.
 */
@Command(name = "mailbox", description = "Mailboxes that exist (mail for others is refused at RCPT with 550 "
    + "5.1.1): add, remove, list.",
    subcommands = {MailboxCommand.Add.class, MailboxCommand.Remove.class, MailboxCommand.ListMailboxes.class})
final class MailboxCommand implements Runnable {


  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "name a subcommand: add, remove, list");
  }

  /** An address of one of our domains, lower case; exit status 2 otherwise. */
  static String mailbox(String text, PortcullisConfig loaded) {
    EmailAddress address;
    try {
      address = EmailAddress.parse(text.strip());
    } catch (IllegalArgumentException e) {
      throw new CliException(2, "\"" + CliText.printable(text) + "\" is not an address: " + e.getMessage());
    }
    if (address.isDomainLiteral() || address.hasRoutingCharacters()) {
      throw new CliException(2, "\"" + CliText.printable(text) + "\" is not a plain mailbox address");
    }
    String domain = address.domain().toLowerCase(Locale.ROOT);
    if (!loaded.mail().acceptedDomains().contains(domain)) {
      throw new CliException(2, domain + " is not one of our domains (mail.accepted-domains: "
          + String.join(", ", loaded.mail().acceptedDomains()) + ")");
    }
    return (address.localPart() + "@" + domain).toLowerCase(Locale.ROOT);
  }

  @Command(name = "add", description = "Add mailboxes (one or more addresses of our domains).")
  static final class Add extends StoreCommand {
    @Parameters(paramLabel = "ADDRESS", arity = "1..1000")
    List<String> addresses;

    @Option(names = "--note", description = "Why (shown by list).")
    String note = "";

    @Override
    int run(Store store, PortcullisConfig loaded) {
      String why = CliText.text(note, "--note");
      List<String> checked = addresses.stream().map(a -> mailbox(a, loaded)).toList();
      for (String address : checked) {
        boolean added = store.mailboxes().add(address, why, Instant.now());
        out().println(added ? "mailbox " + address + " added" : "mailbox " + address + " exists already");
      }
      return 0;
    }
  }

  @Command(name = "remove", description = "Remove a mailbox: mail for it is refused from then on (its Maildir stays).")
  static final class Remove extends StoreCommand {
    @Parameters(paramLabel = "ADDRESS")
    String address;

    @Override
    int run(Store store, PortcullisConfig loaded) {
      String box = mailbox(address, loaded);
      if (!store.mailboxes().remove(box)) {
        throw new CliException(1, "no mailbox " + box);
      }
      out().println("mailbox " + box + " removed");
      return 0;
    }
  }

  @Command(name = "list", description = "List the mailboxes, and what else is accepted.")
  static final class ListMailboxes extends StoreCommand {
    @Override
    int run(Store store, PortcullisConfig loaded) {
      List<Mailbox> boxes = store.mailboxes().mailboxes();
      for (Mailbox m : boxes) {
        out().printf("%-40s %s %s%n", m.address(), CliText.TIME.format(m.created()), CliText.printable(m.note()));
      }
      out().println(boxes.size() + " mailbox(es); also accepted: " + loaded.mail().knownRecipients().size()
          + " address(es) in mail.known-recipients, submission users' logins, and postmaster@/abuse@ of every domain"
          + (loaded.mail().rejectUnknownRecipients() ? "" : "; mail.unknown-recipients = \"accept\": every local "
              + "part is accepted"));
      return 0;
    }
  }
}
