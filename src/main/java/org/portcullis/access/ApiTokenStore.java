package org.portcullis.access;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Where API tokens are kept: names and hashes, never the tokens. Implemented by each store.
 * Failures throw {@code StoreException}.
 */
public interface ApiTokenStore {

  /** One token's record. */
  record Entry(String name, String hash, Instant created, Optional<Instant> lastUsed, java.util.Set<ApiScope> scopes) {}

  /** Adds a token; false if the name is taken. */
  boolean add(String name, String hash, Instant created, java.util.Set<ApiScope> scopes);

  /** The token with this hash, if any; marks it used at {@code now}. */
  Optional<Entry> use(String hash, Instant now);

  List<Entry> list();

  /** Removes a token; false if there was none of that name. */
  boolean remove(String name);
}
