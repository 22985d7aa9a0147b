package org.portcullis.submission;

import java.util.List;
import java.util.Optional;

/** Where submission users are kept. Thread-safe; failures throw {@code StoreException}. */
public interface MailUserStore {

  /** Adds a user; false if the name is taken. */
  boolean add(MailUser user);

  /** Replaces a user's password hash; false if there is no such user. */
  boolean setPassword(String name, String passwordHash);

  /** Replaces what a user may send as; false if there is no such user. */
  boolean setSenders(String name, List<String> senders, boolean anySender);

  Optional<MailUser> find(String name);

  List<MailUser> list();

  /** Removes a user; false if there was none. */
  boolean remove(String name);
}
