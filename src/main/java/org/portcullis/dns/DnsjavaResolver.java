package org.portcullis.dns;

import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.ExtendedResolver;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Message;
import org.xbill.DNS.NSRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.PTRRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Resolver;
import org.xbill.DNS.ResolverConfig;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;
import org.xbill.DNS.io.DefaultIoClientFactory;
import org.xbill.DNS.io.IoClientFactory;
import org.xbill.DNS.io.TcpIoClient;
import org.xbill.DNS.io.UdpIoClient;

/**
 * {@link DnsResolver} over dnsjava's asynchronous stub resolver: recursive queries to the
 * configured servers (or those of /etc/resolv.conf), EDNS0, TCP fallback on truncation.
 *
 * <p>Thread-safe. CNAME chains in the answer section are followed (up to 8 links); the TTL of an
 * answer is the smallest TTL on the chain; a negative answer's TTL comes from the SOA in the
 * authority section (RFC 2308 section 5).
 */
public final class DnsjavaResolver implements DnsResolver {

  private static final int MAX_CNAME_LINKS = 8;

  /**
   * Where answers are handled and their dependents run (the next lookup of a chain, a waiting
   * check's wake-up; nothing that blocks): two daemon threads of our own. dnsjava's default is the
   * common fork-join pool, one thread on a two-core machine: any task blocking it (a test client, a
   * library's join) stalled every lookup of the gateway until the checks timed out. A fork-join
   * pool of its own keeps the common pool's cheap hand-offs: a virtual thread per answer cost about
   * a quarter of the DNS-heavy acceptance rate here, a fixed thread pool about an eighth.
   */
  private static final java.util.concurrent.Executor ANSWERS = new java.util.concurrent.ForkJoinPool(2,
      pool -> {
        java.util.concurrent.ForkJoinWorkerThread t = java.util.concurrent.ForkJoinPool.defaultForkJoinWorkerThreadFactory
            .newThread(pool);
        t.setName("dns-answer-" + t.getPoolIndex());
        t.setDaemon(true);
        return t;
      }, null, true);

  private final Resolver resolver;

  /**
   * @param servers the recursive servers to ask; empty means those of the system configuration
   * @param timeout how long to wait for one server before trying the next or retrying
   * @param attempts how many times each server is asked before the lookup times out (at least 1)
   * @throws IllegalArgumentException if attempts is below 1, or there are no servers at all
   */
  public DnsjavaResolver(List<InetSocketAddress> servers, Duration timeout, int attempts) {
    this(servers, timeout, attempts, 4);
  }

  /**
   * @param udpSockets persistent UDP sockets per loopback server ({@link ReusableUdpClient}); 0 for
   *     dnsjava's one socket per query everywhere. Servers not on loopback always get one socket per query.
   */
  public DnsjavaResolver(List<InetSocketAddress> servers, Duration timeout, int attempts, int udpSockets) {
    if (attempts < 1) {
      throw new IllegalArgumentException("attempts must be at least 1, not " + attempts);
    }
    List<InetSocketAddress> targets = servers.isEmpty() ? ResolverConfig.getCurrentConfig().servers() : servers;
    if (targets.isEmpty()) {
      throw new IllegalArgumentException("no DNS servers configured and none found in the system configuration");
    }
    List<Resolver> resolvers = new ArrayList<>();
    IoClientFactory io = udpSockets > 0 ? ioFactory(new ReusableUdpClient(udpSockets)) : null;
    for (InetSocketAddress target : targets) {
      SimpleResolver simple = new SimpleResolver(target);
      if (io != null && persistentSockets(target)) {
        simple.setIoClientFactory(io);
      }
      simple.setTimeout(timeout);
      simple.setEDNS(0, 1232, 0, List.of());
      resolvers.add(simple);
    }
    ExtendedResolver extended = new ExtendedResolver(resolvers);
    extended.setRetries(attempts);
    extended.setLoadBalance(false);
    extended.setTimeout(timeout.multipliedBy((long) attempts * targets.size()).plusMillis(100));
    this.resolver = extended;
  }

  @Override
  public CompletableFuture<DnsAnswer> lookup(String name, DnsType type) {
    String normalized = normalize(name);
    Name qname;
    try {
      qname = Name.fromString(normalized.isEmpty() ? "." : normalized + ".");
    } catch (TextParseException e) {
      return CompletableFuture.completedFuture(DnsAnswer.failure(normalized, type, DnsStatus.ERROR));
    }
    Message query = Message.newQuery(Record.newRecord(qname, typeCode(type), DClass.IN));
    return resolver.sendAsync(query, ANSWERS)
        .toCompletableFuture()
        .handle((response, error) -> error != null
            ? DnsAnswer.failure(normalized, type, classify(error))
            : toAnswer(normalized, qname, type, response));
  }

  /**
   * Whether queries to {@code server} may use the persistent sockets: only a resolver on loopback
   * (the usual deployment, a local unbound), which no off-path attacker can answer for. Towards
   * any other server each query gets dnsjava's fresh socket on a random source port, with a random
   * id (RFC 5452): 32 bits an off-path spoofer must guess instead of 16.
   */
  static boolean persistentSockets(InetSocketAddress server) {
    return server.getAddress() != null && server.getAddress().isLoopbackAddress();
  }

  private static IoClientFactory ioFactory(ReusableUdpClient udp) {
    TcpIoClient tcp = new DefaultIoClientFactory().createOrGetTcpClient();
    return new IoClientFactory() {
      @Override
      public TcpIoClient createOrGetTcpClient() {
        return tcp;
      }

      @Override
      public UdpIoClient createOrGetUdpClient() {
        return udp;
      }
    };
  }

  static String normalize(String name) {
    String lower = name.toLowerCase(Locale.ROOT);
    return lower.endsWith(".") ? lower.substring(0, lower.length() - 1) : lower;
  }

  private static DnsStatus classify(Throwable error) {
    for (Throwable t = error; t != null; t = t.getCause()) {
      // dnsjava's ExtendedResolver reports its overall timeout as a plain IOException "Timed out ..."
      boolean timedOut = t.getMessage() != null && t.getMessage().toLowerCase(Locale.ROOT).contains("timed out");
      if (t instanceof TimeoutException || t instanceof SocketTimeoutException || timedOut) {
        return DnsStatus.TIMEOUT;
      }
    }
    return DnsStatus.ERROR;
  }

  static DnsAnswer toAnswer(String name, Name qname, DnsType type, Message response) {
    int rcode = response.getRcode();
    if (rcode == Rcode.NXDOMAIN) {
      return new DnsAnswer(name, type, DnsStatus.NXDOMAIN, List.of(), negativeTtl(response));
    }
    if (rcode == Rcode.SERVFAIL || rcode == Rcode.REFUSED) {
      return DnsAnswer.failure(name, type, DnsStatus.SERVFAIL);
    }
    if (rcode != Rcode.NOERROR) {
      return DnsAnswer.failure(name, type, DnsStatus.ERROR);
    }
    List<Record> answers = response.getSection(Section.ANSWER);
    int wanted = typeCode(type);
    Name current = qname;
    long ttl = Long.MAX_VALUE;
    for (int link = 0; link <= MAX_CNAME_LINKS; link++) {
      List<DnsRecord> found = new ArrayList<>();
      Name cnameTarget = null;
      for (Record record : answers) {
        if (!record.getName().equals(current)) {
          continue;
        }
        if (record.getType() == wanted) {
          found.add(convert(record));
          ttl = Math.min(ttl, record.getTTL());
        } else if (record.getType() == Type.CNAME && wanted != Type.CNAME) {
          cnameTarget = ((CNAMERecord) record).getTarget();
          ttl = Math.min(ttl, record.getTTL());
        }
      }
      if (!found.isEmpty()) {
        return new DnsAnswer(name, type, DnsStatus.NOERROR, found, ttl);
      }
      if (cnameTarget == null) {
        break;
      }
      current = cnameTarget;
    }
    return new DnsAnswer(name, type, DnsStatus.NODATA, List.of(), negativeTtl(response));
  }

  private static long negativeTtl(Message response) {
    for (Record record : response.getSection(Section.AUTHORITY)) {
      if (record instanceof SOARecord soa) {
        return Math.min(soa.getTTL(), soa.getMinimum());
      }
    }
    return 0;
  }

  /**
   * The TXT strings joined, as raw text: {@code getStrings()} would give the zone-file form, with
   * quotes, backslashes and control characters escaped.
   */
  private static String txtText(TXTRecord txt) {
    StringBuilder out = new StringBuilder();
    for (byte[] piece : txt.getStringsAsByteArrays()) {
      out.append(new String(piece, java.nio.charset.StandardCharsets.UTF_8));
    }
    return out.toString();
  }

  private static DnsRecord convert(Record record) {
    return switch (record) {
      case ARecord a -> new DnsRecord.Address(a.getAddress());
      case AAAARecord aaaa -> new DnsRecord.Address(aaaa.getAddress());
      case PTRRecord ptr -> new DnsRecord.Name(nameText(ptr.getTarget()));
      case CNAMERecord cname -> new DnsRecord.Name(nameText(cname.getTarget()));
      case NSRecord ns -> new DnsRecord.Name(nameText(ns.getTarget()));
      case MXRecord mx -> new DnsRecord.Mx(mx.getPriority(), nameText(mx.getTarget()));
      case TXTRecord txt -> new DnsRecord.Txt(txtText(txt));
      case SOARecord soa -> new DnsRecord.Soa(nameText(soa.getHost()), nameText(soa.getAdmin()),
          soa.getSerial(), soa.getMinimum());
      default -> throw new IllegalStateException("unexpected record type " + Type.string(record.getType()));
    };
  }

  static String nameText(Name name) {
    return name.equals(Name.root) ? "" : name.toString(true).toLowerCase(Locale.ROOT);
  }

  static int typeCode(DnsType type) {
    return switch (type) {
      case A -> Type.A;
      case AAAA -> Type.AAAA;
      case PTR -> Type.PTR;
      case MX -> Type.MX;
      case TXT -> Type.TXT;
      case NS -> Type.NS;
      case SOA -> Type.SOA;
      case CNAME -> Type.CNAME;
    };
  }
}
