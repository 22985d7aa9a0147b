package org.portcullis.blocklist.server;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.portcullis.blocklist.Category;
import org.portcullis.blocklist.ListingIndex;
import org.portcullis.blocklist.ZoneSettings;

/**
 * Answers one DNS query for the blocklist zone in place: it parses the question in the receive
 * buffer and writes the reply over it, allocating nothing, so the server's cost per query is the
 * system calls, not garbage. dnsjava is not used here (it is for zone transfers and clients).
 *
 * <p>What it answers (RFC 5782): {@code d.c.b.a.<zone>} and the 32-nibble IPv6 form are A
 * {@code 127.0.0.<category>} and TXT (the category and a link to the evidence) when listed,
 * NXDOMAIN with the SOA otherwise; NODATA with the SOA for other types; SOA and NS at the apex;
 * the test points 127.0.0.2 (listed) and 127.0.0.1 (not), ::FFFF:7F00:2 and ::FFFF:7F00:1.
 * REFUSED for names outside the zone, NOTIMP for other opcodes, FORMERR for malformed questions;
 * responses and packets too short for a header are dropped. EDNS0: the OPT record sets the UDP
 * size (512 without it); an answer that does not fit is truncated (TC) to header and question.
 *
 * <p>Thread-safe: no mutable state; the caller owns the buffer.
 */
public final class ZoneAnswerer {

  /** What {@link #answer} returns for a packet that gets no reply. */
  public static final int DROP = -1;

  static final int TYPE_A = 1;
  static final int TYPE_NS = 2;
  static final int TYPE_SOA = 6;
  static final int TYPE_TXT = 16;
  static final int TYPE_AAAA = 28;
  static final int TYPE_OPT = 41;
  static final int TYPE_IXFR = 251;
  static final int TYPE_AXFR = 252;
  static final int TYPE_ANY = 255;
  static final int CLASS_IN = 1;
  static final int CLASS_ANY = 255;
  static final int RCODE_FORMERR = 1;
  static final int RCODE_NXDOMAIN = 3;
  static final int RCODE_NOTIMP = 4;
  static final int RCODE_REFUSED = 5;
  private static final int HEADER = 12;
  private static final int EDNS_MAX = 4096;

  private final byte[][] zoneLabels;
  private final int zoneWireLength;
  private final byte[] soaRdata;
  private final byte[][] nsRdata;
  private final int ttl;
  private final int negativeTtl;
  private final byte[][][] txtSegments;
  private final Supplier<ListingIndex> index;
  private final LongSupplier serial;

  /**
   * @param settings the zone
   * @param index the current listings
   * @param serial the SOA serial (the store's change number)
   */
  public ZoneAnswerer(ZoneSettings settings, Supplier<ListingIndex> index, LongSupplier serial) {
    String zone = settings.zone().toLowerCase(Locale.ROOT);
    String[] labels = zone.split("\\.");
    this.zoneLabels = new byte[labels.length][];
    int length = 1;
    for (int i = 0; i < labels.length; i++) {
      zoneLabels[i] = labels[i].getBytes(StandardCharsets.US_ASCII);
      length += 1 + zoneLabels[i].length;
    }
    this.zoneWireLength = length;
    this.ttl = (int) settings.ttl().toSeconds();
    this.negativeTtl = (int) settings.negativeTtl().toSeconds();
    this.index = index;
    this.serial = serial;
    this.nsRdata = new byte[settings.nameServers().size()][];
    for (int i = 0; i < nsRdata.length; i++) {
      nsRdata[i] = wireName(settings.nameServers().get(i));
    }
    this.soaRdata = soaRdata(nsRdata[0], wireName(settings.hostmaster().replace('@', '.')), negativeTtl);
    this.txtSegments = new byte[8][][];
    for (Category c : Category.values()) {
      String text = settings.txtTemplate().replace("{zone}", zone).replace("{category}", c.description());
      String[] parts = text.split("\\$", -1);
      txtSegments[c.code()] = new byte[parts.length][];
      for (int i = 0; i < parts.length; i++) {
        txtSegments[c.code()][i] = parts[i].getBytes(StandardCharsets.UTF_8);
      }
    }
  }

  /**
   * Answers the query in {@code buf[0..length)} by writing the reply over it.
   *
   * @param capacity how many bytes of {@code buf} may be written (at least 512)
   * @param tcp whether the query came over TCP (no size limit below 65535, no truncation)
   * @return the reply's length, or {@link #DROP}
   */
  public int answer(byte[] buf, int length, int capacity, boolean tcp) {
    if (length < HEADER || (buf[2] & 0x80) != 0) {
      return DROP;
    }
    int opcode = (buf[2] >> 3) & 0x0F;
    int qdcount = u16(buf, 4);
    if (opcode != 0) {
      return header(buf, RCODE_NOTIMP);
    }
    if (qdcount != 1) {
      return header(buf, RCODE_FORMERR);
    }
    // Question: labels without compression.
    int p = HEADER;
    int labelCount = 0;
    while (true) {
      if (p >= length) {
        return header(buf, RCODE_FORMERR);
      }
      int len = buf[p] & 0xFF;
      if (len == 0) {
        break;
      }
      if (len > 63 || p + 1 + len >= length || p + 1 + len - HEADER > 254) {
        return header(buf, RCODE_FORMERR);
      }
      p += 1 + len;
      labelCount++;
    }
    int nameEnd = p + 1;
    if (nameEnd + 4 > length) {
      return header(buf, RCODE_FORMERR);
    }
    int qtype = u16(buf, nameEnd);
    int qclass = u16(buf, nameEnd + 2);
    int questionEnd = nameEnd + 4;
    // EDNS0: one OPT record in the additional section (answer and authority must be empty).
    int udpMax = 512;
    boolean edns = false;
    int arcount = u16(buf, 10);
    if (arcount > 0 && u16(buf, 6) == 0 && u16(buf, 8) == 0) {
      int a = questionEnd;
      if (a + 11 <= length && buf[a] == 0 && u16(buf, a + 1) == TYPE_OPT) {
        edns = true;
        udpMax = Math.max(512, Math.min(EDNS_MAX, u16(buf, a + 3)));
        if (buf[a + 6] != 0) {
          // EDNS version other than 0: BADVERS (extended rcode 1, i.e. 16).
          return finish(buf, questionEnd, 0, 0, 0, true, 1, tcp ? capacity : Math.min(udpMax, capacity));
        }
      }
    }
    int limit = tcp ? Math.min(capacity, 65535) : Math.min(udpMax, capacity);
    buf[2] &= ~0x02;
    if (qclass != CLASS_IN && qclass != CLASS_ANY) {
      return finishRcode(buf, questionEnd, RCODE_REFUSED, edns, limit);
    }
    int zoneStart = zoneSuffix(buf, labelCount);
    if (zoneStart < 0) {
      return finishRcode(buf, questionEnd, RCODE_REFUSED, edns, limit);
    }
    int relativeLabels = labelCount - zoneLabels.length;
    if (qtype == TYPE_AXFR || qtype == TYPE_IXFR) {
      // Zone transfers go through ZoneTransfer over TCP; here they are refused.
      return finishRcode(buf, questionEnd, RCODE_REFUSED, edns, limit);
    }
    int w = questionEnd;
    if (relativeLabels == 0) {
      return apex(buf, questionEnd, zoneStart, qtype, edns, limit);
    }
    int code = listedCode(buf, relativeLabels);
    if (code <= 0) {
      // Not listed (or not an address): NXDOMAIN with the SOA for negative caching.
      if (w + soaLength() > limit) {
        return truncated(buf, questionEnd, edns, limit);
      }
      w = writeSoa(buf, w, zoneStart, negativeTtl);
      return finish(buf, w, 0, 1, RCODE_NXDOMAIN, edns, 0, limit);
    }
    boolean wantA = qtype == TYPE_A || qtype == TYPE_ANY;
    boolean wantTxt = qtype == TYPE_TXT || qtype == TYPE_ANY;
    if (!wantA && !wantTxt) {
      if (w + soaLength() > limit) {
        return truncated(buf, questionEnd, edns, limit);
      }
      w = writeSoa(buf, w, zoneStart, negativeTtl);
      return finish(buf, w, 0, 1, 0, edns, 0, limit);
    }
    int ipStart = HEADER;
    int answers = 0;
    if (wantA) {
      if (w + 16 > limit) {
        return truncated(buf, questionEnd, edns, limit);
      }
      w = rrHeader(buf, w, TYPE_A, ttl, 4);
      buf[w++] = 127;
      buf[w++] = 0;
      buf[w++] = 0;
      buf[w++] = (byte) code;
      answers++;
    }
    if (wantTxt) {
      int txtStart = w;
      w = writeTxt(buf, w, limit, code, ipStart, relativeLabels);
      if (w < 0) {
        return truncated(buf, questionEnd, edns, limit);
      }
      if (w == txtStart) {
        return truncated(buf, questionEnd, edns, limit);
      }
      answers++;
    }
    return finish(buf, w, answers, 0, 0, edns, 0, limit);
  }

  /** Whether the packet is a well-formed AXFR or IXFR query (for the TCP path). */
  public static boolean isTransfer(byte[] buf, int length) {
    if (length < HEADER + 5 || (buf[2] & 0x80) != 0 || u16(buf, 4) != 1) {
      return false;
    }
    int p = HEADER;
    while (p < length && buf[p] != 0) {
      int len = buf[p] & 0xFF;
      if (len > 63) {
        return false;
      }
      p += 1 + len;
    }
    if (p + 5 > length) {
      return false;
    }
    int type = u16(buf, p + 1);
    return type == TYPE_AXFR || type == TYPE_IXFR;
  }

  private int apex(byte[] buf, int w, int zoneStart, int qtype, boolean edns, int limit) {
    int questionEnd = w;
    int answers = 0;
    int authority = 0;
    if (qtype == TYPE_SOA || qtype == TYPE_ANY) {
      if (w + soaLength() > limit) {
        return truncated(buf, questionEnd, edns, limit);
      }
      w = writeSoa(buf, w, zoneStart, ttl);
      answers++;
    }
    if (qtype == TYPE_NS || qtype == TYPE_ANY) {
      for (byte[] ns : nsRdata) {
        if (w + 12 + ns.length > limit) {
          return truncated(buf, questionEnd, edns, limit);
        }
        w = pointer(buf, w, zoneStart);
        w = rrFixed(buf, w, TYPE_NS, ttl, ns.length);
        System.arraycopy(ns, 0, buf, w, ns.length);
        w += ns.length;
        answers++;
      }
    }
    if (answers == 0) {
      if (w + soaLength() > limit) {
        return truncated(buf, questionEnd, edns, limit);
      }
      w = writeSoa(buf, w, zoneStart, negativeTtl);
      authority = 1;
    }
    return finish(buf, w, answers, authority, 0, edns, 0, limit);
  }

  /**
   * The category code for the queried address (the labels before the zone), 0 if not listed or
   * not an address. Handles the RFC 5782 test points.
   */
  private int listedCode(byte[] buf, int relativeLabels) {
    if (relativeLabels == 4) {
      int address = 0;
      int p = HEADER;
      for (int i = 0; i < 4; i++) {
        int len = buf[p] & 0xFF;
        int octet = decimal(buf, p + 1, len);
        if (octet < 0) {
          return 0;
        }
        address |= octet << (8 * i);
        p += 1 + len;
      }
      if (address == 0x7F000002) {
        return Category.SPAM_SOURCE.code();
      }
      if (address == 0x7F000001) {
        return 0;
      }
      return index.get().lookupV4(address);
    }
    if (relativeLabels == 32) {
      long hi = 0;
      long lo = 0;
      int p = HEADER;
      for (int i = 0; i < 32; i++) {
        if ((buf[p] & 0xFF) != 1) {
          return 0;
        }
        int nibble = Character.digit(buf[p + 1], 16);
        if (nibble < 0) {
          return 0;
        }
        // The first label is the last nibble of the address.
        if (i < 16) {
          lo |= (long) nibble << (4 * i);
        } else {
          hi |= (long) nibble << (4 * (i - 16));
        }
        p += 2;
      }
      if (hi == 0 && lo == 0x0000FFFF7F000002L) {
        return Category.SPAM_SOURCE.code();
      }
      if (hi == 0 && lo == 0x0000FFFF7F000001L) {
        return 0;
      }
      return index.get().lookupV6(hi, lo);
    }
    return 0;
  }

  /** A decimal octet label (0..255, no leading zeros), or -1. */
  private static int decimal(byte[] buf, int from, int len) {
    if (len < 1 || len > 3 || (len > 1 && buf[from] == '0')) {
      return -1;
    }
    int v = 0;
    for (int i = 0; i < len; i++) {
      int d = buf[from + i] - '0';
      if (d < 0 || d > 9) {
        return -1;
      }
      v = v * 10 + d;
    }
    return v <= 255 ? v : -1;
  }

  /** The offset of the zone's name within the question, or -1 if the name is not in the zone. */
  private int zoneSuffix(byte[] buf, int labelCount) {
    if (labelCount < zoneLabels.length) {
      return -1;
    }
    int p = HEADER;
    for (int i = 0; i < labelCount - zoneLabels.length; i++) {
      p += 1 + (buf[p] & 0xFF);
    }
    int start = p;
    for (byte[] label : zoneLabels) {
      int len = buf[p] & 0xFF;
      if (len != label.length) {
        return -1;
      }
      for (int i = 0; i < len; i++) {
        int c = buf[p + 1 + i];
        if (c >= 'A' && c <= 'Z') {
          c += 32;
        }
        if (c != label[i]) {
          return -1;
        }
      }
      p += 1 + len;
    }
    return start;
  }

  /** The TXT record: the category's template with the address in place of {@code $}; -1 if it does not fit. */
  private int writeTxt(byte[] buf, int w, int limit, int code, int ipStart, int relativeLabels) {
    byte[][] segments = code < txtSegments.length && txtSegments[code] != null ? txtSegments[code]
        : txtSegments[Category.SPAM_SOURCE.code()];
    int ipLength = relativeLabels == 4 ? ipv4TextLength(buf) : 39;
    int textLength = 0;
    for (byte[] s : segments) {
      textLength += s.length;
    }
    textLength += ipLength * (segments.length - 1);
    int strings = (textLength + 254) / 255;
    int rdLength = textLength + Math.max(1, strings);
    if (w + 12 + rdLength > limit) {
      return -1;
    }
    int start = rrHeader(buf, w, TYPE_TXT, ttl, 0);
    int rdStart = start;
    // Write the text after a one-byte gap per 255-byte string, then insert the length bytes.
    int t = rdStart + 1;
    for (int s = 0; s < segments.length; s++) {
      System.arraycopy(segments[s], 0, buf, t, segments[s].length);
      t += segments[s].length;
      if (s < segments.length - 1) {
        t = relativeLabels == 4 ? writeIpv4(buf, t) : writeIpv6(buf, t);
      }
    }
    int actual = t - rdStart - 1;
    if (actual > 255) {
      // Split into 255-byte strings, moving text right to make room for each length byte.
      int extra = (actual - 1) / 255;
      System.arraycopy(buf, rdStart + 1, buf, rdStart + 1 + extra, actual);
      int src = rdStart + 1 + extra;
      int dst = rdStart;
      int remaining = actual;
      while (remaining > 0) {
        int n = Math.min(255, remaining);
        buf[dst] = (byte) n;
        System.arraycopy(buf, src, buf, dst + 1, n);
        dst += 1 + n;
        src += n;
        remaining -= n;
      }
      t = dst;
    } else {
      buf[rdStart] = (byte) actual;
    }
    int rdlen = t - rdStart;
    buf[rdStart - 2] = (byte) (rdlen >> 8);
    buf[rdStart - 1] = (byte) rdlen;
    return t;
  }

  private static int ipv4TextLength(byte[] buf) {
    int p = HEADER;
    int total = 3;
    for (int i = 0; i < 4; i++) {
      int len = buf[p] & 0xFF;
      total += len;
      p += 1 + len;
    }
    return total;
  }

  /** Writes the queried IPv4 address as text (the labels reversed). */
  private static int writeIpv4(byte[] buf, int t) {
    for (int i = 3; i >= 0; i--) {
      int p = HEADER;
      for (int skip = 0; skip < i; skip++) {
        p += 1 + (buf[p] & 0xFF);
      }
      int len = buf[p] & 0xFF;
      System.arraycopy(buf, p + 1, buf, t, len);
      t += len;
      if (i > 0) {
        buf[t++] = '.';
      }
    }
    return t;
  }

  /** Writes the queried IPv6 address as RFC 5952 text. */
  private static int writeIpv6(byte[] buf, int t) {
    int[] groups = new int[8];
    for (int i = 0; i < 32; i++) {
      int nibble = Character.digit(buf[HEADER + 2 * i + 1], 16);
      int position = 31 - i;
      groups[position / 4] |= nibble << (4 * (3 - position % 4));
    }
    if (groups[0] == 0 && groups[1] == 0 && groups[2] == 0 && groups[3] == 0 && groups[4] == 0 && groups[5] == 0xFFFF) {
      // IPv4-mapped: shown as the IPv4 address, as everywhere else in Portcullis (and as rbldnsd does).
      String v4 = (groups[6] >> 8) + "." + (groups[6] & 0xFF) + "." + (groups[7] >> 8) + "." + (groups[7] & 0xFF);
      for (int k = 0; k < v4.length(); k++) {
        buf[t++] = (byte) v4.charAt(k);
      }
      return t;
    }
    int bestStart = -1;
    int bestLength = 1;
    for (int i = 0; i < 8; ) {
      if (groups[i] != 0) {
        i++;
        continue;
      }
      int j = i;
      while (j < 8 && groups[j] == 0) {
        j++;
      }
      if (j - i > bestLength) {
        bestStart = i;
        bestLength = j - i;
      }
      i = j;
    }
    for (int i = 0; i < 8; i++) {
      if (i == bestStart) {
        buf[t++] = ':';
        if (i == 0) {
          buf[t++] = ':';
        }
        i += bestLength - 1;
        continue;
      }
      String hex = Integer.toHexString(groups[i]);
      for (int k = 0; k < hex.length(); k++) {
        buf[t++] = (byte) hex.charAt(k);
      }
      if (i < 7) {
        buf[t++] = ':';
      }
    }
    return t;
  }

  private int soaLength() {
    return 2 + 10 + soaRdata.length + 20;
  }

  private int writeSoa(byte[] buf, int w, int zoneStart, int recordTtl) {
    w = pointer(buf, w, zoneStart);
    w = rrFixed(buf, w, TYPE_SOA, recordTtl, soaRdata.length);
    System.arraycopy(soaRdata, 0, buf, w, soaRdata.length);
    int serialAt = w + soaRdata.length - 20;
    putInt(buf, serialAt, (int) serial.getAsLong());
    return w + soaRdata.length;
  }

  private static byte[] soaRdata(byte[] mname, byte[] rname, int minimum) {
    byte[] out = new byte[mname.length + rname.length + 20];
    System.arraycopy(mname, 0, out, 0, mname.length);
    System.arraycopy(rname, 0, out, mname.length, rname.length);
    int p = mname.length + rname.length;
    putInt(out, p, 0);
    putInt(out, p + 4, 3600);
    putInt(out, p + 8, 600);
    putInt(out, p + 12, 604_800);
    putInt(out, p + 16, minimum);
    return out;
  }

  /** Header and question only, TC set: the client retries over TCP. */
  private int truncated(byte[] buf, int questionEnd, boolean edns, int limit) {
    buf[2] |= 0x02;
    return finish(buf, questionEnd, 0, 0, 0, edns, 0, limit);
  }

  private int finishRcode(byte[] buf, int questionEnd, int rcode, boolean edns, int limit) {
    return finish(buf, questionEnd, 0, 0, rcode, edns, 0, limit);
  }

  /** Sets the header (QR, AA unless refused, RD copied, counts) and appends the OPT record. */
  private static int finish(byte[] buf, int w, int answers, int authority, int rcode, boolean edns, int extendedRcode,
      int limit) {
    boolean truncatedAlready = (buf[2] & 0x02) != 0;
    int rd = buf[2] & 0x01;
    int aa = rcode == RCODE_REFUSED || rcode == RCODE_FORMERR || rcode == RCODE_NOTIMP ? 0 : 0x04;
    buf[2] = (byte) (0x80 | (buf[2] & 0x78) | aa | (truncatedAlready ? 0x02 : 0) | rd);
    buf[3] = (byte) (rcode & 0x0F);
    putShort(buf, 4, 1);
    putShort(buf, 6, answers);
    putShort(buf, 8, authority);
    putShort(buf, 10, 0);
    if (edns && w + 11 <= limit) {
      buf[w++] = 0;
      putShort(buf, w, TYPE_OPT);
      putShort(buf, w + 2, EDNS_MAX);
      buf[w + 4] = (byte) extendedRcode;
      buf[w + 5] = 0;
      putShort(buf, w + 6, 0);
      putShort(buf, w + 8, 0);
      w += 10;
      putShort(buf, 10, 1);
    }
    return w;
  }

  /** A reply of only a header (no question): for packets whose question cannot be read. */
  private static int header(byte[] buf, int rcode) {
    int rd = buf[2] & 0x01;
    buf[2] = (byte) (0x80 | (buf[2] & 0x78) | rd);
    buf[3] = (byte) rcode;
    for (int i = 4; i < HEADER; i++) {
      buf[i] = 0;
    }
    return HEADER;
  }

  private static int pointer(byte[] buf, int w, int target) {
    buf[w] = (byte) (0xC0 | (target >> 8));
    buf[w + 1] = (byte) target;
    return w + 2;
  }

  /** Owner (pointer to the question name), type, class IN, TTL and an RDLENGTH to fill in. */
  private static int rrHeader(byte[] buf, int w, int type, int ttl, int rdlength) {
    w = pointer(buf, w, HEADER);
    return rrFixed(buf, w, type, ttl, rdlength);
  }

  private static int rrFixed(byte[] buf, int w, int type, int ttl, int rdlength) {
    putShort(buf, w, type);
    putShort(buf, w + 2, CLASS_IN);
    putInt(buf, w + 4, ttl);
    putShort(buf, w + 8, rdlength);
    return w + 10;
  }

  static int u16(byte[] buf, int at) {
    return (buf[at] & 0xFF) << 8 | (buf[at + 1] & 0xFF);
  }

  static void putShort(byte[] buf, int at, int v) {
    buf[at] = (byte) (v >> 8);
    buf[at + 1] = (byte) v;
  }

  static void putInt(byte[] buf, int at, int v) {
    buf[at] = (byte) (v >>> 24);
    buf[at + 1] = (byte) (v >>> 16);
    buf[at + 2] = (byte) (v >>> 8);
    buf[at + 3] = (byte) v;
  }

  /** A name in wire form, uncompressed. */
  static byte[] wireName(String name) {
    List<byte[]> labels = new ArrayList<>();
    int total = 1;
    for (String label : name.toLowerCase(Locale.ROOT).split("\\.")) {
      if (label.isEmpty()) {
        continue;
      }
      byte[] b = label.getBytes(StandardCharsets.US_ASCII);
      if (b.length > 63) {
        throw new IllegalArgumentException("DNS label longer than 63 characters in " + name);
      }
      labels.add(b);
      total += 1 + b.length;
    }
    byte[] out = new byte[total];
    int p = 0;
    for (byte[] b : labels) {
      out[p++] = (byte) b.length;
      System.arraycopy(b, 0, out, p, b.length);
      p += b.length;
    }
    return out;
  }
}
