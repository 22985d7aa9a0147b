package org.portcullis.dnsbl;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.portcullis.dns.DnsjavaResolver;
import org.portcullis.testing.TestDnsServer;

/**
 * DNS list lookups through the real resolver path (dnsjava, our adapter) against third-party
 * zones served by the in-process DNS server: listed with labels and TXT, IPv6 nibbles, error
 * codes, a dead zone, and the health check's verdicts.
 */
class DnsblLookupsTest {

  private TestDnsServer dns;
  private DnsjavaResolver resolver;

  private static final DnsblZone ZEN = new DnsblZone("zen.test", DnsblZone.Type.BLOCK, 1,
      ReturnCodes.parse(List.of("127.0.0.2 = SBL", "127.0.0.[10..11] = PBL")), false, "");
  private static final DnsblZone DEAD = new DnsblZone("dead.test", DnsblZone.Type.BLOCK, 1, ReturnCodes.ANY, false, "");
  private static final DnsblZone WORLD = new DnsblZone("world.test", DnsblZone.Type.BLOCK, 1, ReturnCodes.ANY, false, "");
  private static final DnsblZone REFUSING = new DnsblZone("refusing.test", DnsblZone.Type.BLOCK, 1, ReturnCodes.ANY,
      false, "");

  @BeforeEach
  void start() throws Exception {
    dns = TestDnsServer.start();
    resolver = new DnsjavaResolver(List.of(dns.address()), Duration.ofMillis(300), 1);
    dns.a("2.0.0.127.zen.test", "127.0.0.2").a("9.113.0.203.zen.test", "127.0.0.2")
        .txt("9.113.0.203.zen.test", "https://zen.test/query/ip/203.0.113.9\u0007");
    dns.a("5.2.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.zen.test", "127.0.0.10");
    dns.silent("2.0.0.127.dead.test").silent("1.0.0.127.dead.test").silent("9.113.0.203.dead.test");
    dns.a("2.0.0.127.world.test", "127.0.0.2").a("1.0.0.127.world.test", "127.0.0.2");
    dns.a("2.0.0.127.refusing.test", "127.255.255.254").a("9.113.0.203.refusing.test", "127.255.255.254");
  }

  @AfterEach
  void stop() {
    dns.close();
  }

  private List<ZoneResult> lookup(String address, List<DnsblZone> zones) {
    DnsblLookups lookups = new DnsblLookups(zones, resolver, new ZoneHealth(zones, resolver, Clock.systemUTC()));
    return lookups.start(InetAddress.ofLiteral(address)).results().stream().map(f -> f.join()).toList();
  }

  @Test
  void aListingComesWithItsLabelAndAPrintableTxt() {
    ZoneResult r = lookup("203.0.113.9", List.of(ZEN)).getFirst();
    assertThat(r.outcome()).isEqualTo(ZoneResult.Outcome.LISTED);
    assertThat(r.labels()).containsExactly("SBL");
    assertThat(r.txt()).isEqualTo("https://zen.test/query/ip/203.0.113.9?");
    assertThat(lookup("203.0.113.10", List.of(ZEN)).getFirst().outcome()).isEqualTo(ZoneResult.Outcome.NOT_LISTED);
  }

  @Test
  void ipv6ClientsAreAskedByNibbles() {
    ZoneResult r = lookup("2001:db8::25", List.of(ZEN)).getFirst();
    assertThat(r.outcome()).isEqualTo(ZoneResult.Outcome.LISTED);
    assertThat(r.labels()).containsExactly("PBL");
  }

  @Test
  void errorCodesAreNotListingsAndADeadZoneIsUnknown() {
    List<ZoneResult> results = lookup("203.0.113.9", List.of(REFUSING, DEAD));
    assertThat(results.get(0).outcome()).isEqualTo(ZoneResult.Outcome.ZONE_ERROR);
    assertThat(results.get(1).outcome()).isEqualTo(ZoneResult.Outcome.UNKNOWN);
  }

  @Test
  void theHealthCheckSuspendsDeadWorldListingAndRefusingZonesAndTheyAreNotAsked() {
    List<DnsblZone> zones = List.of(ZEN, DEAD, WORLD, REFUSING);
    ZoneHealth health = new ZoneHealth(zones, resolver, Clock.systemUTC());
    health.probe();
    assertThat(health.suspendedCount()).isEqualTo(3);
    assertThat(health.snapshot().get("zen.test").healthy()).isTrue();
    assertThat(health.snapshot().get("dead.test").reason()).contains("does not answer");
    assertThat(health.snapshot().get("world.test").reason()).contains("lists the world");
    assertThat(health.snapshot().get("refusing.test").reason()).contains("refuses to answer us");
    DnsblLookups lookups = new DnsblLookups(zones, resolver, health);
    List<ZoneResult> results = lookups.start(InetAddress.ofLiteral("203.0.113.9")).results().stream()
        .map(f -> f.join()).toList();
    assertThat(results).extracting(ZoneResult::outcome).containsExactly(ZoneResult.Outcome.LISTED,
        ZoneResult.Outcome.SUSPENDED, ZoneResult.Outcome.SUSPENDED, ZoneResult.Outcome.SUSPENDED);
    // Zones that answer properly again are resumed at the next check.
    dns.forget("1.0.0.127.world.test");
    dns.forget("2.0.0.127.dead.test").forget("1.0.0.127.dead.test").a("2.0.0.127.dead.test", "127.0.0.2");
    health.probe();
    assertThat(health.snapshot().get("world.test").healthy()).isTrue();
    assertThat(health.snapshot().get("dead.test").healthy()).isTrue();
    assertThat(health.suspendedCount()).isEqualTo(1);
  }
}
