package org.portcullis.dns;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A resolver that answers from a table instead of the network: for {@code policy-test} scripts
 * (an administrator can try a configuration against made-up DNS) and for unit tests. Names not in
 * the table are NXDOMAIN; a name with records of another type is NODATA. Thread-safe.
 */
public final class StaticDnsResolver implements DnsResolver {

  private record Key(String name, DnsType type) {}

  private final Map<Key, List<DnsRecord>> records = new ConcurrentHashMap<>();
  private final Map<Key, DnsStatus> failures = new ConcurrentHashMap<>();
  private final Map<String, Boolean> names = new ConcurrentHashMap<>();

  /** Adds a record; the name is normalized (lower case, no trailing dot). */
  public StaticDnsResolver add(String name, DnsType type, DnsRecord record) {
    String n = DnsjavaResolver.normalize(name);
    records.computeIfAbsent(new Key(n, type), k -> new java.util.concurrent.CopyOnWriteArrayList<>()).add(record);
    names.put(n, true);
    return this;
  }

  /** Makes lookups of {@code name}/{@code type} end with a failure status (SERVFAIL, TIMEOUT...). */
  public StaticDnsResolver fail(String name, DnsType type, DnsStatus status) {
    failures.put(new Key(DnsjavaResolver.normalize(name), type), status);
    return this;
  }

  /** Marks a name as existing (so other types are NODATA, not NXDOMAIN). */
  public StaticDnsResolver exists(String name) {
    names.put(DnsjavaResolver.normalize(name), true);
    return this;
  }

  @Override
  public CompletableFuture<DnsAnswer> lookup(String name, DnsType type) {
    String n = DnsjavaResolver.normalize(name);
    Key key = new Key(n, type);
    DnsStatus failure = failures.get(key);
    if (failure != null) {
      return CompletableFuture.completedFuture(DnsAnswer.failure(n, type, failure));
    }
    List<DnsRecord> found = records.get(key);
    if (found != null && !found.isEmpty()) {
      return CompletableFuture.completedFuture(new DnsAnswer(n, type, DnsStatus.NOERROR, new ArrayList<>(found), 300));
    }
    DnsStatus status = names.containsKey(n) ? DnsStatus.NODATA : DnsStatus.NXDOMAIN;
    return CompletableFuture.completedFuture(new DnsAnswer(n, type, status, List.of(), 300));
  }
}
