package org.portcullis.testing;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.portcullis.dns.ReverseName;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.PTRRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * A small authoritative DNS server on loopback for integration tests: it answers UDP and TCP on
 * one ephemeral port from records the test adds, NXDOMAIN (with an SOA, for negative caching)
 * for unknown names, SERVFAIL for names marked broken, and nothing at all (a timeout) for names
 * marked silent. The gateway's real resolver path (dnsjava, our adapter and cache) talks to it.
 */
public final class TestDnsServer implements AutoCloseable {

  private static final long TTL = 300;

  private final DatagramSocket udp;
  private final ServerSocket tcp;
  private final Map<Name, List<Record>> records = new ConcurrentHashMap<>();
  private final Set<Name> broken = ConcurrentHashMap.newKeySet();
  private final Set<Name> silent = ConcurrentHashMap.newKeySet();
  /** Name and type ("example.com./16") whose queries get no answer. */
  private final Set<String> silentTypes = ConcurrentHashMap.newKeySet();
  private final AtomicInteger queries = new AtomicInteger();
  private final SOARecord soa;
  private volatile boolean closed;

  private TestDnsServer(DatagramSocket udp, ServerSocket tcp) throws TextParseException {
    this.udp = udp;
    this.tcp = tcp;
    this.soa = new SOARecord(Name.root, DClass.IN, 60, Name.fromString("ns.test."),
        Name.fromString("hostmaster.test."), 1, 3600, 600, 86400, 60);
    Thread.ofVirtual().name("test-dns-udp").start(this::serveUdp);
    Thread.ofVirtual().name("test-dns-tcp").start(this::serveTcp);
  }

  /** Starts on 127.0.0.1, UDP and TCP on the same ephemeral port. */
  public static TestDnsServer start() throws IOException {
    for (int attempt = 0; attempt < 20; attempt++) {
      DatagramSocket udp = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      try {
        ServerSocket tcp = new ServerSocket();
        tcp.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), udp.getLocalPort()), 50);
        return new TestDnsServer(udp, tcp);
      } catch (IOException taken) {
        udp.close();
      }
    }
    throw new IOException("no free port for both UDP and TCP");
  }

  public InetSocketAddress address() {
    return new InetSocketAddress(InetAddress.getLoopbackAddress(), udp.getLocalPort());
  }

  /** "127.0.0.1:port", for configuration files. */
  public String addressText() {
    return "127.0.0.1:" + udp.getLocalPort();
  }

  public int queries() {
    return queries.get();
  }

  // ---- zone data ----

  public TestDnsServer a(String name, String address) {
    return add(name, n -> new ARecord(n, DClass.IN, TTL, ip(address)));
  }

  public TestDnsServer aaaa(String name, String address) {
    return add(name, n -> new AAAARecord(n, DClass.IN, TTL, ip(address)));
  }

  public TestDnsServer ptr(String address, String target) {
    return add(ReverseName.of(ip(address)), n -> new PTRRecord(n, DClass.IN, TTL, name(target)));
  }

  /** A PTR record at an owner name given as such ({@code 4.3.2.1.in-addr.arpa}). */
  public TestDnsServer ptrName(String owner, String target) {
    return add(owner, n -> new PTRRecord(n, DClass.IN, TTL, name(target)));
  }

  public TestDnsServer mx(String domain, int preference, String host) {
    return add(domain, n -> new MXRecord(n, DClass.IN, TTL, preference, host.equals(".") ? Name.root : name(host)));
  }

  public TestDnsServer txt(String name, String text) {
    return add(name, n -> new TXTRecord(n, DClass.IN, TTL, text));
  }

  /** A TXT record of several character-strings (each at most 255 octets). */
  public TestDnsServer txt(String name, java.util.List<String> strings) {
    return add(name, n -> new TXTRecord(n, DClass.IN, TTL, strings));
  }

  /** A DKIM key record for {@code key}, published as DNS carries long text: strings of at most 255 octets. */
  public TestDnsServer dkimKey(String selector, String domain, java.security.PublicKey key) {
    String record = "v=DKIM1; k=rsa; p=" + java.util.Base64.getEncoder().encodeToString(key.getEncoded());
    java.util.List<String> strings = new java.util.ArrayList<>();
    for (int at = 0; at < record.length(); at += 255) {
      strings.add(record.substring(at, Math.min(record.length(), at + 255)));
    }
    return txt(selector + "._domainkey." + domain, strings);
  }

  /**
   * Any record with its own TTL, its data in zone-file form: {@code record("example.test", "NS", 86400,
   * "ns1.example.test.")}.
   */
  public TestDnsServer record(String name, String type, long ttl, String data) {
    return add(name, n -> {
      try {
        return Record.fromString(n, Type.value(type), DClass.IN, ttl, data, Name.root);
      } catch (IOException e) {
        throw new IllegalArgumentException("not " + type + " data: " + data, e);
      }
    });
  }

  public TestDnsServer cname(String name, String target) {
    return add(name, n -> new CNAMERecord(n, DClass.IN, TTL, name(target)));
  }

  /** A client with full, forward-confirmed reverse DNS: PTR and A agree. */
  public TestDnsServer host(String address, String hostname) {
    ptr(address, hostname);
    return ip(address) instanceof java.net.Inet4Address ? a(hostname, address) : aaaa(hostname, address);
  }

  /** Queries for this name (any type) get SERVFAIL. */
  public TestDnsServer servfail(String name) {
    broken.add(name(name));
    return this;
  }

  /** Removes the name's records and its SERVFAIL or silent mark: it is NXDOMAIN again. */
  public TestDnsServer forget(String name) {
    Name n = name(name);
    records.remove(n);
    broken.remove(n);
    silent.remove(n);
    return this;
  }

  /** Queries for this name and type ({@code org.xbill.DNS.Type}) get no answer; other types are answered. */
  public TestDnsServer silent(String name, int type) {
    silentTypes.add(name(name) + "/" + type);
    return this;
  }

  /** Queries for this name (any type) get no answer: the client times out. */
  public TestDnsServer silent(String name) {
    silent.add(name(name));
    return this;
  }

  private TestDnsServer add(String name, java.util.function.Function<Name, Record> make) {
    Name n = name(name);
    records.computeIfAbsent(n, k -> new CopyOnWriteArrayList<>()).add(make.apply(n));
    return this;
  }

  private static Name name(String text) {
    try {
      return Name.fromString(text.endsWith(".") ? text : text + ".");
    } catch (TextParseException e) {
      throw new IllegalArgumentException(text, e);
    }
  }

  private static InetAddress ip(String text) {
    return InetAddress.ofLiteral(text);
  }

  // ---- serving ----

  private void serveUdp() {
    byte[] buffer = new byte[4096];
    while (!closed) {
      DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
      try {
        udp.receive(packet);
        byte[] query = java.util.Arrays.copyOf(packet.getData(), packet.getLength());
        byte[] answer = answer(query);
        if (answer != null) {
          udp.send(new DatagramPacket(answer, answer.length, packet.getSocketAddress()));
        }
      } catch (SocketException e) {
        return;
      } catch (IOException e) {
        // ignore one bad packet
      }
    }
  }

  private void serveTcp() {
    while (!closed) {
      try {
        Socket socket = tcp.accept();
        Thread.ofVirtual().start(() -> serveTcpConnection(socket));
      } catch (IOException e) {
        return;
      }
    }
  }

  private void serveTcpConnection(Socket socket) {
    try (socket) {
      DataInputStream in = new DataInputStream(socket.getInputStream());
      DataOutputStream out = new DataOutputStream(socket.getOutputStream());
      while (true) {
        int length = in.readUnsignedShort();
        byte[] query = in.readNBytes(length);
        byte[] answer = answer(query);
        if (answer == null) {
          continue;
        }
        out.writeShort(answer.length);
        out.write(answer);
        out.flush();
      }
    } catch (IOException done) {
      // client closed
    }
  }

  private byte[] answer(byte[] wire) {
    queries.incrementAndGet();
    Message query;
    try {
      query = new Message(wire);
    } catch (IOException e) {
      return null;
    }
    Record question = query.getQuestion();
    if (question == null || silent.contains(question.getName())
        || silentTypes.contains(question.getName() + "/" + question.getType())) {
      return null;
    }
    Message response = new Message(query.getHeader().getID());
    response.getHeader().setFlag(Flags.QR);
    response.getHeader().setFlag(Flags.AA);
    if (query.getHeader().getFlag(Flags.RD)) {
      response.getHeader().setFlag(Flags.RD);
    }
    response.addRecord(question, Section.QUESTION);
    if (broken.contains(question.getName())) {
      response.getHeader().setRcode(Rcode.SERVFAIL);
      return response.toWire();
    }
    Name name = question.getName();
    List<Record> found = records.get(name);
    if (found == null) {
      response.getHeader().setRcode(Rcode.NXDOMAIN);
      response.addRecord(soa, Section.AUTHORITY);
      return response.toWire();
    }
    boolean any = false;
    for (Record record : found) {
      if (record.getType() == question.getType()) {
        response.addRecord(record, Section.ANSWER);
        any = true;
      } else if (record.getType() == Type.CNAME && question.getType() != Type.CNAME) {
        response.addRecord(record, Section.ANSWER);
        List<Record> target = records.get(((CNAMERecord) record).getTarget());
        if (target != null) {
          target.stream().filter(r -> r.getType() == question.getType())
              .forEach(r -> response.addRecord(r, Section.ANSWER));
        }
        any = true;
      }
    }
    if (!any) {
      response.addRecord(soa, Section.AUTHORITY);
    }
    return response.toWire();
  }

  @Override
  public void close() {
    closed = true;
    udp.close();
    try {
      tcp.close();
    } catch (IOException ignored) {
      // closing
    }
  }
}
