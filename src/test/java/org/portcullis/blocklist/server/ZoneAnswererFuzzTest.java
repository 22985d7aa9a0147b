package org.portcullis.blocklist.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.portcullis.blocklist.Category;
import org.portcullis.blocklist.ListingIndex;
import org.portcullis.blocklist.ZoneSettings;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

/** Random and mutated packets: the answerer never throws and the server keeps answering. */
class ZoneAnswererFuzzTest {

  private static final ListingIndex INDEX = ListingIndex.EMPTY.apply(List.of(
      DnsblServerTest.change(1, "192.0.2.9/32", Category.SPAM_SOURCE),
      DnsblServerTest.change(2, "2001:db8::/32", Category.MANUAL)));

  private static byte[][] seeds() throws Exception {
    String[] names = {"9.2.0.192.bl.example.test.", "bl.example.test.", "2.0.0.127.bl.example.test.",
        DnsblServerTest.nibbles("20010db8000000000000000000000001") + ".bl.example.test.", "other.example."};
    int[] types = {Type.A, Type.TXT, Type.ANY, Type.SOA, Type.NS, Type.AXFR};
    byte[][] out = new byte[names.length * types.length][];
    int i = 0;
    for (String n : names) {
      for (int t : types) {
        out[i++] = Message.newQuery(Record.newRecord(Name.fromString(n), t, DClass.IN)).toWire();
      }
    }
    return out;
  }

  @Test
  void twoHundredThousandMutatedPacketsNeverThrowAndEveryReplyParses() throws Exception {
    ZoneAnswerer answerer = new ZoneAnswerer(DnsblServerTest.settings(ZoneSettings.DEFAULT_TXT, true), () -> INDEX,
        () -> 7);
    byte[][] seeds = seeds();
    Random random = new Random(5782);
    byte[] buf = new byte[4096];
    int replies = 0;
    for (int round = 0; round < 200_000; round++) {
      int length;
      if (round % 10 == 0) {
        length = random.nextInt(600);
        random.nextBytes(buf);
      } else {
        byte[] seed = seeds[random.nextInt(seeds.length)];
        length = Math.max(0, seed.length + random.nextInt(9) - 4);
        System.arraycopy(seed, 0, buf, 0, Math.min(seed.length, length));
        int flips = 1 + random.nextInt(4);
        for (int f = 0; f < flips && length > 0; f++) {
          buf[random.nextInt(length)] = (byte) random.nextInt(256);
        }
      }
      byte[] copy = java.util.Arrays.copyOf(buf, length);
      int reply = answerer.answer(buf, length, buf.length, round % 3 == 0);
      assertThat(reply).isBetween(ZoneAnswerer.DROP, buf.length);
      if (reply > 0) {
        replies++;
        byte[] wire = java.util.Arrays.copyOf(buf, reply);
        assertThatCode(() -> new Message(wire)).as("reply to %s", java.util.HexFormat.of().formatHex(copy))
            .doesNotThrowAnyException();
      }
    }
    assertThat(replies).isGreaterThan(100_000);
  }

  @Test
  void theServerKeepsAnsweringAfterThousandsOfGarbagePackets() throws Exception {
    try (DnsblServer server = new DnsblServer(DnsblServerTest.settings(ZoneSettings.DEFAULT_TXT, true), () -> INDEX,
        () -> 7); DatagramSocket socket = new DatagramSocket()) {
      server.start();
      Random random = new Random(1);
      byte[][] seeds = seeds();
      for (int i = 0; i < 5000; i++) {
        byte[] packet = i % 2 == 0 ? new byte[random.nextInt(512)] : seeds[random.nextInt(seeds.length)].clone();
        if (i % 2 == 0) {
          random.nextBytes(packet);
        } else {
          packet[random.nextInt(packet.length)] ^= (byte) (1 + random.nextInt(255));
        }
        socket.send(new DatagramPacket(packet, packet.length, server.localAddress()));
      }
      org.xbill.DNS.SimpleResolver resolver = new org.xbill.DNS.SimpleResolver(server.localAddress());
      resolver.setTimeout(java.time.Duration.ofSeconds(5));
      Message answer = resolver.send(Message.newQuery(Record.newRecord(Name.fromString("9.2.0.192.bl.example.test."),
          Type.A, DClass.IN)));
      assertThat(answer.getRcode()).isEqualTo(Rcode.NOERROR);
      assertThat(answer.getSection(org.xbill.DNS.Section.ANSWER)).hasSize(1);
    }
  }
}
