package org.portcullis.access;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Where admin users (names and password hashes) are kept. Thread-safe; failures throw {@code StoreException}. */
public interface AdminUserStore {

  /** An admin user. */
  record User(String name, String passwordHash, Instant created) {}

  /** Adds a user; false if the name is taken. */
  boolean add(String name, String passwordHash, Instant created);

  /** Replaces a user's password hash; false if there is no such user. */
  boolean setPassword(String name, String passwordHash);

  Optional<User> find(String name);

  List<User> list();

  /** Removes a user; false if there was none. */
  boolean remove(String name);
}
