package org.portcullis.dns;

import java.net.InetAddress;
import org.portcullis.mail.Addresses;

/** The in-addr.arpa and ip6.arpa names of addresses (RFC 1035 3.5, RFC 3596 2.5). */
public final class ReverseName {

  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private ReverseName() {}

  /** {@code 192.0.2.1 -> 1.2.0.192.in-addr.arpa}; IPv6 as 32 nibbles under ip6.arpa. */
  public static String of(InetAddress address) {
    return reversed(address) + (Addresses.unmap(address).getAddress().length == 4 ? ".in-addr.arpa" : ".ip6.arpa");
  }

  /**
   * The reversed labels alone, as DNSBL queries use them (RFC 5782): {@code 1.2.0.192} or 32
   * nibbles, to be followed by a zone name.
   */
  public static String reversed(InetAddress address) {
    byte[] b = Addresses.unmap(address).getAddress();
    StringBuilder out = new StringBuilder(b.length == 4 ? 16 : 64);
    if (b.length == 4) {
      for (int i = 3; i >= 0; i--) {
        out.append(b[i] & 0xFF);
        if (i > 0) {
          out.append('.');
        }
      }
    } else {
      for (int i = 15; i >= 0; i--) {
        out.append(HEX[b[i] & 0x0F]).append('.').append(HEX[(b[i] >> 4) & 0x0F]);
        if (i > 0) {
          out.append('.');
        }
      }
    }
    return out.toString();
  }
}
