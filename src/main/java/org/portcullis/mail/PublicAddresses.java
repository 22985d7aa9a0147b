package org.portcullis.mail;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;

/**
 * Which addresses a stranger may make us connect to (a diagnosis, a sender verification callout):
 * never private, loopback, link-local, multicast or reserved ones.
 */
public final class PublicAddresses {

  private PublicAddresses() {}

  /** Whether {@code address} is on the public Internet (false for anything a stranger must not aim us at). */
  public static boolean isPublic(InetAddress address) {
    if (address.isAnyLocalAddress() || address.isLoopbackAddress() || address.isLinkLocalAddress()
        || address.isSiteLocalAddress() || address.isMulticastAddress()) {
      return false;
    }
    byte[] b = address.getAddress();
    if (address instanceof Inet4Address) {
      int first = b[0] & 0xff;
      int second = b[1] & 0xff;
      return !(first == 0 || first >= 240 // this network, reserved and broadcast
          || first == 100 && second >= 64 && second < 128 // carrier-grade NAT (RFC 6598)
          || first == 192 && second == 0 && (b[2] & 0xff) == 0 // IETF protocol assignments
          || first == 192 && second == 0 && (b[2] & 0xff) == 2 // TEST-NET-1
          || first == 198 && (second == 18 || second == 19) // benchmarking (RFC 2544)
          || first == 198 && second == 51 && (b[2] & 0xff) == 100 // TEST-NET-2
          || first == 203 && second == 0 && (b[2] & 0xff) == 113); // TEST-NET-3
    }
    if (address instanceof Inet6Address) {
      int first = b[0] & 0xff;
      return !((first & 0xfe) == 0xfc // unique local fc00::/7
          || first == 0x20 && (b[1] & 0xff) == 0x01 && (b[2] & 0xff) == 0x0d && (b[3] & 0xff) == 0xb8 // 2001:db8::/32
          || first == 0 // ::/8: unspecified, loopback, v4-mapped and compatible
          || first == 0x01 && b[1] == 0); // 100::/64 discard
    }
    return false;
  }
}
