package org.portcullis.diagnose;

import java.net.InetAddress;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.portcullis.dns.DnsAnswer;
import org.portcullis.dns.DnsResolver;
import org.portcullis.dns.DnsStatus;
import org.portcullis.dns.DnsType;
import org.portcullis.dns.HostAddresses;
import org.portcullis.dns.ReverseDns;

/**
 * The DNS answers of one diagnosis, each asked once however many probes need it (through the
 * gateway's resolver, so its cache too): every probe judges the same answer. Thread-safe.
 */
public final class Lookups {

  private final DnsResolver dns;
  private final Map<String, CompletableFuture<DnsAnswer>> answers = new ConcurrentHashMap<>();
  private final Map<String, CompletableFuture<List<DnsAnswer>>> hosts = new ConcurrentHashMap<>();
  private final Map<InetAddress, CompletableFuture<ReverseDns>> reverse = new ConcurrentHashMap<>();

  public Lookups(DnsResolver dns) {
    this.dns = dns;
  }

  public DnsResolver resolver() {
    return dns;
  }

  /** One lookup, waited for until the deadline (then {@link DnsStatus#TIMEOUT}). */
  public DnsAnswer answer(String name, DnsType type, long deadlineNanos) {
    String key = type + " " + name.toLowerCase(Locale.ROOT);
    return await(answers.computeIfAbsent(key, k -> dns.lookup(name, type)), deadlineNanos,
        DnsAnswer.failure(name, type, DnsStatus.TIMEOUT));
  }

  /** A host's A and AAAA answers. */
  public List<DnsAnswer> addresses(String host, long deadlineNanos) {
    return await(hosts.computeIfAbsent(host.toLowerCase(Locale.ROOT), h -> HostAddresses.lookup(dns, h)),
        deadlineNanos, List.of(DnsAnswer.failure(host, DnsType.A, DnsStatus.TIMEOUT)));
  }

  /** The address's PTR names and whether each resolves back, as the gateway's rDNS checks see them. */
  public ReverseDns reverse(InetAddress address, long deadlineNanos) {
    return await(reverse.computeIfAbsent(address, a -> ReverseDns.lookup(dns, a)), deadlineNanos, null);
  }

  private static <T> T await(CompletableFuture<T> future, long deadlineNanos, T onTimeout) {
    try {
      return future.get(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
    } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException e) {
      return onTimeout;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return onTimeout;
    }
  }
}
