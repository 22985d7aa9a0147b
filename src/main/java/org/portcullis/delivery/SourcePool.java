package org.portcullis.delivery;

import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import org.portcullis.mail.Addresses;
import org.portcullis.mail.SmtpReply;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The source addresses outbound connections come from (a host with several outgoing
 * addresses, some of them blacklisted), and which of them may be used now: mail is spread over
 * the healthy ones in turn; an address listed on one of our DNS lists is suspended everywhere
 * until its listing goes; an address a destination refused as blacklisted is suspended for that
 * destination for a while, and everywhere once enough destinations did so. Suspensions are kept
 * in the store, so {@code portcullis pool status} sees them and a restart keeps them.
 * Thread-safe.
 */
public final class SourcePool {

  private static final Logger log = LoggerFactory.getLogger("portcullis.delivery");

  /** Words by which a refusal says the source address is on a blocklist. */
  public static final List<String> DEFAULT_PATTERNS = List.of("black ?list", "block ?list", "\\blisted\\b",
      "\\bdnsbl\\b", "\\brbl\\b", "spamhaus", "spamcop", "barracuda", "sorbs", "\\buceprotect", "\\bpsbl\\b",
      "blocked using", "poor reputation");

  /**
   * Why an address is not used, for a destination domain or (empty) for all.
   *
   * @param address the source address
   * @param destination the domain it is suspended for; empty: everywhere
   * @param reason what was seen: the remote's whole reply, or the DNS list's answer
   * @param fromHealthCheck whether our own DNS list check suspended it (lifted when delisted)
   * @param since when it began
   * @param until when it ends by itself; empty: when the health check finds the address clean
   */
  public record Suspension(InetAddress address, Optional<String> destination, String reason, boolean fromHealthCheck,
      Instant since, Optional<Instant> until) {

    boolean activeAt(Instant now) {
      return until.map(now::isBefore).orElse(true);
    }

    boolean covers(String domain) {
      return destination.isEmpty() || destination.get().equals(domain);
    }
  }

  private final List<InetAddress> addresses;
  private final Clock clock;
  private final Duration suspendFor;
  private final int everywhereAfter;
  private final List<Pattern> patterns;
  private final SuspensionStore store;
  private final List<Suspension> suspensions = new ArrayList<>();
  private final AtomicInteger turn = new AtomicInteger();

  /**
   * @param addresses the pool; empty: connections come from whatever address the system picks
   * @param suspendFor how long a destination's blacklist refusal suspends an address for it
   * @param everywhereAfter destinations refusing an address as blacklisted before it is suspended
   *     for all
   * @param patterns case-insensitive regular expressions that mark a refusal as a blacklisting
   */
  public SourcePool(List<InetAddress> addresses, Clock clock, Duration suspendFor, int everywhereAfter,
      List<String> patterns, SuspensionStore store) {
    this.addresses = List.copyOf(addresses);
    this.clock = clock;
    this.suspendFor = suspendFor;
    this.everywhereAfter = everywhereAfter;
    this.patterns = patterns.stream().map(p -> Pattern.compile(p, Pattern.CASE_INSENSITIVE)).toList();
    this.store = store;
    Instant now = clock.instant();
    for (Suspension s : store.load()) {
      if (this.addresses.contains(s.address()) && s.activeAt(now)) {
        suspensions.add(s);
      }
    }
  }

  public List<InetAddress> addresses() {
    return addresses;
  }

  /**
   * The addresses to try for {@code domain}, healthy ones only, starting from the next in turn;
   * a list with one empty element when there is no pool (the system picks).
   */
  public synchronized List<Optional<InetAddress>> candidates(String domain) {
    if (addresses.isEmpty()) {
      return List.of(Optional.empty());
    }
    Instant now = clock.instant();
    suspensions.removeIf(s -> !s.activeAt(now));
    List<Optional<InetAddress>> out = new ArrayList<>();
    int start = Math.floorMod(turn.getAndIncrement(), addresses.size());
    for (int i = 0; i < addresses.size(); i++) {
      InetAddress a = addresses.get((start + i) % addresses.size());
      if (suspensions.stream().noneMatch(s -> s.address().equals(a) && s.covers(domain))) {
        out.add(Optional.of(a));
      }
    }
    return out;
  }

  /** The suspensions that keep the pool's addresses from {@code domain} now, by address. */
  public synchronized List<Suspension> suspendedFor(String domain) {
    Instant now = clock.instant();
    return suspensions.stream().filter(s -> s.activeAt(now) && s.covers(domain)).toList();
  }

  /** The latest refusal-made suspension of the pool's addresses for {@code domain}, if every address is suspended for it. */
  public synchronized Optional<Suspension> refusedEverywhere(String domain) {
    return suspensions.stream().filter(s -> !s.fromHealthCheck() && s.covers(domain))
        .max((a, b) -> a.since().compareTo(b.since()));
  }

  /** Whether a reply says the source address is blacklisted: a 5xx whose text matches a pattern. */
  public boolean isBlacklisting(SmtpReply reply) {
    if (reply.code() / 100 != 5) {
      return false;
    }
    String text = String.join(" ", reply.lines()).toLowerCase(Locale.ROOT);
    return patterns.stream().anyMatch(p -> p.matcher(text).find());
  }

  /** {@code domain} refused mail from {@code address} as blacklisted: suspend it there (and everywhere past the threshold). */
  public synchronized void refused(InetAddress address, String domain, String reply) {
    Instant now = clock.instant();
    Suspension s = new Suspension(address, Optional.of(domain), reply, false, now, Optional.of(now.plus(suspendFor)));
    suspensions.removeIf(old -> old.address().equals(address) && old.destination().equals(s.destination())
        && !old.fromHealthCheck());
    suspensions.add(s);
    store.save(s);
    log.warn("source {} suspended for {} until {}: {}", Addresses.toText(address), domain, s.until().orElseThrow(),
        reply);
    long destinations = suspensions.stream().filter(o -> o.address().equals(address) && o.destination().isPresent()
        && !o.fromHealthCheck()).count();
    if (destinations >= everywhereAfter && suspensions.stream().noneMatch(o -> o.address().equals(address)
        && o.destination().isEmpty() && !o.fromHealthCheck())) {
      Suspension all = new Suspension(address, Optional.empty(), destinations + " destinations refused it as "
          + "blacklisted; latest " + domain + ": " + reply, false, now, Optional.of(now.plus(suspendFor)));
      suspensions.add(all);
      store.save(all);
      log.warn("source {} suspended for all destinations until {}: {}", Addresses.toText(address),
          all.until().orElseThrow(), all.reason());
    }
  }

  /** Our DNS list check found {@code address} listed: suspend it everywhere until it is not. */
  public synchronized void listed(InetAddress address, String why) {
    boolean already = suspensions.stream().anyMatch(s -> s.address().equals(address) && s.fromHealthCheck());
    if (already) {
      return;
    }
    Suspension s = new Suspension(address, Optional.empty(), why, true, clock.instant(), Optional.empty());
    suspensions.add(s);
    store.save(s);
    log.warn("source {} suspended: {}", Addresses.toText(address), why);
  }

  /** Our DNS list check found {@code address} on no list: lift the check's suspension. */
  public synchronized void clean(InetAddress address) {
    if (suspensions.removeIf(s -> s.address().equals(address) && s.fromHealthCheck())) {
      store.remove(address, Optional.empty(), true);
      log.info("source {} resumed: no longer listed", Addresses.toText(address));
    }
  }

  /** Every address and its active suspensions, for {@code pool status} and the metrics. */
  public synchronized List<Suspension> suspensions() {
    Instant now = clock.instant();
    return suspensions.stream().filter(s -> s.activeAt(now)).toList();
  }
}
