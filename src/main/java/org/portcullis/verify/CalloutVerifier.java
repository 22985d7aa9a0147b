package org.portcullis.verify;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.portcullis.delivery.NextHops;
import org.portcullis.mail.EmailAddress;
import org.portcullis.mail.PublicAddresses;

/**
 * Verifies addresses by asking the server that takes their mail ({@link Callout}): the internal
 * server behind us for our recipients, the domain's MX hosts for a sender. At most
 * {@code concurrency} callouts at once; waiting for a turn counts against the deadline, and a
 * callout that cannot start in time is unknown, never a pass. Thread-safe, uncached (see
 * {@link CachingVerifier}).
 */
public final class CalloutVerifier implements AddressVerifier {

  /** Where the callout for an address goes, or the answer when DNS already gave one. */
  public sealed interface Targets {
    /**
     * @param source the address to send from (the one our mail to that domain leaves from)
     */
    record Hosts(List<InetSocketAddress> hosts, Optional<InetAddress> source) implements Targets {}

    /** No callout is needed or possible: DNS said so. */
    record Answer(Verification verification) implements Targets {}
  }

  /** Finds the {@link Targets} of an address. */
  @FunctionalInterface
  public interface Router {
    Targets route(EmailAddress address);
  }

  private final Router router;
  private final Callout.Settings settings;
  private final Semaphore turns;

  /**
   * @param helo our host name, given in EHLO
   * @param connectTimeout the longest one connection may take to open
   * @param concurrency at most this many callouts at once ({@code verify.concurrency})
   */
  public CalloutVerifier(Router router, String helo, java.time.Duration connectTimeout, int concurrency) {
    this.router = router;
    this.settings = new Callout.Settings(helo, connectTimeout);
    this.turns = new Semaphore(concurrency);
  }

  /**
   * Every address goes to one next hop, the internal server we relay our domains' mail to. Given by
   * name, it is looked up at each callout, as the relay transport does.
   */
  public static Router relayHost(InetSocketAddress host) {
    return address -> {
      String name = host.getHostString() + ":" + host.getPort();
      if (!host.isUnresolved()) {
        return new Targets.Hosts(List.of(host), Optional.empty());
      }
      try {
        return new Targets.Hosts(List.of(new InetSocketAddress(InetAddress.getByName(host.getHostString()),
            host.getPort())), Optional.empty());
      } catch (UnknownHostException e) {
        return new Targets.Answer(new Verification.Unknown(name, "the next hop's name does not resolve", true));
      }
    };
  }

  /**
   * An address goes to its domain's MX hosts, found as a delivery finds them (null MX, implicit MX,
   * preference order), on {@code port}, from the first source address our mail to that domain
   * would use. Addresses that are not public (private, loopback, link-local, reserved) are never
   * called unless {@code allowPrivate}: a stranger's DNS must not aim us at our own network.
   */
  public static Router mx(NextHops hops, int port, Function<String, List<Optional<InetAddress>>> sources,
      boolean allowPrivate) {
    return address -> {
      String domain = address.domain();
      return switch (hops.route(domain)) {
        case NextHops.Route.NullMx n -> new Targets.Answer(new Verification.Missing(domain,
            "the domain takes no mail (null MX, RFC 7505)", true));
        case NextHops.Route.Nowhere w -> new Targets.Answer(new Verification.Missing(domain, w.detail(), true));
        case NextHops.Route.Unknown u -> new Targets.Answer(new Verification.Unknown(domain, u.detail(), true));
        case NextHops.Route.Hosts h -> {
          List<InetSocketAddress> hosts = new ArrayList<>();
          List<String> refused = new ArrayList<>();
          for (NextHops.Host host : h.hosts()) {
            for (InetAddress a : host.addresses()) {
              if (allowPrivate || PublicAddresses.isPublic(a)) {
                hosts.add(new InetSocketAddress(a, port));
              } else {
                refused.add(host.name() + " [" + a.getHostAddress() + "]");
              }
            }
          }
          if (hosts.isEmpty()) {
            yield new Targets.Answer(new Verification.Unknown(domain, "its mail hosts have no public address: "
                + String.join(", ", refused), true));
          }
          List<Optional<InetAddress>> from = sources.apply(domain);
          yield new Targets.Hosts(List.copyOf(hosts.subList(0, Math.min(hosts.size(), NextHops.HOSTS_MAX))),
              from.isEmpty() ? Optional.empty() : from.getFirst());
        }
      };
    };
  }

  @Override
  public Verification verify(EmailAddress address, long deadlineNanos) {
    String domain = address.domain();
    Targets targets;
    try {
      targets = router.route(address);
    } catch (RuntimeException e) {
      return new Verification.Unknown(domain, "finding where to ask failed: " + e.getMessage(), true);
    }
    if (targets instanceof Targets.Answer(Verification answer)) {
      return answer;
    }
    Targets.Hosts hosts = (Targets.Hosts) targets;
    try {
      if (!turns.tryAcquire(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS)) {
        return new Verification.Unknown(domain, "too many verifications at once", false);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Verification.Unknown(domain, "interrupted", false);
    }
    try {
      return judged(Callout.ask(hosts.hosts(), hosts.source(), List.of(address.toString()), settings, deadlineNanos),
          domain);
    } finally {
      turns.release();
    }
  }

  /** A reply's meaning: 2xx exists, 5xx missing, anything else unknown (never a 5xx from a 4xx). */
  static Verification judged(Callout.Outcome outcome, String domain) {
    return switch (outcome) {
      case Callout.Outcome.Failed f -> new Verification.Unknown(domain, f.why(), true);
      case Callout.Outcome.Answered a when a.mailFrom().permanent() -> new Verification.Missing(a.host(),
          "refuses the null sender, which every server must take (RFC 5321 4.5.5): " + a.mailFrom(), true);
      case Callout.Outcome.Answered a when !a.mailFrom().positive() -> new Verification.Unknown(a.host(),
          "MAIL FROM:<> answered " + a.mailFrom(), true);
      case Callout.Outcome.Answered a -> {
        Callout.Reply rcpt = a.recipients().getFirst();
        if (rcpt.positive()) {
          yield new Verification.Exists(a.host(), rcpt.text());
        }
        yield rcpt.permanent() ? new Verification.Missing(a.host(), rcpt.text(), false)
            : new Verification.Unknown(a.host(), rcpt.text(), false);
      }
    };
  }
}
