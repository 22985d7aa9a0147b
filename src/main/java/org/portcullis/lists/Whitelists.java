package org.portcullis.lists;

import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Recipients' whitelists (enterprise customers upload address books, service-provider
 * customers add addresses one by one). An owner is a recipient mailbox or a whole recipient
 * domain; a sender is an address or a whole domain. Thread-safe.
 */
public final class Whitelists {

  /**
   * What an import or an add did.
   *
   * @param read addresses found (valid or not)
   * @param added new on the whitelist
   * @param duplicates already on it, or repeated in the file
   * @param rejected not addresses, with their line numbers
   */
  public record Report(AddressBook.Format format, int read, int added, int duplicates,
      List<AddressBook.Rejected> rejected) {}

  private final AccessListStore store;
  private final Clock clock;

  public Whitelists(AccessListStore store, Clock clock) {
    this.store = store;
    this.clock = clock;
  }

  /**
   * Imports an address book into {@code owner}'s whitelist in one transaction.
   *
   * @throws AddressBook.MalformedAddressBook if the file is broken or too big; nothing is added
   * @throws IllegalArgumentException if the owner is neither a mailbox nor a domain
   */
  public Report importBook(String owner, byte[] content, long maxBytes, String source)
      throws AddressBook.MalformedAddressBook {
    String normalisedOwner = AddressBook.owner(owner);
    if (content.length > maxBytes) {
      throw new AddressBook.MalformedAddressBook("the file has " + content.length + " bytes; at most " + maxBytes
          + " are accepted (lists.import-max-bytes)");
    }
    AddressBook.Parsed parsed = AddressBook.parse(content);
    Set<String> unique = new LinkedHashSet<>();
    parsed.addresses().forEach(found -> unique.add(found.address()));
    int added = unique.isEmpty() ? 0 : store.addToWhitelist(normalisedOwner, unique, source, clock.instant());
    int valid = parsed.addresses().size();
    return new Report(parsed.format(), valid + parsed.rejected().size(), added, valid - added, parsed.rejected());
  }

  /**
   * Adds senders one by one (all or nothing: one invalid sender adds none).
   *
   * @throws IllegalArgumentException naming the first sender that is neither an address nor a domain
   */
  public Report add(String owner, List<String> senders, String source) {
    String normalisedOwner = AddressBook.owner(owner);
    if (senders.isEmpty()) {
      throw new IllegalArgumentException("no sender to add");
    }
    Set<String> unique = new LinkedHashSet<>();
    for (String sender : senders) {
      try {
        unique.add(AddressBook.sender(sender));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("\"" + sender + "\" is neither an address nor a domain: " + e.getMessage());
      }
    }
    int added = store.addToWhitelist(normalisedOwner, unique, source, clock.instant());
    return new Report(AddressBook.Format.LINES, senders.size(), added, senders.size() - added, new ArrayList<>());
  }

  /** Removes a sender; false if it was not on the owner's whitelist. */
  public boolean remove(String owner, String sender) {
    return store.removeFromWhitelist(AddressBook.owner(owner), AddressBook.sender(sender));
  }

  public List<String> list(String owner) {
    return store.whitelist(AddressBook.owner(owner));
  }
}
