package org.portcullis.cli;

import java.io.PrintWriter;
import java.time.Clock;
import java.util.concurrent.Callable;
import org.portcullis.app.Services;
import org.portcullis.config.PortcullisConfig;
import org.portcullis.store.Store;
import picocli.CommandLine.Mixin;
import picocli.CommandLine;

/**
 * A command that works on the store directly (beside a running server, which sees the changes):
 * loads the configuration, opens the store and its services ({@link Services}, built as the
 * gateway builds them), runs, closes them. Logs only warnings.
 */
abstract class StoreCommand implements Callable<Integer> {

  @Mixin
  ConfigOption config;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  private Services services;

  PrintWriter out() {
    return spec.commandLine().getOut();
  }

  @Override
  public Integer call() throws Exception {
    Logs.level("warn");
    PortcullisConfig loaded = config.load();
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
