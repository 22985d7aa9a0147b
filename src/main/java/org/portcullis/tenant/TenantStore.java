package org.portcullis.tenant;

import java.util.List;
import java.util.Optional;

/**
 * Which domains each tenant administrator manages (their passwords are kept apart, in an
 * {@link org.portcullis.access.AdminUserStore} of their own). Thread-safe; failures throw
 * {@code StoreException}.
 */
public interface TenantStore {

  /** The administrator named {@code name}, if it has a password and domains. */
  Optional<TenantAdmin> find(String name);

  List<TenantAdmin> list();

  /** Sets an existing user's domains and delegation; false if there is no such user. */
  boolean save(TenantAdmin admin);

  /** Removes the user, its password and its domains; false if there was none. */
  boolean remove(String name);
}
