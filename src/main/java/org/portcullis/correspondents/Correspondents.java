package org.portcullis.correspondents;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.portcullis.mail.Addresses;
import org.portcullis.mail.EmailAddress;
import org.portcullis.mail.MailPath;
import org.portcullis.mail.Recipient;
import org.portcullis.policy.LiveExceptions;
import org.portcullis.policy.SessionView;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Remembers whom our users write to and lets their replies through the soft checks: for a message
 * whose sender is an address one of our users wrote to in the last {@code lifetime}, to that user,
 * greylisting and DNS lists are skipped (a {@link LiveExceptions} like an allow entry, named in the
 * log). Lookups are cached for a short while; a new pair applies at once. Thread-safe.
 */
public final class Correspondents implements LiveExceptions {

  /** The checks a reply from a correspondent skips: the soft ones, never relay control, deny entries or DMARC. */
  public static final Set<String> SKIPPED = Set.of("greylist", "dnsbl");
  private static final Logger log = LoggerFactory.getLogger("portcullis.correspondents");

  private final CorrespondentStore store;
  private final Duration lifetime;
  private final long keep;
  private final Clock clock;
  private final boolean trustDeliveryHosts;
  private static final String HOST = "host ";
  private final Cache<String, Boolean> known = Caffeine.newBuilder().maximumSize(100_000)
      .expireAfterWrite(Duration.ofSeconds(30)).build();

  /**
   * @param lifetime how long a correspondent is remembered after our user last wrote to it
   * @param keep the most pairs kept (the oldest go first)
   */
  public Correspondents(CorrespondentStore store, Duration lifetime, long keep, Clock clock) {
    this(store, lifetime, keep, false, clock);
  }

  /**
   * @param trustDeliveryHosts mail from the servers we delivered to skips the soft checks too
   *     ({@code correspondents.trust-delivery-hosts}; "many servers auto-whitelist the IP of the
   *     recipient's mail server", seed 001)
   */
  public Correspondents(CorrespondentStore store, Duration lifetime, long keep, boolean trustDeliveryHosts,
      Clock clock) {
    this.store = store;
    this.lifetime = lifetime;
    this.keep = keep;
    this.trustDeliveryHosts = trustDeliveryHosts;
    this.clock = clock;
  }

  /**
   * Delivery handed mail for {@code domain} to the server at {@code address}: with
   * {@code trust-delivery-hosts}, that server's own mail skips the soft checks for the lifetime.
   */
  public void deliveredTo(String domain, InetAddress address) {
    if (!trustDeliveryHosts) {
      return;
    }
    String text = Addresses.toText(address);
    try {
      store.deliveredTo(text, clock.instant());
      known.put(HOST + text, Boolean.TRUE);
    } catch (RuntimeException e) {
      log.warn("cannot remember {} (a mail server of {}) as delivered to: {}", text, domain, e.getMessage());
    }
  }

  /**
   * A message our user {@code sender} sends (submission or the LAN): its recipients outside
   * {@code ourDomains} become its correspondents. The null sender (a bounce) writes to nobody.
   */
  public void sent(MailPath sender, List<Recipient> recipients, List<String> ourDomains) {
    if (sender.isNull()) {
      return;
    }
    String user = normal(sender.address());
    for (Recipient r : recipients) {
      if (ourDomains.contains(r.address().domain().toLowerCase(Locale.ROOT))) {
        continue;
      }
      String correspondent = normal(r.address());
      try {
        store.wrote(user, correspondent, clock.instant());
        known.put(key(user, correspondent), Boolean.TRUE);
      } catch (RuntimeException e) {
        log.warn("cannot remember {} as a correspondent of {}: {}", correspondent, user, e.getMessage());
      }
    }
  }

  @Override
  public Optional<Skip> skipped(SessionView session, Optional<Recipient> recipient) {
    Optional<Skip> host = trustDeliveryHosts ? deliveryHost(session) : Optional.empty();
    if (host.isPresent()) {
      return host;
    }
    Optional<MailPath> sender = session.sender();
    if (recipient.isEmpty() || sender.isEmpty() || sender.get().isNull()) {
      return Optional.empty();
    }
    String user = normal(recipient.get().address());
    String correspondent = normal(sender.get().address());
    Boolean wrote = known.get(key(user, correspondent), k -> {
      try {
        return store.wroteTo(user, correspondent, clock.instant().minus(lifetime));
      } catch (RuntimeException e) {
        return null; // unknown: nothing skipped, asked again next time
      }
    });
    if (wrote == null || !wrote) {
      return Optional.empty();
    }
    return Optional.of(new Skip(SKIPPED::contains, "greylist and dnsbl skipped, a reply: " + user + " wrote to "
        + correspondent + " in the last " + lifetime.toDays() + " days", false));
  }

  /** The client is a mail server we delivered to within the lifetime. */
  private Optional<Skip> deliveryHost(SessionView session) {
    String address = session.client().addressText();
    Boolean delivered = known.get(HOST + address, k -> {
      try {
        return store.deliveredToSince(address, clock.instant().minus(lifetime));
      } catch (RuntimeException e) {
        return null; // unknown: nothing skipped, asked again next time
      }
    });
    if (delivered == null || !delivered) {
      return Optional.empty();
    }
    return Optional.of(new Skip(SKIPPED::contains, "greylist and dnsbl skipped, [" + address + "] is a mail server we "
        + "delivered to in the last " + lifetime.toDays() + " days", false));
  }

  /** Forgets correspondents past their lifetime and beyond the cap; returns how many. */
  public int prune() {
    return store.prune(clock.instant().minus(lifetime), keep);
  }

  private static String normal(EmailAddress address) {
    return (address.localPart() + "@" + address.domain()).toLowerCase(Locale.ROOT);
  }

  private static String key(String user, String correspondent) {
    return user + " " + correspondent;
  }
}
