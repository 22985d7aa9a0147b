package org.portcullis.app;

import java.time.Clock;
import java.util.Optional;
import org.portcullis.blocklist.Blocklist;
import org.portcullis.config.PortcullisConfig;
import org.portcullis.lists.WhitelistRequests;
import org.portcullis.lists.Whitelists;
import org.portcullis.notices.Notifier;
import org.portcullis.store.Store;
import org.portcullis.store.sqlite.SqliteStore;

/**
 * The store and the services on it, built once per process from the configuration: the gateway
 * and every CLI command that works on the store take them from here. This is the one place that
 * chooses the store's implementation, so another backend is a change to {@code app} and
 * {@code store} only. Thread-safe as its parts are.
 */
public final class Services implements AutoCloseable {

  private final Store store;
  private final Notifier notifier;
  private final Blocklist blocklist;
  private final Whitelists whitelists;
  private final WhitelistRequests requests;

  private Services(Store store, PortcullisConfig config, Clock clock) {
    this.store = store;
    // Answers to requesters go to the store's outbox; the running server sends them.
    this.notifier = new Notifier(store.outbox(), config.web().publicUrl(), clock);
    this.blocklist = new Blocklist(store.blocklist(), config.blocklist().settings(), clock, notifier);
    this.whitelists = new Whitelists(store.lists(), clock);
    this.requests = new WhitelistRequests(store.lists(), clock, notifier, Optional.of(store.refusals()));
  }

  /** Opens (and migrates) the configured store and builds the services on it. */
  public static Services open(PortcullisConfig config, Clock clock) {
    return new Services(SqliteStore.open(config.storeFile()), config, clock);
  }

  public Store store() {
    return store;
  }

  public Notifier notifier() {
    return notifier;
  }

  /** Our blocklist, whether or not the gateway serves it ({@code blocklist.enabled}). */
  public Blocklist blocklist() {
    return blocklist;
  }

  public Whitelists whitelists() {
    return whitelists;
  }

  public WhitelistRequests requests() {
    return requests;
  }

  @Override
  public void close() {
    store.close();
  }
}
