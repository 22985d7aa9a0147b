package org.portcullis.mail;

import java.net.InetAddress;
import java.util.Arrays;

/**
 * An IPv4 or IPv6 network in CIDR notation ({@code 192.0.2.0/24}, {@code 2001:db8::/32}); a bare
 * address is a host network (/32 or /128).
 *
 * <p>IPv4-mapped IPv6 client addresses ({@code ::ffff:192.0.2.1}) are matched against IPv4
 * networks, because that is how a dual-stack socket presents IPv4 clients.
 */
public final class Cidr {

  private final byte[] network;
  private final int prefixLength;
  private final String text;

  private Cidr(byte[] network, int prefixLength) {
    this.network = network;
    this.prefixLength = prefixLength;
    this.text = Addresses.toText(addressOf(network)) + "/" + prefixLength;
  }

  /**
   * Whether {@code entry} reads as a network or address ({@code 192.0.2.0/24}, {@code 2001:db8::1})
   * rather than a domain name: for lists that take either.
   */
  public static boolean looksLikeNetwork(String entry) {
    return entry.indexOf('/') >= 0 || entry.indexOf(':') >= 0
        || (!entry.isEmpty() && Character.isDigit(entry.charAt(entry.length() - 1)));
  }

  /**
   * Parses {@code "10.0.0.0/8"}, {@code "::1"} or {@code "192.0.2.7"}. Host bits set below the
   * prefix are cleared, as routers do.
   *
   * @throws IllegalArgumentException naming the text if it is not an address or network
   */
  public static Cidr parse(String text) {
    String trimmed = text.strip();
    int slash = trimmed.indexOf('/');
    String addressText = slash < 0 ? trimmed : trimmed.substring(0, slash);
    InetAddress address = Addresses.parseLiteral(addressText)
        .orElseThrow(() -> new IllegalArgumentException("not an IP address or CIDR network: \"" + text + "\""));
    byte[] bytes = address.getAddress();
    int max = bytes.length * 8;
    int prefix = max;
    if (slash >= 0) {
      try {
        prefix = Integer.parseInt(trimmed.substring(slash + 1));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("bad prefix length in \"" + text + "\"", e);
      }
      if (prefix < 0 || prefix > max) {
        throw new IllegalArgumentException("prefix length must be 0.." + max + " in \"" + text + "\"");
      }
    }
    return new Cidr(mask(bytes, prefix), prefix);
  }

  /** The host network of one address. */
  public static Cidr of(InetAddress address) {
    byte[] bytes = Addresses.unmap(address).getAddress();
    return new Cidr(bytes, bytes.length * 8);
  }

  /** The network of {@code address} with the given prefix length, e.g. its /24. */
  public static Cidr of(InetAddress address, int prefixLength) {
    byte[] bytes = Addresses.unmap(address).getAddress();
    if (prefixLength < 0 || prefixLength > bytes.length * 8) {
      throw new IllegalArgumentException("prefix length must be 0.." + bytes.length * 8 + ", not " + prefixLength);
    }
    return new Cidr(mask(bytes, prefixLength), prefixLength);
  }

  /**
   * The network a client is counted in for limits that must hold against neighbours as well as
   * one address: an IPv4 /24 or an IPv6 /64 (what one customer of a provider usually holds).
   */
  public static Cidr clientNetwork(InetAddress address) {
    InetAddress a = Addresses.unmap(address);
    return of(a, a.getAddress().length == 4 ? 24 : 64);
  }

  public boolean contains(InetAddress address) {
    byte[] candidate = Addresses.unmap(address).getAddress();
    if (candidate.length != network.length) {
      return false;
    }
    int fullBytes = prefixLength / 8;
    for (int i = 0; i < fullBytes; i++) {
      if (candidate[i] != network[i]) {
        return false;
      }
    }
    int remainingBits = prefixLength % 8;
    if (remainingBits == 0) {
      return true;
    }
    int mask = (0xFF << (8 - remainingBits)) & 0xFF;
    return (candidate[fullBytes] & mask) == (network[fullBytes] & mask);
  }

  public int prefixLength() {
    return prefixLength;
  }

  /** Whether this is an IPv6 network. */
  public boolean isIpv6() {
    return network.length == 16;
  }

  /** Whether this network is one address (/32 or /128). */
  public boolean isHost() {
    return prefixLength == network.length * 8;
  }

  /** The first address's bytes (4 or 16), a copy. */
  public byte[] firstAddress() {
    return network.clone();
  }

  /** The last address's bytes (4 or 16): the network with every host bit set. */
  public byte[] lastAddress() {
    byte[] out = network.clone();
    for (int bit = prefixLength; bit < out.length * 8; bit++) {
      out[bit / 8] |= (byte) (0x80 >> (bit % 8));
    }
    return out;
  }

  /** The network's first address. */
  public InetAddress address() {
    return addressOf(network);
  }

  private static byte[] mask(byte[] bytes, int prefix) {
    byte[] out = bytes.clone();
    for (int bit = prefix; bit < out.length * 8; bit++) {
      out[bit / 8] &= (byte) ~(0x80 >> (bit % 8));
    }
    return out;
  }

  private static InetAddress addressOf(byte[] bytes) {
    try {
      return InetAddress.getByAddress(bytes);
    } catch (java.net.UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Cidr other && other.prefixLength == prefixLength
        && Arrays.equals(other.network, network);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(network) * 31 + prefixLength;
  }

  @Override
  public String toString() {
    return text;
  }
}
