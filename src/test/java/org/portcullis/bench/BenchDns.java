package org.portcullis.bench;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicLong;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.PTRRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * The benchmark's DNS: an authoritative server that answers algorithmically for any number of
 * loopback senders, so every client address of a load run has real, forward-confirmed reverse
 * DNS: {@code 127.b.c.d} has PTR {@code mta<n>.senders.example}, whose A is {@code 127.b.c.d}
 * (n = b*65536 + c*256 + d); {@code senders.example} has an MX. Everything else is NXDOMAIN.
 *
 * <p>Run: {@code BenchDns <address> <port>}; several threads share the UDP socket.
 */
public final class BenchDns {

  static final String SENDER_DOMAIN = "senders.example";
  /** The senders' SPF policy: every bench source address may send. */
  static final String SPF = "v=spf1 ip4:127.0.0.0/8 -all";
  static final String DMARC = "v=DMARC1; p=reject";
  static final String DKIM_SELECTOR = "bench";

  /** The senders' DKIM key record ({@code bench._domainkey.senders.example}), when the run signs. */
  private String dkimRecord;
  private static final long TTL = 300;

  private final SOARecord soa;
  private final AtomicLong queries = new AtomicLong();

  BenchDns() throws IOException {
    soa = new SOARecord(Name.fromString(SENDER_DOMAIN + "."), DClass.IN, TTL, Name.fromString("ns.senders.example."),
        Name.fromString("hostmaster.senders.example."), 1, 3600, 600, 86400, 60);
  }

  /** The PTR name of a bench sender address. */
  public static String nameOf(InetAddress address) {
    byte[] b = address.getAddress();
    int n = ((b[1] & 0xFF) << 16) | ((b[2] & 0xFF) << 8) | (b[3] & 0xFF);
    return "mta" + n + "." + SENDER_DOMAIN;
  }

  public static void main(String[] args) throws Exception {
    InetAddress address = InetAddress.ofLiteral(args.length > 0 ? args[0] : "127.0.0.1");
    int port = args.length > 1 ? Integer.parseInt(args[1]) : 53;
    BenchDns dns = new BenchDns();
    if (args.length > 2) {
      dns.dkimRecord = java.nio.file.Files.readString(java.nio.file.Path.of(args[2])).strip();
    }
    DatagramSocket udp = new DatagramSocket(new InetSocketAddress(address, port));
    udp.setReceiveBufferSize(4 << 20);
    ServerSocket tcp = new ServerSocket();
    tcp.bind(new InetSocketAddress(address, port), 100);
    for (int i = 0; i < 3; i++) {
      Thread.ofPlatform().name("dns-udp-" + i).start(() -> dns.serveUdp(udp));
    }
    Thread.ofPlatform().name("dns-tcp").start(() -> dns.serveTcp(tcp));
    System.out.println("bench DNS ready on " + address.getHostAddress() + ":" + port);
    while (true) {
      Thread.sleep(10_000);
    }
  }

  private void serveUdp(DatagramSocket udp) {
    byte[] buffer = new byte[2048];
    DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
    while (true) {
      try {
        packet.setData(buffer);
        udp.receive(packet);
        byte[] answer = answer(packet.getData(), packet.getLength());
        if (answer != null) {
          udp.send(new DatagramPacket(answer, answer.length, packet.getSocketAddress()));
        }
      } catch (IOException e) {
        // one bad packet; go on
      }
    }
  }

  private void serveTcp(ServerSocket tcp) {
    while (true) {
      try {
        Socket socket = tcp.accept();
        Thread.ofVirtual().start(() -> {
          try (socket) {
            DataInputStream in = new DataInputStream(socket.getInputStream());
            DataOutputStream out = new DataOutputStream(socket.getOutputStream());
            while (true) {
              byte[] query = in.readNBytes(in.readUnsignedShort());
              byte[] answer = answer(query, query.length);
              out.writeShort(answer.length);
              out.write(answer);
              out.flush();
            }
          } catch (IOException done) {
            // closed
          }
        });
      } catch (IOException e) {
        return;
      }
    }
  }

  byte[] answer(byte[] wire, int length) throws IOException {
    queries.incrementAndGet();
    Message query = new Message(java.util.Arrays.copyOf(wire, length));
    Record question = query.getQuestion();
    Message response = new Message(query.getHeader().getID());
    response.getHeader().setFlag(Flags.QR);
    response.getHeader().setFlag(Flags.AA);
    response.getHeader().setFlag(Flags.RD);
    response.getHeader().setFlag(Flags.RA);
    if (question == null) {
      response.getHeader().setRcode(Rcode.FORMERR);
      return response.toWire();
    }
    response.addRecord(question, Section.QUESTION);
    Name name = question.getName();
    String text = name.toString(true).toLowerCase();
    int type = question.getType();
    boolean exists = false;
    if (text.endsWith(".127.in-addr.arpa")) {
      String[] labels = text.split("\\.");
      if (labels.length == 6) {
        exists = true;
        if (type == Type.PTR) {
          InetAddress address = InetAddress.ofLiteral("127." + labels[2] + "." + labels[1] + "." + labels[0]);
          response.addRecord(new PTRRecord(name, DClass.IN, TTL, Name.fromString(nameOf(address) + ".")), Section.ANSWER);
        }
      }
    } else if (text.startsWith("mta") && text.endsWith("." + SENDER_DOMAIN)) {
      String number = text.substring(3, text.indexOf('.'));
      if (number.matches("[0-9]{1,8}")) {
        exists = true;
        int n = Integer.parseInt(number);
        if (type == Type.A) {
          InetAddress address = InetAddress.getByAddress(new byte[] {127, (byte) (n >> 16), (byte) (n >> 8), (byte) n});
          response.addRecord(new ARecord(name, DClass.IN, TTL, address), Section.ANSWER);
        }
      }
    } else if (text.equals("_dmarc." + SENDER_DOMAIN)) {
      exists = true;
      if (type == Type.TXT) {
        response.addRecord(new TXTRecord(name, DClass.IN, TTL, DMARC), Section.ANSWER);
      }
    } else if (text.equals(DKIM_SELECTOR + "._domainkey." + SENDER_DOMAIN) && dkimRecord != null) {
      exists = true;
      if (type == Type.TXT) {
        java.util.List<String> strings = new java.util.ArrayList<>();
        for (int at = 0; at < dkimRecord.length(); at += 255) {
          strings.add(dkimRecord.substring(at, Math.min(dkimRecord.length(), at + 255)));
        }
        response.addRecord(new TXTRecord(name, DClass.IN, TTL, strings), Section.ANSWER);
      }
    } else if (text.equals(SENDER_DOMAIN)) {
      exists = true;
      if (type == Type.TXT) {
        response.addRecord(new TXTRecord(name, DClass.IN, TTL, SPF), Section.ANSWER);
      }
      if (type == Type.MX) {
        response.addRecord(new MXRecord(name, DClass.IN, TTL, 10, Name.fromString("mx." + SENDER_DOMAIN + ".")),
            Section.ANSWER);
      }
    } else if (text.equals("mx." + SENDER_DOMAIN)) {
      exists = true;
      if (type == Type.A) {
        response.addRecord(new ARecord(name, DClass.IN, TTL, InetAddress.ofLiteral("127.0.0.250")), Section.ANSWER);
      }
    }
    if (!exists) {
      response.getHeader().setRcode(Rcode.NXDOMAIN);
    }
    if (response.getSection(Section.ANSWER).isEmpty()) {
      response.addRecord(soa, Section.AUTHORITY);
    }
    return response.toWire();
  }
}
