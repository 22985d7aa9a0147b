package org.portcullis.mail;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.Optional;

/** Helpers for IP addresses that never touch DNS. */
public final class Addresses {

  private Addresses() {}

  /**
   * Parses an IPv4 or IPv6 literal without any DNS lookup. IPv6 zone ids are refused.
   *
   * @return the address, or empty if {@code text} is not an address literal
   */
  public static Optional<InetAddress> parseLiteral(String text) {
    if (text == null || text.isEmpty() || text.length() > 45 || text.indexOf('%') >= 0) {
      return Optional.empty();
    }
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      boolean ok = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')
          || c == '.' || c == ':';
      if (!ok) {
        return Optional.empty();
      }
    }
    try {
      return Optional.of(InetAddress.ofLiteral(text));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  /** An IPv4-mapped IPv6 address ({@code ::ffff:a.b.c.d}) as the IPv4 address it maps. */
  public static InetAddress unmap(InetAddress address) {
    if (address instanceof Inet6Address) {
      byte[] b = address.getAddress();
      boolean mapped = true;
      for (int i = 0; i < 10 && mapped; i++) {
        mapped = b[i] == 0;
      }
      if (mapped && b[10] == (byte) 0xFF && b[11] == (byte) 0xFF) {
        try {
          return InetAddress.getByAddress(new byte[] {b[12], b[13], b[14], b[15]});
        } catch (java.net.UnknownHostException e) {
          throw new IllegalStateException(e);
        }
      }
    }
    return address;
  }

  /** The canonical text of an address: dotted quad, or compressed IPv6 without brackets. */
  public static String toText(InetAddress address) {
    InetAddress a = unmap(address);
    if (a instanceof Inet4Address) {
      return a.getHostAddress();
    }
    return compressIpv6(a.getAddress());
  }

  /** The form used inside an SMTP address literal: {@code 192.0.2.1} or {@code IPv6:2001:db8::1}. */
  public static String toLiteralText(InetAddress address) {
    InetAddress a = unmap(address);
    return a instanceof Inet4Address ? toText(a) : "IPv6:" + toText(a);
  }

  private static String compressIpv6(byte[] b) {
    int[] words = new int[8];
    for (int i = 0; i < 8; i++) {
      words[i] = ((b[2 * i] & 0xFF) << 8) | (b[2 * i + 1] & 0xFF);
    }
    int bestStart = -1;
    int bestLen = 0;
    for (int i = 0; i < 8; ) {
      if (words[i] != 0) {
        i++;
        continue;
      }
      int j = i;
      while (j < 8 && words[j] == 0) {
        j++;
      }
      if (j - i > bestLen && j - i > 1) {
        bestStart = i;
        bestLen = j - i;
      }
      i = j;
    }
    StringBuilder out = new StringBuilder(39);
    for (int i = 0; i < 8; i++) {
      if (i == bestStart) {
        out.append("::");
        i += bestLen - 1;
        continue;
      }
      if (out.length() > 0 && out.charAt(out.length() - 1) != ':') {
        out.append(':');
      }
      out.append(Integer.toHexString(words[i]));
    }
    return out.toString();
  }
}
