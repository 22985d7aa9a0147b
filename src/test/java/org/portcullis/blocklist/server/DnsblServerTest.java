package org.portcullis.blocklist.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.portcullis.blocklist.BlocklistStore;
import org.portcullis.blocklist.Category;
import org.portcullis.blocklist.ListingIndex;
import org.portcullis.blocklist.ZoneSettings;
import org.portcullis.mail.Cidr;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;

/** The DNSBL server over real UDP and TCP sockets, queried by dnsjava's resolver. */
class DnsblServerTest {

  private final AtomicReference<ListingIndex> index = new AtomicReference<>(ListingIndex.EMPTY);
  private DnsblServer server;

  static ZoneSettings settings(String txt, boolean batched) {
    return new ZoneSettings(true, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), "bl.example.test",
        List.of("ns1.bl.example.test", "ns2.example.net"), "hostmaster@example.test", Duration.ofSeconds(300),
        Duration.ofSeconds(60), txt, List.of(Cidr.parse("127.0.0.0/8")), 1, batched, 16, Duration.ofSeconds(5), 16);
  }

  void start(String txt, boolean batched) throws Exception {
    server = new DnsblServer(settings(txt, batched), index::get, () -> 42);
    server.start();
  }

  @BeforeEach
  void list() {
    index.set(ListingIndex.EMPTY.apply(List.of(
        change(1, "192.0.2.9/32", Category.SPAM_SOURCE),
        change(2, "198.51.100.0/24", Category.MANUAL),
        change(3, "203.0.113.128/25", Category.REPORT),
        change(4, "2001:db8::25/128", Category.SPAM_TRAP),
        change(5, "2001:db8:1::/48", Category.MANUAL))));
  }

  static BlocklistStore.Change change(long seq, String network, Category category) {
    return new BlocklistStore.Change(seq, Cidr.parse(network), category, true);
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  private Message query(String name, int type, boolean tcp) throws Exception {
    SimpleResolver resolver = new SimpleResolver(server.localAddress());
    resolver.setTCP(tcp);
    resolver.setEDNS(-1);
    resolver.setIgnoreTruncation(true);
    resolver.setTimeout(Duration.ofSeconds(3));
    return resolver.send(Message.newQuery(Record.newRecord(Name.fromString(name), type, DClass.IN)));
  }

  private static List<String> answers(Message m) {
    List<String> out = new ArrayList<>();
    for (Record r : m.getSection(Section.ANSWER)) {
      out.add(switch (r) {
        case ARecord a -> "A " + a.getAddress().getHostAddress();
        case TXTRecord t -> "TXT " + String.join("", t.getStrings());
        default -> Type.string(r.getType()) + " " + r.rdataToString();
      });
    }
    return out;
  }

  @ParameterizedTest(name = "batched UDP: {0}")
  @ValueSource(booleans = {true, false})
  void aListedAddressAnswersItsCategoryAndALinkToTheEvidence(boolean batched) throws Exception {
    start(ZoneSettings.DEFAULT_TXT.replace("{portal}", "https://portal.example.test"), batched);
    for (boolean tcp : new boolean[] {false, true}) {
      Message a = query("9.2.0.192.bl.example.test.", Type.A, tcp);
      assertThat(a.getRcode()).isEqualTo(Rcode.NOERROR);
      assertThat(a.getHeader().getFlag(Flags.AA)).isTrue();
      assertThat(answers(a)).containsExactly("A 127.0.0.2");
      Message txt = query("9.2.0.192.bl.example.test.", Type.TXT, tcp);
      assertThat(answers(txt)).containsExactly(
          "TXT Listed on bl.example.test as spam source; see https://portal.example.test/lookup/192.0.2.9");
    }
  }

  @Test
  void anAddressNotListedIsNxdomainWithTheSoaForNegativeCaching() throws Exception {
    start(ZoneSettings.DEFAULT_TXT, true);
    Message m = query("10.2.0.192.bl.example.test.", Type.A, false);
    assertThat(m.getRcode()).isEqualTo(Rcode.NXDOMAIN);
    assertThat(m.getSection(Section.AUTHORITY)).singleElement().satisfies(soa -> {
      assertThat(soa.getType()).isEqualTo(Type.SOA);
      assertThat(soa.getName().toString()).isEqualTo("bl.example.test.");
      assertThat(soa.rdataToString()).contains("ns1.bl.example.test.", "hostmaster.example.test.", " 42 ");
    });
  }

  @Test
  void theTestPointsFollowRfc5782() throws Exception {
    start(ZoneSettings.DEFAULT_TXT, true);
    assertThat(answers(query("2.0.0.127.bl.example.test.", Type.A, false))).containsExactly("A 127.0.0.2");
    assertThat(query("1.0.0.127.bl.example.test.", Type.A, false).getRcode()).isEqualTo(Rcode.NXDOMAIN);
    String v6 = "2.0.0.0.0.0.f.7.f.f.f.f.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.bl.example.test.";
    assertThat(answers(query(v6, Type.A, false))).containsExactly("A 127.0.0.2");
    assertThat(query(v6.replaceFirst("^2", "1"), Type.A, false).getRcode()).isEqualTo(Rcode.NXDOMAIN);
  }

  @Test
  void networksAndIpv6NibbleNamesAreServed() throws Exception {
    start("{category} $", true);
    assertThat(answers(query("77.100.51.198.bl.example.test.", Type.A, false))).containsExactly("A 127.0.0.4");
    assertThat(answers(query("200.113.0.203.bl.example.test.", Type.ANY, false)))
        .containsExactly("A 127.0.0.5", "TXT reported 203.0.113.200");
    assertThat(query("127.113.0.203.bl.example.test.", Type.A, false).getRcode()).isEqualTo(Rcode.NXDOMAIN);
    String host = nibbles("20010db8000000000000000000000025");
    assertThat(answers(query(host + ".BL.Example.TEST.", Type.ANY, false)))
        .containsExactly("A 127.0.0.3", "TXT spam-trap hit 2001:db8::25");
    assertThat(answers(query(nibbles("20010db80001abcd0000000000000001") + ".bl.example.test.", Type.A, true)))
        .containsExactly("A 127.0.0.4");
    assertThat(query(nibbles("20010db80002abcd0000000000000001") + ".bl.example.test.", Type.A, false).getRcode())
        .isEqualTo(Rcode.NXDOMAIN);
  }

  static String nibbles(String hex) {
    StringBuilder out = new StringBuilder();
    for (int i = hex.length() - 1; i >= 0; i--) {
      out.append(hex.charAt(i));
      if (i > 0) {
        out.append('.');
      }
    }
    return out.toString();
  }

  @Test
  void theApexHasSoaAndNsAndOtherTypesAreNodata() throws Exception {
    start(ZoneSettings.DEFAULT_TXT, true);
    assertThat(answers(query("bl.example.test.", Type.NS, false)))
        .containsExactly("NS ns1.bl.example.test.", "NS ns2.example.net.");
    assertThat(query("bl.example.test.", Type.SOA, true).getSection(Section.ANSWER)).hasSize(1);
    Message aaaa = query("9.2.0.192.bl.example.test.", Type.AAAA, false);
    assertThat(aaaa.getRcode()).isEqualTo(Rcode.NOERROR);
    assertThat(aaaa.getSection(Section.ANSWER)).isEmpty();
    assertThat(aaaa.getSection(Section.AUTHORITY)).hasSize(1);
  }

  @Test
  void otherZonesAreRefused() throws Exception {
    start(ZoneSettings.DEFAULT_TXT, true);
    Message m = query("9.2.0.192.zen.example.", Type.A, false);
    assertThat(m.getRcode()).isEqualTo(Rcode.REFUSED);
    assertThat(m.getHeader().getFlag(Flags.AA)).isFalse();
    assertThat(query("example.test.", Type.A, true).getRcode()).isEqualTo(Rcode.REFUSED);
  }

  @Test
  void anAnswerTooBigForUdpIsTruncatedAndComesWholeOverTcpOrWithEdns() throws Exception {
    start("x".repeat(600) + " $", true);
    Message udp = query("9.2.0.192.bl.example.test.", Type.TXT, false);
    assertThat(udp.getHeader().getFlag(Flags.TC)).isTrue();
    assertThat(udp.getSection(Section.ANSWER)).isEmpty();
    Message tcp = query("9.2.0.192.bl.example.test.", Type.TXT, true);
    assertThat(tcp.getHeader().getFlag(Flags.TC)).isFalse();
    assertThat(answers(tcp)).containsExactly("TXT " + "x".repeat(600) + " 192.0.2.9");

    SimpleResolver edns = new SimpleResolver(server.localAddress());
    edns.setEDNS(0, 1232, 0, List.of());
    edns.setIgnoreTruncation(true);
    Message big = edns.send(Message.newQuery(Record.newRecord(Name.fromString("9.2.0.192.bl.example.test."), Type.TXT,
        DClass.IN)));
    assertThat(big.getHeader().getFlag(Flags.TC)).isFalse();
    assertThat(big.getOPT()).isNotNull();
    assertThat(answers(big)).hasSize(1);
  }

  @Test
  void anUnknownEdnsVersionGetsBadvers() throws Exception {
    start(ZoneSettings.DEFAULT_TXT, true);
    Message q = Message.newQuery(Record.newRecord(Name.fromString("9.2.0.192.bl.example.test."), Type.A, DClass.IN));
    q.addRecord(new OPTRecord(1232, 0, 1), Section.ADDITIONAL);
    SimpleResolver resolver = new SimpleResolver(server.localAddress());
    Message m = resolver.send(q);
    assertThat(m.getRcode()).isEqualTo(Rcode.BADVERS);
  }

  @Test
  void aListingChangeIsVisibleInTheNextAnswer() throws Exception {
    start(ZoneSettings.DEFAULT_TXT, true);
    assertThat(query("9.2.0.192.bl.example.test.", Type.A, false).getRcode()).isEqualTo(Rcode.NOERROR);
    index.set(index.get().apply(List.of(new BlocklistStore.Change(9, Cidr.parse("192.0.2.9"), Category.SPAM_SOURCE, false))));
    assertThat(query("9.2.0.192.bl.example.test.", Type.A, false).getRcode()).isEqualTo(Rcode.NXDOMAIN);
  }

  @Test
  void aConfiguredSecondaryTransfersTheZoneOverTcp() throws Exception {
    start("{category} $", true);
    List<Record> records = axfr(server.localAddress());
    assertThat(records.getFirst().getType()).isEqualTo(Type.SOA);
    assertThat(records.getLast().getType()).isEqualTo(Type.SOA);
    List<String> names = records.stream().filter(r -> r.getType() == Type.A).map(r -> r.getName().toString()).toList();
    assertThat(names).contains("2.0.0.127.bl.example.test.", "9.2.0.192.bl.example.test.",
        "*.100.51.198.bl.example.test.", "200.113.0.203.bl.example.test.", "255.113.0.203.bl.example.test.",
        nibbles("20010db8000000000000000000000025") + ".bl.example.test.",
        "*." + nibbles("20010db80001") + ".bl.example.test.");
    assertThat(names).doesNotContain("127.113.0.203.bl.example.test.");
    assertThat(names).hasSize(2 + 1 + 1 + 128 + 1 + 1);
  }

  static List<Record> axfr(InetSocketAddress address) throws Exception {
    List<Record> out = new ArrayList<>();
    try (Socket socket = new Socket(address.getAddress(), address.getPort())) {
      socket.setSoTimeout(5000);
      DataOutputStream out2 = new DataOutputStream(socket.getOutputStream());
      byte[] q = Message.newQuery(Record.newRecord(Name.fromString("bl.example.test."), Type.AXFR, DClass.IN)).toWire();
      out2.writeShort(q.length);
      out2.write(q);
      out2.flush();
      DataInputStream in = new DataInputStream(socket.getInputStream());
      int soas = 0;
      while (soas < 2) {
        byte[] m = new byte[in.readUnsignedShort()];
        in.readFully(m);
        Message message = new Message(m);
        if (message.getRcode() != Rcode.NOERROR) {
          throw new IllegalStateException("transfer refused: " + Rcode.string(message.getRcode()));
        }
        for (Record r : message.getSection(Section.ANSWER)) {
          out.add(r);
          if (r.getType() == Type.SOA) {
            soas++;
          }
        }
      }
    }
    return out;
  }

  @ParameterizedTest(name = "batched UDP: {0}")
  @ValueSource(booleans = {true, false})
  void aSecondServerOnTheSamePortFailsToStartWithAClearMessage(boolean batched) throws Exception {
    start(ZoneSettings.DEFAULT_TXT, batched);
    ZoneSettings same = new ZoneSettings(true, server.localAddress(), "bl.example.test", List.of("ns1.bl.example.test"),
        "hostmaster@example.test", Duration.ofSeconds(300), Duration.ofSeconds(60), "$", List.of(), 1, batched, 16,
        Duration.ofSeconds(5), 16);
    DnsblServer second = new DnsblServer(same, index::get, () -> 1);
    org.assertj.core.api.Assertions.assertThatThrownBy(second::start).isInstanceOf(java.io.IOException.class)
        .hasMessageContaining("cannot bind UDP 127.0.0.1:" + server.localAddress().getPort())
        .hasMessageContaining("in use");
    assertThat(query("9.2.0.192.bl.example.test.", Type.A, false).getRcode()).isEqualTo(Rcode.NOERROR);
  }

  @Test
  void aTransferFromAnUnlistedClientIsRefused() throws Exception {
    server = new DnsblServer(new ZoneSettings(true, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
        "bl.example.test", List.of("ns1.bl.example.test"), "hostmaster@example.test", Duration.ofSeconds(300),
        Duration.ofSeconds(60), "$", List.of(Cidr.parse("192.0.2.0/24")), 1, true, 16, Duration.ofSeconds(5), 16),
        index::get, () -> 1);
    server.start();
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> axfr(server.localAddress()))
        .hasMessageContaining("REFUSED");
  }

  @Test
  void oneAddressCannotTakeEveryTcpConnectionAndASlowDripIsCutOff() throws Exception {
    server = new DnsblServer(new ZoneSettings(true, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
        "bl.example.test", List.of("ns1.bl.example.test"), "hostmaster@example.test", Duration.ofSeconds(300),
        Duration.ofSeconds(60), "$", List.of(), 1, true, 16, Duration.ofSeconds(2), 4), index::get, () -> 1);
    server.start();
    List<Socket> held = new ArrayList<>();
    try {
      for (int i = 0; i < 4; i++) {
        held.add(tcpFrom("127.0.0.5"));
      }
      try (Socket fifth = tcpFrom("127.0.0.5")) {
        fifth.setSoTimeout(5000);
        try {
          fifth.getOutputStream().write(framedQuery());
        } catch (java.io.IOException closed) {
          // closed already
        }
        int first;
        try {
          first = fifth.getInputStream().read();
        } catch (java.net.SocketException reset) {
          first = -1;
        }
        assertThat(first).as("a fifth connection from one address is closed unanswered").isEqualTo(-1);
      }
      Message other = query("9.2.0.192.bl.example.test.", Type.A, true);
      assertThat(other.getRcode()).as("another client is still served over TCP").isEqualTo(Rcode.NOERROR);

      // A query whose octets come one every 300 ms must be whole within 2 s, not 2 s per octet.
      try (Socket drip = tcpFrom("127.0.0.6")) {
        byte[] framed = framedQuery();
        int sent = 0;
        try {
          for (; sent < framed.length; sent++) {
            drip.getOutputStream().write(framed[sent]);
            drip.getOutputStream().flush();
            Thread.sleep(300); // the client's pace
          }
        } catch (java.io.IOException closedByTheServer) {
          // expected: the server gave up on this query
        }
        assertThat(sent).as("the server cut the drip off before the query was whole").isLessThan(framed.length);
      }
    } finally {
      for (Socket s : held) {
        s.close();
      }
    }
  }

  private static byte[] framedQuery() throws Exception {
    byte[] query = Message.newQuery(Record.newRecord(Name.fromString("9.2.0.192.bl.example.test."), Type.A,
        DClass.IN)).toWire();
    byte[] framed = new byte[query.length + 2];
    framed[0] = (byte) (query.length >> 8);
    framed[1] = (byte) query.length;
    System.arraycopy(query, 0, framed, 2, query.length);
    return framed;
  }

  private Socket tcpFrom(String source) throws Exception {
    Socket socket = new Socket();
    socket.bind(new InetSocketAddress(InetAddress.ofLiteral(source), 0));
    socket.connect(server.localAddress(), 3000);
    return socket;
  }
}
