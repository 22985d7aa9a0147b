package org.portcullis.delivery;

import java.net.InetAddress;
import java.util.List;
import java.util.Optional;

/**
 * Where the {@link SourcePool}'s suspensions are kept, so that an address a destination refused as
 * blacklisted stays out of use across a restart. Thread-safe; failures throw the store's
 * exception.
 */
public interface SuspensionStore {

  List<SourcePool.Suspension> load();

  void save(SourcePool.Suspension suspension);

  /** Removes the suspension of {@code address} for {@code destination} (empty: the one for all). */
  void remove(InetAddress address, Optional<String> destination, boolean fromHealthCheck);
}
