package org.portcullis.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.portcullis.config.PortcullisConfig;
import org.portcullis.store.sqlite.SqliteStore;
import picocli.CommandLine.Mixin;
import picocli.CommandLine;

/**
 * A command that works on the store directly (beside a running server, which sees the changes):
 * loads the configuration, opens the store, runs, closes it. Logs only warnings.
 */
abstract class StoreCommand implements Callable<Integer> {

  @Mixin
  ConfigOption config;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  PrintWriter out() {
    return spec.commandLine().getOut();
  }

  @Override
  public Integer call() throws Exception {
    Logs.level("warn");
    PortcullisConfig loaded = config.load();
    try (SqliteStore store = SqliteStore.open(loaded.storeFile())) {
      return run(store, loaded);
    }
  }

  abstract int run(SqliteStore store, PortcullisConfig loaded) throws Exception;

  /** Answers to requesters go to the store's outbox; the running server sends them. */
  static org.portcullis.notices.Notifier notifier(SqliteStore store, PortcullisConfig loaded) {
    return new org.portcullis.notices.Notifier(store.outbox(), loaded.web().publicUrl(), java.time.Clock.systemUTC());
  }
}
