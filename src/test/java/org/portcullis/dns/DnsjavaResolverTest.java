package org.portcullis.dns;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.portcullis.testing.TestDnsServer;

/** Our adapter over dnsjava, against a real DNS server on loopback. */
class DnsjavaResolverTest {

  private TestDnsServer server;
  private DnsjavaResolver resolver;

  @BeforeEach
  void start() throws Exception {
    server = TestDnsServer.start();
    resolver = new DnsjavaResolver(List.of(server.address()), Duration.ofMillis(300), 1);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void answersArriveWhileTheCommonPoolIsBlocked() throws Exception {
    server.a("mail.example.org", "192.0.2.1");
    int workers = java.util.concurrent.ForkJoinPool.getCommonPoolParallelism();
    java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.CountDownLatch busy = new java.util.concurrent.CountDownLatch(workers);
    for (int i = 0; i < workers; i++) {
      java.util.concurrent.CompletableFuture.runAsync(() -> {
        busy.countDown();
        try {
          release.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      });
    }
    try {
      assertThat(busy.await(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
      // Before: dnsjava completed answers on the common pool, so none arrived until it was free.
      DnsAnswer answer = resolver.lookup("mail.example.org", DnsType.A).get(10, java.util.concurrent.TimeUnit.SECONDS);
      assertThat(answer.status()).isEqualTo(DnsStatus.NOERROR);
    } finally {
      release.countDown();
    }
  }

  @Test
  void answersCarryTheRecordsAndTheirTtl() {
    server.a("mail.example.org", "192.0.2.1").a("mail.example.org", "192.0.2.2");
    DnsAnswer answer = resolver.lookup("Mail.Example.ORG.", DnsType.A).join();
    assertThat(answer.status()).isEqualTo(DnsStatus.NOERROR);
    assertThat(answer.recordsOf(DnsRecord.Address.class)).extracting(DnsRecord.Address::address)
        .containsExactlyInAnyOrder(InetAddress.ofLiteral("192.0.2.1"), InetAddress.ofLiteral("192.0.2.2"));
    assertThat(answer.ttlSeconds()).isEqualTo(300);
    assertThat(answer.name()).isEqualTo("mail.example.org");
  }

  @Test
  void nxdomainNodataServfailAndTimeoutAreFourDifferentThings() {
    server.a("exists.example", "192.0.2.1").servfail("broken.example").silent("silent.example");
    assertThat(resolver.lookup("nowhere.example", DnsType.A).join().status()).isEqualTo(DnsStatus.NXDOMAIN);
    assertThat(resolver.lookup("exists.example", DnsType.MX).join().status()).isEqualTo(DnsStatus.NODATA);
    assertThat(resolver.lookup("broken.example", DnsType.A).join().status()).isEqualTo(DnsStatus.SERVFAIL);
    assertThat(resolver.lookup("silent.example", DnsType.A).join().status()).isEqualTo(DnsStatus.TIMEOUT);
  }

  @Test
  void negativeAnswersTakeTheirTtlFromTheSoa() {
    assertThat(resolver.lookup("nowhere.example", DnsType.A).join().ttlSeconds()).isEqualTo(60);
  }

  @Test
  void ptrMxAndTxtAreTyped() {
    server.ptr("192.0.2.7", "host.example.org").mx("example.org", 10, "mx.example.org").mx("null.example", 0, ".")
        .txt("example.org", "v=spf1 -all");
    assertThat(resolver.lookup(ReverseName.of(InetAddress.ofLiteral("192.0.2.7")), DnsType.PTR).join()
        .recordsOf(DnsRecord.Name.class)).extracting(DnsRecord.Name::name).containsExactly("host.example.org");
    assertThat(resolver.lookup("example.org", DnsType.MX).join().recordsOf(DnsRecord.Mx.class))
        .containsExactly(new DnsRecord.Mx(10, "mx.example.org"));
    assertThat(resolver.lookup("null.example", DnsType.MX).join().recordsOf(DnsRecord.Mx.class).getFirst().isNullMx())
        .isTrue();
    assertThat(resolver.lookup("example.org", DnsType.TXT).join().recordsOf(DnsRecord.Txt.class))
        .extracting(DnsRecord.Txt::text).containsExactly("v=spf1 -all");
  }

  @Test
  void cnameChainsAreFollowed() {
    server.cname("www.example.org", "web.example.org").a("web.example.org", "192.0.2.80");
    DnsAnswer answer = resolver.lookup("www.example.org", DnsType.A).join();
    assertThat(answer.status()).isEqualTo(DnsStatus.NOERROR);
    assertThat(answer.records()).hasSize(1);
  }

  @Test
  void anUnaskableNameIsAnErrorNotAnException() {
    assertThat(resolver.lookup("a".repeat(64) + ".example", DnsType.A).join().status()).isEqualTo(DnsStatus.ERROR);
  }

  @Test
  void reverseNamesAreBuiltForBothFamilies() {
    assertThat(ReverseName.of(InetAddress.ofLiteral("192.0.2.1"))).isEqualTo("1.2.0.192.in-addr.arpa");
    assertThat(ReverseName.of(InetAddress.ofLiteral("2001:db8::1")))
        .isEqualTo("1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa");
    assertThat(ReverseName.reversed(InetAddress.ofLiteral("127.0.0.2"))).isEqualTo("2.0.0.127");
  }

  @Test
  void onlyALoopbackResolverGetsThePersistentSockets() {
    assertThat(DnsjavaResolver.persistentSockets(new java.net.InetSocketAddress(InetAddress.ofLiteral("127.0.0.53"), 53)))
        .isTrue();
    assertThat(DnsjavaResolver.persistentSockets(new java.net.InetSocketAddress(InetAddress.ofLiteral("::1"), 53)))
        .isTrue();
    assertThat(DnsjavaResolver.persistentSockets(new java.net.InetSocketAddress(InetAddress.ofLiteral("192.0.2.53"), 53)))
        .as("an off-host resolver: a random source port per query").isFalse();
    assertThat(DnsjavaResolver.persistentSockets(new java.net.InetSocketAddress(InetAddress.ofLiteral("10.0.0.1"), 53)))
        .isFalse();
  }

  @Test
  void withoutPersistentSocketsEachQueryComesFromItsOwnPortWithARandomId() throws Exception {
    try (java.net.DatagramSocket fake = new java.net.DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      java.util.Set<Integer> ports = java.util.concurrent.ConcurrentHashMap.newKeySet();
      java.util.Set<Integer> ids = java.util.concurrent.ConcurrentHashMap.newKeySet();
      Thread answerer = Thread.ofPlatform().daemon(true).start(() -> {
        byte[] buffer = new byte[512];
        while (!fake.isClosed()) {
          try {
            java.net.DatagramPacket packet = new java.net.DatagramPacket(buffer, buffer.length);
            fake.receive(packet);
            org.xbill.DNS.Message query = new org.xbill.DNS.Message(java.util.Arrays.copyOf(buffer, packet.getLength()));
            ports.add(packet.getPort());
            ids.add(query.getHeader().getID());
            org.xbill.DNS.Message answer = new org.xbill.DNS.Message(query.getHeader().getID());
            answer.getHeader().setFlag(org.xbill.DNS.Flags.QR);
            answer.getHeader().setRcode(org.xbill.DNS.Rcode.NXDOMAIN);
            answer.addRecord(query.getQuestion(), org.xbill.DNS.Section.QUESTION);
            byte[] wire = answer.toWire();
            fake.send(new java.net.DatagramPacket(wire, wire.length, packet.getSocketAddress()));
          } catch (java.io.IOException e) {
            return;
          }
        }
      });
      DnsjavaResolver perQuery = new DnsjavaResolver(List.of((java.net.InetSocketAddress) fake.getLocalSocketAddress()),
          Duration.ofSeconds(2), 1, 0);
      for (int i = 0; i < 20; i++) {
        assertThat(perQuery.lookup("q" + i + ".example", DnsType.A).join().status()).isEqualTo(DnsStatus.NXDOMAIN);
      }
      fake.close();
      answerer.join(2000);
      assertThat(ports).as("source ports of 20 queries").hasSizeGreaterThan(15);
      assertThat(ids).as("query ids").hasSizeGreaterThan(15);
    }
  }
}
