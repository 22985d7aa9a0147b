package org.portcullis.cli;

import java.time.Clock;
import org.portcullis.app.Services;
import org.portcullis.config.PortcullisConfig;
import org.portcullis.store.Store;

/**
 * A command that works on the store directly (beside a running server, which sees the changes):
 * loads the configuration, opens the store and its services ({@link Services}, built as the
 * gateway builds them), runs, closes them. Logs only warnings.
 */
abstract class StoreCommand extends ConfigCommand {

  private Services services;

  @Override
  final int run(PortcullisConfig loaded) throws Exception {
    try (Services opened = Services.open(loaded, Clock.systemUTC())) {
      this.services = opened;
      return run(opened.store(), loaded);
    }
  }

  abstract int run(Store store, PortcullisConfig loaded) throws Exception;

  /** The services on the open store (valid while {@link #run} runs). */
  Services services() {
    return services;
  }
}
