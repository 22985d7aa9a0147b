package org.portcullis.blocklist;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import org.portcullis.blocklist.ZoneSettings;
import org.portcullis.mail.Cidr;

/**
 * Writes the active listings as rbldnsd data files, so that rbldnsd (or anything reading its
 * formats) can mirror the zone: an {@code ip4set} for IPv4 and an {@code ip6trie} for IPv6, each
 * with the zone's SOA, NS and TTL, a default value line for spam sources and explicit values for
 * the other categories. TXT texts keep {@code $}, which rbldnsd replaces with the queried address,
 * as our server does. The RFC 5782 test points are included.
 */
public final class RbldnsdExport {

  private final ZoneSettings zone;
  private final long serial;

  public RbldnsdExport(ZoneSettings zone, long serial) {
    this.zone = zone;
    this.serial = serial;
  }

  /** Writes the IPv4 dataset; returns how many entries. */
  public int writeIp4set(ListingIndex index, Writer out) throws IOException {
    header(out);
    out.write("127.0.0.2\n");
    int[] count = {1};
    try {
      index.forEach(new ListingIndex.Visitor() {
        @Override
        public void v4Host(int a, int code) {
          write(out, (a >>> 24) + "." + (a >>> 16 & 0xFF) + "." + (a >>> 8 & 0xFF) + "." + (a & 0xFF), code);
          count[0]++;
        }

        @Override
        public void network(Cidr network, int code) {
          if (!network.isIpv6()) {
            write(out, network.toString(), code);
            count[0]++;
          }
        }
      });
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
    return count[0];
  }

  /** Writes the IPv6 dataset; returns how many entries. */
  public int writeIp6trie(ListingIndex index, Writer out) throws IOException {
    header(out);
    out.write("::ffff:7f00:2\n");
    int[] count = {1};
    try {
      index.forEach(new ListingIndex.Visitor() {
        @Override
        public void v4Host(int address, int code) {}

        @Override
        public void network(Cidr network, int code) {
          if (network.isIpv6()) {
            write(out, network.isHost() ? org.portcullis.mail.Addresses.toText(network.address()) : network.toString(),
                code);
            count[0]++;
          }
        }
      });
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
    return count[0];
  }

  private void header(Writer out) throws IOException {
    long ttl = zone.ttl().toSeconds();
    out.write("# " + zone.zone() + " exported by Portcullis; serve with rbldnsd (see docs/operations.md)\n");
    out.write("$SOA " + ttl + " " + zone.nameServers().getFirst() + ". " + zone.hostmaster().replace('@', '.') + ". "
        + (serial & 0xFFFFFFFFL) + " 3600 600 604800 " + zone.negativeTtl().toSeconds() + "\n");
    out.write("$NS " + ttl + " " + String.join(". ", zone.nameServers()) + ".\n");
    out.write("$TTL " + ttl + "\n");
    out.write(":127.0.0." + Category.SPAM_SOURCE.code() + ":" + txt(Category.SPAM_SOURCE) + "\n");
  }

  private void write(Writer out, String entry, int code) {
    try {
      if (code == Category.SPAM_SOURCE.code()) {
        out.write(entry + "\n");
      } else {
        Category c = Category.fromCode(code).orElse(Category.SPAM_SOURCE);
        out.write(entry + " :127.0.0." + code + ":" + txt(c) + "\n");
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private String txt(Category category) {
    return zone.txtTemplate().replace("{zone}", zone.zone()).replace("{category}", category.description());
  }
}
