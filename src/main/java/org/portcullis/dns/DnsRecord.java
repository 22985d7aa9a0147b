package org.portcullis.dns;

import java.net.InetAddress;
import org.portcullis.mail.Addresses;

/** One resource record of an answer, typed. Names are lower case, without the trailing dot. */
public sealed interface DnsRecord {

  /** A or AAAA. */
  record Address(InetAddress address) implements DnsRecord {
    @Override
    public String toString() {
      return Addresses.toText(address);
    }
  }

  /** PTR, CNAME or NS: a domain name. */
  record Name(String name) implements DnsRecord {
    @Override
    public String toString() {
      return name;
    }
  }

  /** MX. */
  record Mx(int preference, String exchange) implements DnsRecord {
    /** True for the RFC 7505 null MX ({@code 0 .}): the domain accepts no mail. */
    public boolean isNullMx() {
      return exchange.isEmpty();
    }

    @Override
    public String toString() {
      return preference + " " + (exchange.isEmpty() ? "." : exchange);
    }
  }

  /** TXT: the character-strings joined without separators, as SPF and DNSBLs read them. */
  record Txt(String text) implements DnsRecord {
    @Override
    public String toString() {
      return "\"" + text + "\"";
    }
  }

  /** SOA, kept for its negative-caching TTL. */
  record Soa(String primary, String admin, long serial, long minimum) implements DnsRecord {
    @Override
    public String toString() {
      return primary + " " + admin + " " + serial + " " + minimum;
    }
  }
}
