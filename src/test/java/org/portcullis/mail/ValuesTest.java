package org.portcullis.mail;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

class ValuesTest {

  @Test
  void cidrMatchesAddressesInsideItsPrefixOnly() {
    Cidr net = Cidr.parse("192.0.2.0/24");
    assertThat(net.contains(InetAddress.ofLiteral("192.0.2.77"))).isTrue();
    assertThat(net.contains(InetAddress.ofLiteral("192.0.3.1"))).isFalse();
    assertThat(net.contains(InetAddress.ofLiteral("::ffff:192.0.2.9"))).as("IPv4-mapped client").isTrue();
    assertThat(Cidr.parse("2001:db8::/32").contains(InetAddress.ofLiteral("2001:db8:1::5"))).isTrue();
    assertThat(Cidr.parse("10.1.2.3/8").toString()).isEqualTo("10.0.0.0/8");
    assertThat(Cidr.parse("127.0.0.1").contains(InetAddress.ofLiteral("127.0.0.2"))).isFalse();
  }

  @Test
  void cidrRefusesGarbageNamingIt() {
    assertThatThrownBy(() -> Cidr.parse("example.com")).hasMessageContaining("example.com");
    assertThatThrownBy(() -> Cidr.parse("10.0.0.0/33")).hasMessageContaining("prefix");
  }

  @Test
  void heloNamesAreClassified() {
    assertThat(HeloName.parse("mail.example.com").isFullyQualified()).isTrue();
    assertThat(HeloName.parse("localhost").isFullyQualified()).isFalse();
    assertThat(HeloName.parse("localhost").isDomain()).isTrue();
    assertThat(HeloName.parse("192.0.2.1").kind()).isEqualTo(HeloName.Kind.BARE_IP);
    assertThat(HeloName.parse("[192.0.2.1]").literal()).contains(InetAddress.ofLiteral("192.0.2.1"));
    assertThat(HeloName.parse("[IPv6:::1]").kind()).isEqualTo(HeloName.Kind.ADDRESS_LITERAL);
    assertThat(HeloName.parse("bad_name.example").kind()).isEqualTo(HeloName.Kind.INVALID);
    assertThat(HeloName.parse("trailing.dot.").kind()).isEqualTo(HeloName.Kind.INVALID);
    assertThat(HeloName.parse("mail.123").isFullyQualified()).as("numeric TLD").isFalse();
  }

  @Test
  void smtpReplyRendersMultiLineWireFormatAndRefusesMismatchedStatus() {
    SmtpReply reply = new SmtpReply(250, java.util.Optional.empty(), java.util.List.of("one", "two"));
    assertThat(reply.wire(true)).isEqualTo("250-one\r\n250 two\r\n");
    assertThat(SmtpReply.of(550, EnhancedStatus.POLICY, "no").wire(true)).isEqualTo("550 5.7.1 no\r\n");
    assertThatThrownBy(() -> SmtpReply.of(450, EnhancedStatus.POLICY, "x")).hasMessageContaining("5.7.1");
    assertThatThrownBy(() -> SmtpReply.of(250, "a\r\nb")).hasMessageContaining("CR or LF");
  }

  @Test
  void addressesPrintCanonically() {
    assertThat(Addresses.toText(InetAddress.ofLiteral("2001:0db8:0:0:0:0:0:1"))).isEqualTo("2001:db8::1");
    assertThat(Addresses.toText(InetAddress.ofLiteral("::ffff:10.0.0.1"))).isEqualTo("10.0.0.1");
    assertThat(Addresses.parseLiteral("example.com")).isEmpty();
    assertThat(Addresses.parseLiteral("fe80::1%eth0")).isEmpty();
  }
}
