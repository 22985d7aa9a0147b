package org.portcullis.blocklist;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The current {@link ListingIndex}, kept up to date from the store: {@link #refresh} expires due
 * listings and applies every change made since the last call (by this process or another, such
 * as the CLI). The gateway calls it every 250 ms, so a change reaches DNS answers and the
 * gateway's own check within a second.
 *
 * <p>Thread-safe: readers take {@link #current} without locks; one thread refreshes.
 */
public final class LiveListings {

  private static final Logger log = LoggerFactory.getLogger("portcullis.blocklist");
  private static final int BATCH = 200_000;

  private final Blocklist blocklist;
  private final AtomicLong sequence = new AtomicLong();
  private volatile ListingIndex current = ListingIndex.EMPTY;

  public LiveListings(Blocklist blocklist) {
    this.blocklist = blocklist;
  }

  public ListingIndex current() {
    return current;
  }

  /** The last change applied: the zone's SOA serial. */
  public long sequence() {
    return sequence.get();
  }

  public Blocklist blocklist() {
    return blocklist;
  }

  /**
   * Expires due listings, then loads every change since the last refresh.
   *
   * @return how many changes were applied
   */
  public synchronized int refresh() {
    int expired = blocklist.expireDue();
    if (expired > 0) {
      log.info("{} listing(s) expired", expired);
    }
    int applied = 0;
    while (true) {
      List<BlocklistStore.Change> changes = blocklist.store().changesSince(sequence.get(), BATCH);
      if (changes.isEmpty()) {
        return applied;
      }
      current = current.apply(changes);
      sequence.set(changes.getLast().sequence());
      applied += changes.size();
      if (changes.size() < BATCH) {
        return applied;
      }
    }
  }
}
