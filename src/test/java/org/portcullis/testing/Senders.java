package org.portcullis.testing;

/**
 * The cast of loopback senders the integration tests play (each binds its own 127.x source
 * address), and the DNS that describes them.
 */
public final class Senders {

  /** A well-run mail server: PTR and A agree, HELO matches, its domain has an MX. */
  public static final String GOOD = "127.0.1.1";
  public static final String GOOD_NAME = "mail.good.example";
  /** A second good server of the same organisation. */
  public static final String GOOD_2 = "127.0.1.2";
  /** No PTR record at all. */
  public static final String NO_PTR = "127.0.2.1";
  /** PTR that names a dynamic pool. */
  public static final String DYNAMIC = "127.0.3.1";
  /** PTR lookups for this address get no answer. */
  public static final String DNS_DOWN = "127.0.4.1";
  /** On the test configuration's LAN. */
  public static final String LAN = "127.0.0.100";

  private Senders() {}

  /** Adds the cast's records to a test DNS server. */
  public static TestDnsServer describe(TestDnsServer dns) {
    dns.host(GOOD, GOOD_NAME).host(GOOD_2, "mail2.good.example").mx("good.example", 10, GOOD_NAME)
        .a("good.example", GOOD)
        .host(DYNAMIC, "127-0-3-1.dyn.isp.example").mx("isp.example", 10, "mx.isp.example")
        .silent(org.portcullis.dns.ReverseName.of(java.net.InetAddress.ofLiteral(DNS_DOWN)));
    return dns;
  }
}
