package org.portcullis.mail;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PathParserTest {

  private static MailPath parse(String text) throws AddressSyntaxException {
    return MailPath.parse(text, false);
  }

  @Test
  void aBracketedMailboxIsParsedWithItsDomainInLowerCase() throws Exception {
    MailPath path = parse("<Alice.Smith@Example.COM>");
    assertThat(path.address().localPart()).isEqualTo("Alice.Smith");
    assertThat(path.address().domain()).isEqualTo("example.com");
    assertThat(path.bracketed()).isTrue();
  }

  @Test
  void theNullPathHasNoMailbox() throws Exception {
    assertThat(parse("<>").isNull()).isTrue();
  }

  @Test
  void aPathWithoutBracketsIsToleratedAndRecorded() throws Exception {
    MailPath path = parse("bob@example.com");
    assertThat(path.bracketed()).isFalse();
    assertThat(path.address().toString()).isEqualTo("bob@example.com");
  }

  @Test
  void aSourceRouteIsKeptApartFromTheMailbox() throws Exception {
    MailPath path = parse("<@relay.example,@other.example:user@final.example>");
    assertThat(path.sourceRoute()).containsExactly("relay.example", "other.example");
    assertThat(path.address().domain()).isEqualTo("final.example");
  }

  @Test
  void aQuotedLocalPartKeepsItsContentAndIsMarkedQuoted() throws Exception {
    MailPath path = parse("<\"user@other.example\"@ours.example>");
    assertThat(path.address().localPart()).isEqualTo("user@other.example");
    assertThat(path.address().quoted()).isTrue();
    assertThat(path.address().hasRoutingCharacters()).isTrue();
    assertThat(path.address().toString()).isEqualTo("\"user@other.example\"@ours.example");
  }

  @Test
  void percentHackAndBangPathsAreSyntacticallyValidButFlagged() throws Exception {
    assertThat(parse("<user%other.example@ours.example>").address().hasRoutingCharacters()).isTrue();
    assertThat(parse("<other.example!user@ours.example>").address().hasRoutingCharacters()).isTrue();
    assertThat(parse("<user@ours.example>").address().hasRoutingCharacters()).isFalse();
  }

  @Test
  void anAddressLiteralDomainIsRecognised() throws Exception {
    EmailAddress a = parse("<user@[192.0.2.1]>").address();
    assertThat(a.isDomainLiteral()).isTrue();
    assertThat(a.domainLiteralAddress()).contains(java.net.InetAddress.ofLiteral("192.0.2.1"));
    assertThat(parse("<user@[IPv6:2001:db8::1]>").address().isDomainLiteral()).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "<user@other.example@ours.example>", "<user@example.com.>", "<user@.example.com>", "<user@exa mple.com>",
      "<.user@example.com>", "<user.@example.com>", "<us..er@example.com>", "<user@-example.com>",
      "<user@example_host.com>", "<user@[300.1.1.1]>", "<user@[192.0.2.1>", "<\"unterminated@example.com>",
      "<user@example.com", "", "<>x", "<user@example.com> trailing"})
  void malformedPathsAreRefused(String text) {
    assertThatThrownBy(() -> parse(text)).isInstanceOf(AddressSyntaxException.class);
  }

  @Test
  void aLocalPartWithoutDomainIsReportedAsMissingDomain() {
    assertThatThrownBy(() -> parse("<bob>"))
        .isInstanceOfSatisfying(AddressSyntaxException.class,
            e -> assertThat(e.kind()).isEqualTo(AddressSyntaxException.Kind.MISSING_DOMAIN));
  }

  @Test
  void nonAsciiIsRefusedWithoutSmtputf8AndAcceptedWithIt() throws Exception {
    assertThatThrownBy(() -> MailPath.parse("<jösé@exämple.com>", false))
        .isInstanceOfSatisfying(AddressSyntaxException.class,
            e -> assertThat(e.kind()).isEqualTo(AddressSyntaxException.Kind.NON_ASCII));
    EmailAddress a = MailPath.parse("<jösé@exämple.com>", true).address();
    assertThat(a.isInternational()).isTrue();
  }

  @Test
  void overlongPartsAreRefused() {
    String local = "a".repeat(65);
    assertThatThrownBy(() -> parse("<" + local + "@example.com>"))
        .isInstanceOfSatisfying(AddressSyntaxException.class,
            e -> assertThat(e.kind()).isEqualTo(AddressSyntaxException.Kind.TOO_LONG));
    String label = "b".repeat(64);
    assertThatThrownBy(() -> parse("<a@" + label + ".com>")).isInstanceOf(AddressSyntaxException.class);
  }

  @Test
  void parametersAfterThePathAreReturnedUnparsed() throws Exception {
    MailPath.WithParameters parsed = MailPath.parseWithParameters("<a@example.com> SIZE=100 BODY=8BITMIME", false);
    assertThat(parsed.path().address().toString()).isEqualTo("a@example.com");
    assertThat(parsed.parameters()).isEqualTo("SIZE=100 BODY=8BITMIME");
  }
}
