package org.portcullis.blocklist;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.portcullis.mail.Addresses;
import org.portcullis.mail.Cidr;

/**
 * The active listings in a compact, immutable form for answering DNS queries and the gateway's
 * own check without touching the store: which category code (0 for none) an address has.
 *
 * <p>IPv4 addresses are a sorted {@code int[]} with a parallel {@code byte[]} of codes (5 bytes
 * per listing: a million listings take 5 MB); networks are sorted ranges searched with a
 * running maximum of range ends, so nested networks work and the most specific one wins. IPv6
 * addresses are pairs of {@code long}s. Lookups allocate nothing. A change makes a new index by
 * merging ({@link #apply}); readers keep using the old one until they pick up the new one.
 */
public final class ListingIndex {

  public static final ListingIndex EMPTY = new ListingIndex(new int[0], new byte[0], new Ranges4(List.of()),
      new long[0], new long[0], new byte[0], List.of());

  private final int[] v4Hosts;
  private final byte[] v4HostCodes;
  private final Ranges4 v4Networks;
  private final long[] v6Hi;
  private final long[] v6Lo;
  private final byte[] v6Codes;
  private final List<Network6> v6Networks;

  private ListingIndex(int[] v4Hosts, byte[] v4HostCodes, Ranges4 v4Networks, long[] v6Hi, long[] v6Lo,
      byte[] v6Codes, List<Network6> v6Networks) {
    this.v4Hosts = v4Hosts;
    this.v4HostCodes = v4HostCodes;
    this.v4Networks = v4Networks;
    this.v6Hi = v6Hi;
    this.v6Lo = v6Lo;
    this.v6Codes = v6Codes;
    this.v6Networks = v6Networks;
  }

  /** How many listings (addresses and networks) the index holds. */
  public int size() {
    return v4Hosts.length + v4Networks.size() + v6Hi.length + v6Networks.size();
  }

  /** The bytes held by this index's arrays (what a million listings cost in heap). */
  public long footprintBytes() {
    return 5L * v4Hosts.length + 14L * v4Networks.size() + 17L * v6Hi.length + 80L * v6Networks.size();
  }

  /** The category code of the most specific listing containing the IPv4 address, or 0. */
  public int lookupV4(int address) {
    int i = searchUnsigned(v4Hosts, address);
    if (i >= 0) {
      return v4HostCodes[i];
    }
    return v4Networks.lookup(address);
  }

  /** The category code of the most specific listing containing the IPv6 address, or 0. */
  public int lookupV6(long hi, long lo) {
    int low = 0;
    int high = v6Hi.length - 1;
    while (low <= high) {
      int mid = (low + high) >>> 1;
      int c = compare128(v6Hi[mid], v6Lo[mid], hi, lo);
      if (c < 0) {
        low = mid + 1;
      } else if (c > 0) {
        high = mid - 1;
      } else {
        return v6Codes[mid];
      }
    }
    int best = 0;
    int bestPrefix = -1;
    for (Network6 n : v6Networks) {
      if (n.prefix > bestPrefix && compare128(n.startHi, n.startLo, hi, lo) <= 0
          && compare128(n.endHi, n.endLo, hi, lo) >= 0) {
        best = n.code;
        bestPrefix = n.prefix;
      }
    }
    return best;
  }

  /** The category code for an address, or 0. */
  public int lookup(InetAddress address) {
    byte[] b = Addresses.unmap(address).getAddress();
    if (b.length == 4) {
      return lookupV4(toInt(b, 0));
    }
    return lookupV6(toLong(b, 0), toLong(b, 8));
  }

  /** Receives every listing of an index, for zone transfers and exports. */
  public interface Visitor {
    /** One IPv4 address (an unsigned int) and its category code. */
    void v4Host(int address, int code);

    /** A network, or an IPv6 address as a /128, and its category code. */
    void network(Cidr network, int code);
  }

  /** Visits every listing: IPv4 addresses in order, then IPv4 networks, then IPv6. */
  public void forEach(Visitor visitor) {
    for (int i = 0; i < v4Hosts.length; i++) {
      visitor.v4Host(v4Hosts[i], v4HostCodes[i]);
    }
    for (int i = 0; i < v4Networks.size(); i++) {
      visitor.network(v4Networks.networks.get(i), v4Networks.code[i]);
    }
    for (int i = 0; i < v6Hi.length; i++) {
      byte[] b = new byte[16];
      for (int k = 0; k < 8; k++) {
        b[k] = (byte) (v6Hi[i] >>> (56 - 8 * k));
        b[8 + k] = (byte) (v6Lo[i] >>> (56 - 8 * k));
      }
      try {
        visitor.network(Cidr.of(java.net.InetAddress.getByAddress(b)), v6Codes[i]);
      } catch (java.net.UnknownHostException e) {
        throw new IllegalStateException(e);
      }
    }
    for (Network6 n : v6Networks) {
      visitor.network(n.network, n.code);
    }
  }

  /** A new index with these changes applied, later changes to the same network winning. */
  public ListingIndex apply(Collection<BlocklistStore.Change> changes) {
    if (changes.isEmpty()) {
      return this;
    }
    Map<Cidr, Integer> latest = new LinkedHashMap<>();
    for (BlocklistStore.Change c : changes) {
      latest.put(c.network(), c.active() ? c.category().code() : 0);
    }
    TreeMap<Integer, Integer> hosts4 = new TreeMap<>(Integer::compareUnsigned);
    Map<Cidr, Integer> networks4 = new LinkedHashMap<>();
    Map<Cidr, Integer> other6 = new LinkedHashMap<>();
    latest.forEach((network, code) -> {
      if (!network.isIpv6() && network.isHost()) {
        hosts4.put(toInt(network.firstAddress(), 0), code);
      } else if (!network.isIpv6()) {
        networks4.put(network, code);
      } else {
        other6.put(network, code);
      }
    });
    int[] keys = new int[hosts4.size()];
    byte[] codes = new byte[hosts4.size()];
    int k = 0;
    for (Map.Entry<Integer, Integer> e : hosts4.entrySet()) {
      keys[k] = e.getKey();
      codes[k++] = (byte) (int) e.getValue();
    }
    int[][] merged4 = merge(v4Hosts, v4HostCodes, keys, codes);
    int[] mergedHosts = merged4[0];
    byte[] mergedCodes = new byte[mergedHosts.length];
    for (int i = 0; i < mergedHosts.length; i++) {
      mergedCodes[i] = (byte) merged4[1][i];
    }
    Ranges4 ranges = networks4.isEmpty() ? v4Networks : v4Networks.with(networks4);
    if (other6.isEmpty()) {
      return new ListingIndex(mergedHosts, mergedCodes, ranges, v6Hi, v6Lo, v6Codes, v6Networks);
    }
    return with6(mergedHosts, mergedCodes, ranges, other6);
  }

  private ListingIndex with6(int[] hosts, byte[] codes, Ranges4 ranges, Map<Cidr, Integer> changes) {
    TreeMap<long[], Integer> hosts6 = new TreeMap<>((a, b) -> compare128(a[0], a[1], b[0], b[1]));
    for (int i = 0; i < v6Hi.length; i++) {
      hosts6.put(new long[] {v6Hi[i], v6Lo[i]}, (int) v6Codes[i]);
    }
    Map<Cidr, Integer> nets = new LinkedHashMap<>();
    for (Network6 n : v6Networks) {
      nets.put(n.network, (int) n.code);
    }
    changes.forEach((network, code) -> {
      if (network.isHost()) {
        byte[] b = network.firstAddress();
        long[] key = {toLong(b, 0), toLong(b, 8)};
        if (code == 0) {
          hosts6.remove(key);
        } else {
          hosts6.put(key, code);
        }
      } else if (code == 0) {
        nets.remove(network);
      } else {
        nets.put(network, code);
      }
    });
    long[] hi = new long[hosts6.size()];
    long[] lo = new long[hosts6.size()];
    byte[] c6 = new byte[hosts6.size()];
    int i = 0;
    for (Map.Entry<long[], Integer> e : hosts6.entrySet()) {
      hi[i] = e.getKey()[0];
      lo[i] = e.getKey()[1];
      c6[i++] = (byte) (int) e.getValue();
    }
    List<Network6> list = new ArrayList<>();
    nets.forEach((network, code) -> list.add(new Network6(network, code)));
    return new ListingIndex(hosts, codes, ranges, hi, lo, c6, List.copyOf(list));
  }

  /** Merges sorted (key, code) changes into sorted arrays; code 0 removes. Returns {keys, codes}. */
  private static int[][] merge(int[] keys, byte[] codes, int[] changeKeys, byte[] changeCodes) {
    int[] outKeys = new int[keys.length + changeKeys.length];
    int[] outCodes = new int[outKeys.length];
    int i = 0;
    int j = 0;
    int n = 0;
    while (i < keys.length || j < changeKeys.length) {
      int c = i == keys.length ? 1 : j == changeKeys.length ? -1 : Integer.compareUnsigned(keys[i], changeKeys[j]);
      if (c < 0) {
        outKeys[n] = keys[i];
        outCodes[n++] = codes[i++];
      } else {
        if (changeCodes[j] != 0) {
          outKeys[n] = changeKeys[j];
          outCodes[n++] = changeCodes[j];
        }
        if (c == 0) {
          i++;
        }
        j++;
      }
    }
    return new int[][] {Arrays.copyOf(outKeys, n), Arrays.copyOf(outCodes, n)};
  }

  private static int searchUnsigned(int[] sorted, int key) {
    int low = 0;
    int high = sorted.length - 1;
    while (low <= high) {
      int mid = (low + high) >>> 1;
      int c = Integer.compareUnsigned(sorted[mid], key);
      if (c < 0) {
        low = mid + 1;
      } else if (c > 0) {
        high = mid - 1;
      } else {
        return mid;
      }
    }
    return -(low + 1);
  }

  static int compare128(long aHi, long aLo, long bHi, long bLo) {
    int c = Long.compareUnsigned(aHi, bHi);
    return c != 0 ? c : Long.compareUnsigned(aLo, bLo);
  }

  public static int toInt(byte[] b, int offset) {
    return (b[offset] & 0xFF) << 24 | (b[offset + 1] & 0xFF) << 16 | (b[offset + 2] & 0xFF) << 8 | (b[offset + 3] & 0xFF);
  }

  public static long toLong(byte[] b, int offset) {
    long v = 0;
    for (int i = 0; i < 8; i++) {
      v = v << 8 | (b[offset + i] & 0xFF);
    }
    return v;
  }

  /** IPv4 networks sorted by first address, with the running maximum of last addresses. */
  private static final class Ranges4 {
    private final List<Cidr> networks;
    private final int[] start;
    private final int[] end;
    private final int[] maxEnd;
    private final byte[] prefix;
    private final byte[] code;

    Ranges4(List<Map.Entry<Cidr, Integer>> entries) {
      List<Map.Entry<Cidr, Integer>> sorted = new ArrayList<>(entries);
      sorted.sort((a, b) -> Integer.compareUnsigned(toInt(a.getKey().firstAddress(), 0), toInt(b.getKey().firstAddress(), 0)));
      int n = sorted.size();
      networks = new ArrayList<>(n);
      start = new int[n];
      end = new int[n];
      maxEnd = new int[n];
      prefix = new byte[n];
      code = new byte[n];
      for (int i = 0; i < n; i++) {
        Cidr c = sorted.get(i).getKey();
        networks.add(c);
        start[i] = toInt(c.firstAddress(), 0);
        end[i] = toInt(c.lastAddress(), 0);
        maxEnd[i] = i == 0 || Integer.compareUnsigned(end[i], maxEnd[i - 1]) > 0 ? end[i] : maxEnd[i - 1];
        prefix[i] = (byte) c.prefixLength();
        code[i] = (byte) (int) sorted.get(i).getValue();
      }
    }

    int size() {
      return start.length;
    }

    int lookup(int address) {
      int low = 0;
      int high = start.length - 1;
      int last = -1;
      while (low <= high) {
        int mid = (low + high) >>> 1;
        if (Integer.compareUnsigned(start[mid], address) <= 0) {
          last = mid;
          low = mid + 1;
        } else {
          high = mid - 1;
        }
      }
      int best = 0;
      int bestPrefix = -1;
      for (int j = last; j >= 0 && Integer.compareUnsigned(maxEnd[j], address) >= 0; j--) {
        if (Integer.compareUnsigned(end[j], address) >= 0 && prefix[j] > bestPrefix) {
          best = code[j];
          bestPrefix = prefix[j];
        }
      }
      return best;
    }

    Ranges4 with(Map<Cidr, Integer> changes) {
      Map<Cidr, Integer> all = new LinkedHashMap<>();
      for (int i = 0; i < networks.size(); i++) {
        all.put(networks.get(i), (int) code[i]);
      }
      changes.forEach((network, c) -> {
        if (c == 0) {
          all.remove(network);
        } else {
          all.put(network, c);
        }
      });
      return new Ranges4(new ArrayList<>(all.entrySet()));
    }
  }

  private record Network6(Cidr network, long startHi, long startLo, long endHi, long endLo, int prefix, byte code) {
    Network6(Cidr network, int code) {
      this(network, toLong(network.firstAddress(), 0), toLong(network.firstAddress(), 8),
          toLong(network.lastAddress(), 0), toLong(network.lastAddress(), 8), network.prefixLength(), (byte) code);
    }
  }
}
