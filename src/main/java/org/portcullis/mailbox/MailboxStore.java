package org.portcullis.mailbox;

import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * Where mailboxes are kept. Implemented by each store; thread-safe; failures throw
 * {@code StoreException}. Every change to mailboxes or to submission users bumps {@link #version()}.
 */
public interface MailboxStore {

  /** Adds a mailbox; false if it exists already. */
  boolean add(String address, String note, Instant at);

  /** Removes a mailbox; false if there was none. */
  boolean remove(String address);

  /** Every mailbox, by address. */
  List<Mailbox> mailboxes();

  /** Every address that exists: the mailboxes, and the submission users whose login is an address. */
  Set<String> known();

  long version();
}
