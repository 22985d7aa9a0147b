package org.portcullis.spf;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.portcullis.dns.DnsRecord;
import org.portcullis.dns.DnsStatus;
import org.portcullis.dns.DnsType;
import org.portcullis.dns.StaticDnsResolver;

/** The term named in SPF explanations: the first directive that matches, or nothing where it cannot be told. */
class MatchedTermTest {

  private static final InetAddress CLIENT = InetAddress.ofLiteral("192.0.2.25");

  private final StaticDnsResolver dns = new StaticDnsResolver()
      .add("example.com", DnsType.A, new DnsRecord.Address(InetAddress.ofLiteral("198.51.100.1")))
      .add("example.com", DnsType.MX, new DnsRecord.Mx(10, "mx.example.com"))
      .add("mx.example.com", DnsType.A, new DnsRecord.Address(InetAddress.ofLiteral("192.0.2.25")))
      .add("mail.example.com", DnsType.A, new DnsRecord.Address(InetAddress.ofLiteral("192.0.2.200")))
      .add("listed.spf.example", DnsType.A, new DnsRecord.Address(InetAddress.ofLiteral("127.0.0.2")))
      .fail("slow.example.com", DnsType.A, DnsStatus.TIMEOUT);
  private final MatchedTerm terms = new MatchedTerm(dns, System.nanoTime() + 5_000_000_000L);

  private Optional<String> find(String record) {
    return terms.find(record, "example.com", CLIENT, include -> include.equals("_spf.partner.example"));
  }

  @Test
  void theFirstMatchingDirectiveIsNamedAsPublished() {
    assertThat(find("v=spf1 ip4:192.0.2.0/24 -all")).contains("ip4:192.0.2.0/24");
    assertThat(find("v=spf1 ip4:203.0.113.0/24 -all")).contains("-all");
    assertThat(find("v=spf1 a mx ~all")).as("a does not match, mx does").contains("mx");
    assertThat(find("v=spf1 a:mail.example.com/24 -all")).contains("a:mail.example.com/24");
    assertThat(find("v=spf1 a:mail.example.com -all")).as("/32 by default").contains("-all");
    assertThat(find("v=spf1 ip6:2001:db8::/32 include:_spf.other.example include:_spf.partner.example -all"))
        .contains("include:_spf.partner.example");
    assertThat(find("v=spf1 exists:listed.spf.example ?all")).contains("exists:listed.spf.example");
    assertThat(find("v=spf1 ip4:10.0.0.1 redirect=_spf.example.com")).contains("redirect=_spf.example.com");
    assertThat(find("v=spf1 ip4:10.0.0.1")).contains("(no term matched: neutral)");
    assertThat(find("V=SPF1 +IP4:192.0.2.25 -ALL")).contains("+IP4:192.0.2.25");
  }

  @Test
  void whatCannotBeToldForSureNamesNothing() {
    assertThat(find("v=spf1 exists:%{i}.spf.example -all")).as("a macro").isEmpty();
    assertThat(find("v=spf1 ptr -all")).isEmpty();
    assertThat(find("v=spf1 a:slow.example.com -all")).as("a lookup that does not answer").isEmpty();
    assertThat(find("v=spf1 ip4:999.1.1.1/8 -all")).as("a broken network").isEmpty();
    assertThat(find("v=spf1 a/99 -all")).isEmpty();
  }
}
