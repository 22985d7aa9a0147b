package org.portcullis.dns;

import java.util.List;
import java.util.stream.Collectors;

/**
 * The outcome of one lookup: a status, the records of the asked type (after following CNAMEs),
 * and how long the outcome may be cached.
 *
 * @param name the name asked, lower case, without the trailing dot
 * @param type the type asked
 * @param status how the lookup ended
 * @param records the records; empty unless {@code status} is {@link DnsStatus#NOERROR}
 * @param ttlSeconds the smallest TTL of the answer, or the RFC 2308 negative TTL
 */
public record DnsAnswer(String name, DnsType type, DnsStatus status, List<DnsRecord> records, long ttlSeconds) {

  public DnsAnswer {
    records = List.copyOf(records);
    if (status == DnsStatus.NOERROR && records.isEmpty()) {
      throw new IllegalArgumentException("NOERROR needs records; use NODATA for " + name + "/" + type);
    }
    if (status != DnsStatus.NOERROR && !records.isEmpty()) {
      throw new IllegalArgumentException(status + " cannot carry records for " + name + "/" + type);
    }
    if (ttlSeconds < 0) {
      throw new IllegalArgumentException("negative TTL " + ttlSeconds + " for " + name);
    }
  }

  public static DnsAnswer failure(String name, DnsType type, DnsStatus status) {
    return new DnsAnswer(name, type, status, List.of(), 0);
  }

  /** The records of one kind, e.g. {@code answer.recordsOf(DnsRecord.Address.class)}. */
  public <T extends DnsRecord> List<T> recordsOf(Class<T> kind) {
    return records.stream().filter(kind::isInstance).map(kind::cast).toList();
  }

  /** A one-line summary for explanations: {@code "mx.example.com/A -> 192.0.2.1, 192.0.2.2"}. */
  public String summary() {
    String head = name + "/" + type + " -> ";
    if (status == DnsStatus.NOERROR) {
      return head + records.stream().map(DnsRecord::toString).collect(Collectors.joining(", "));
    }
    return head + status;
  }
}
