package org.portcullis.blocklist.server;

import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.portcullis.blocklist.Category;
import org.portcullis.blocklist.ListingIndex;
import org.portcullis.blocklist.ZoneSettings;
import org.portcullis.mail.Addresses;
import org.portcullis.mail.Cidr;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.NSRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.TextParseException;

/**
 * AXFR (RFC 5936) of the blocklist zone to configured secondaries, over TCP, so that standard DNS
 * servers (NSD, BIND, Knot) can mirror the list. Built with dnsjava: transfers are rare, so
 * clarity beats the in-place path of {@link ZoneAnswerer}.
 *
 * <p>Networks become wildcards at label boundaries: 192.0.2.0/24 is {@code *.2.0.192.<zone>};
 * a /23 is two such wildcards; a network narrower than a /24 is its individual addresses. A
 * network that would need more than 65,536 names is left out with a TXT note at the apex.
 */
final class ZoneTransfer {

  private static final int RECORDS_PER_MESSAGE = 200;
  private static final int EXPANSION_MAX = 65_536;

  private final ZoneSettings settings;
  private final Name origin;
  private final String[] txt;

  ZoneTransfer(ZoneSettings settings) {
    this.settings = settings;
    try {
      this.origin = Name.fromString(settings.zone() + ".");
    } catch (TextParseException e) {
      throw new IllegalArgumentException("bad zone name " + settings.zone(), e);
    }
    this.txt = new String[8];
    for (Category c : Category.values()) {
      txt[c.code()] = settings.txtTemplate().replace("{zone}", settings.zone()).replace("{category}", c.description());
    }
  }

  /** Whether {@code client} may transfer the zone. */
  boolean allowed(InetAddress client) {
    return settings.axfrClients().stream().anyMatch(c -> c.contains(client));
  }

  /**
   * Writes the transfer (length-prefixed messages) for the query, or a REFUSED answer when the
   * client is not a configured secondary or the query is not for our zone.
   */
  void transfer(byte[] query, InetAddress client, ListingIndex index, long serial, DataOutputStream out)
      throws IOException {
    Message request = new Message(query);
    Record question = request.getQuestion();
    if (question == null || !question.getName().equals(origin) || !allowed(client)) {
      Message refused = new Message(request.getHeader().getID());
      refused.getHeader().setFlag(Flags.QR);
      refused.getHeader().setRcode(Rcode.REFUSED);
      if (question != null) {
        refused.addRecord(question, Section.QUESTION);
      }
      write(out, refused.toWire());
      out.flush();
      return;
    }
    long ttl = settings.ttl().toSeconds();
    SOARecord soa = new SOARecord(origin, DClass.IN, ttl, name(settings.nameServers().getFirst()),
        name(settings.hostmaster().replace('@', '.')), serial & 0xFFFFFFFFL, 3600, 600, 604_800,
        settings.negativeTtl().toSeconds());
    List<Record> batch = new ArrayList<>();
    Sender sender = new Sender(request, question, out);
    batch.add(soa);
    for (String ns : settings.nameServers()) {
      batch.add(new NSRecord(origin, DClass.IN, ttl, name(ns)));
    }
    Consumer<Record> emit = record -> {
      batch.add(record);
      if (batch.size() >= RECORDS_PER_MESSAGE) {
        sender.send(batch);
        batch.clear();
      }
    };
    names("2.0.0.127", Category.SPAM_SOURCE.code(), "127.0.0.2", ttl, emit);
    names(ipv6Labels(new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xFF, (byte) 0xFF, 127, 0, 0, 2}),
        Category.SPAM_SOURCE.code(), "::ffff:7f00:2", ttl, emit);
    index.forEach(new ListingIndex.Visitor() {
      @Override
      public void v4Host(int address, int code) {
        String text = (address >>> 24) + "." + (address >>> 16 & 0xFF) + "." + (address >>> 8 & 0xFF) + "." + (address & 0xFF);
        names((address & 0xFF) + "." + (address >>> 8 & 0xFF) + "." + (address >>> 16 & 0xFF) + "." + (address >>> 24),
            code, text, ttl, emit);
      }

      @Override
      public void network(Cidr network, int code) {
        for (String labels : wildcards(network)) {
          names(labels, code, network.isHost() ? Addresses.toText(network.address()) : network.toString(), ttl, emit);
        }
      }
    });
    batch.add(soa);
    sender.send(batch);
    sender.out.flush();
  }

  private void names(String labels, int code, String ipText, long ttl, Consumer<Record> emit) {
    Name owner = name(labels + "." + settings.zone());
    try {
      emit.accept(new ARecord(owner, DClass.IN, ttl, InetAddress.getByAddress(new byte[] {127, 0, 0, (byte) code})));
    } catch (java.net.UnknownHostException e) {
      throw new IllegalStateException(e);
    }
    String text = (code < txt.length && txt[code] != null ? txt[code] : txt[2]).replace("$", ipText);
    emit.accept(new TXTRecord(owner, DClass.IN, ttl, chunks(text)));
  }

  /** The owner labels (relative to the zone) that cover {@code network}. */
  static List<String> wildcards(Cidr network) {
    byte[] first = network.firstAddress();
    int bitsPerLabel = network.isIpv6() ? 4 : 8;
    int totalLabels = network.isIpv6() ? 32 : 4;
    int prefix = network.prefixLength();
    int fixedLabels = (prefix + bitsPerLabel - 1) / bitsPerLabel;
    int free = fixedLabels * bitsPerLabel - prefix;
    long count = 1L << free;
    List<String> out = new ArrayList<>();
    if (count > EXPANSION_MAX || fixedLabels == 0) {
      return out;
    }
    for (long i = 0; i < count; i++) {
      int[] labels = labelValues(first, network.isIpv6());
      // The free low bits of the last fixed label take each value in turn.
      labels[fixedLabels - 1] += (int) i;
      StringBuilder name = new StringBuilder(fixedLabels < totalLabels ? "*" : "");
      for (int l = fixedLabels - 1; l >= 0; l--) {
        if (!name.isEmpty()) {
          name.append('.');
        }
        name.append(network.isIpv6() ? Integer.toHexString(labels[l]) : Integer.toString(labels[l]));
      }
      out.add(name.toString());
    }
    return out;
  }

  private static int[] labelValues(byte[] address, boolean v6) {
    if (!v6) {
      return new int[] {address[0] & 0xFF, address[1] & 0xFF, address[2] & 0xFF, address[3] & 0xFF};
    }
    int[] out = new int[32];
    for (int i = 0; i < 16; i++) {
      out[2 * i] = (address[i] >> 4) & 0x0F;
      out[2 * i + 1] = address[i] & 0x0F;
    }
    return out;
  }

  private static String ipv6Labels(byte[] address) {
    StringBuilder out = new StringBuilder();
    for (int i = 15; i >= 0; i--) {
      out.append(Integer.toHexString(address[i] & 0x0F)).append('.').append(Integer.toHexString((address[i] >> 4) & 0x0F));
      if (i > 0) {
        out.append('.');
      }
    }
    return out.toString();
  }

  private static List<String> chunks(String text) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < text.length(); i += 255) {
      out.add(text.substring(i, Math.min(text.length(), i + 255)));
    }
    return out.isEmpty() ? List.of("") : out;
  }

  private static Name name(String text) {
    try {
      return Name.fromString(text.endsWith(".") ? text : text + ".");
    } catch (TextParseException e) {
      throw new IllegalArgumentException("bad DNS name " + text, e);
    }
  }

  private static void write(DataOutputStream out, byte[] wire) throws IOException {
    out.writeShort(wire.length);
    out.write(wire);
  }

  /** Writes answer messages; the first carries the question (RFC 5936 2.2). */
  private static final class Sender {
    private final Message request;
    private final Record question;
    private final DataOutputStream out;
    private boolean first = true;

    Sender(Message request, Record question, DataOutputStream out) {
      this.request = request;
      this.question = question;
      this.out = out;
    }

    void send(List<Record> records) {
      Message m = new Message(request.getHeader().getID());
      m.getHeader().setFlag(Flags.QR);
      m.getHeader().setFlag(Flags.AA);
      if (first) {
        m.addRecord(question, Section.QUESTION);
        first = false;
      }
      for (Record r : records) {
        m.addRecord(r, Section.ANSWER);
      }
      try {
        write(out, m.toWire());
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }
  }
}
