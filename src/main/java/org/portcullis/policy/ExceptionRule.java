package org.portcullis.policy;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.portcullis.mail.Cidr;
import org.portcullis.mail.Recipient;

/**
 * A static exception from the configuration ("Exceptions (White List)"): when a session
 * matches, the named checks are skipped.
 *
 * <p>Each non-empty criterion must match (AND); within a criterion, any entry may match (OR). A
 * criterion that is not known yet (the recipient at HELO time) does not match, so an exception by
 * recipient takes effect at RCPT, where delayed refusals are judged.
 *
 * @param clients client networks
 * @param senders sender addresses or domains
 * @param recipients recipient addresses or domains
 * @param helos HELO names or domains
 * @param skip names of the checks to skip, or {@code all}
 * @param note why the exception exists
 */
public record ExceptionRule(List<Cidr> clients, List<AddressPattern> senders, List<AddressPattern> recipients,
    List<AddressPattern> helos, Set<String> skip, String note) {

  public static final String ALL = "all";

  public ExceptionRule {
    clients = List.copyOf(clients);
    senders = List.copyOf(senders);
    recipients = List.copyOf(recipients);
    helos = List.copyOf(helos);
    skip = Set.copyOf(skip);
    if (clients.isEmpty() && senders.isEmpty() && recipients.isEmpty() && helos.isEmpty()) {
      throw new IllegalArgumentException("an exception needs at least one of client, sender, recipient, helo");
    }
    if (skip.isEmpty()) {
      throw new IllegalArgumentException("an exception must name the checks it skips (or \"all\")");
    }
  }

  public boolean skips(String check) {
    return skip.contains(ALL) || skip.contains(check);
  }

  /** True if every criterion of this exception matches the session as known so far. */
  public boolean matches(SessionView session, Optional<Recipient> recipient) {
    if (!clients.isEmpty() && clients.stream().noneMatch(c -> c.contains(session.client().address()))) {
      return false;
    }
    if (!helos.isEmpty()) {
      var helo = session.helo();
      if (helo.isEmpty() || helos.stream().noneMatch(p -> p.matchesHost(helo.get().raw()))) {
        return false;
      }
    }
    if (!senders.isEmpty()) {
      var sender = session.sender().flatMap(s -> s.mailbox());
      if (sender.isEmpty() || senders.stream().noneMatch(p -> p.matches(sender.get()))) {
        return false;
      }
    }
    if (!recipients.isEmpty()) {
      if (recipient.isEmpty() || recipients.stream().noneMatch(p -> p.matches(recipient.get().address()))) {
        return false;
      }
    }
    return true;
  }
}
