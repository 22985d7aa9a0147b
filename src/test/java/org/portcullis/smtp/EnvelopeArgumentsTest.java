package org.portcullis.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.portcullis.mail.AddressSyntaxException;
import org.portcullis.mail.Recipient;

/** MAIL and RCPT arguments and the session's transaction state, without a socket. */
class EnvelopeArgumentsTest {

  @Test
  void theKeywordIsMatchedWithoutRegardToCaseAndOneSpaceAfterItIsTolerated() {
    assertThat(EnvelopeArguments.afterKeyword("from:<a@b.example>", "FROM:")).contains("<a@b.example>");
    assertThat(EnvelopeArguments.afterKeyword("FROM: <a@b.example>", "FROM:")).contains("<a@b.example>");
    assertThat(EnvelopeArguments.afterKeyword("TO:<a@b.example>", "FROM:")).isEmpty();
    assertThat(EnvelopeArguments.afterKeyword("FRO", "FROM:")).isEmpty();
  }

  @Test
  void aSenderWithParametersParsesAndANonAsciiOneNeedsSmtputf8() throws Exception {
    EnvelopeArguments.Mail mail = EnvelopeArguments.mail("<a@b.example> SIZE=1000 BODY=8BITMIME");
    assertThat(mail.path().address().toString()).isEqualTo("a@b.example");
    assertThat(mail.parameters().declaredSize()).hasValue(1000);
    assertThatThrownBy(() -> EnvelopeArguments.mail("<j\u00f6rg@b.example>"))
        .isInstanceOfSatisfying(AddressSyntaxException.class,
            e -> assertThat(e.kind()).isEqualTo(AddressSyntaxException.Kind.NON_ASCII));
    assertThat(EnvelopeArguments.mail("<j\u00f6rg@b.example> SMTPUTF8").path().address().isInternational()).isTrue();
    assertThatThrownBy(() -> EnvelopeArguments.mail("<a@b.example> SIZE=lots"))
        .isInstanceOf(EsmtpParameters.ParameterException.class);
  }

  @Test
  void aBarePostmasterIsOursTheNullPathIsNoRecipientAndBracketsAreRemembered() throws Exception {
    Recipient postmaster = EnvelopeArguments.rcpt("<Postmaster>", false, "example.test");
    assertThat(postmaster.address().toString()).isEqualTo("postmaster@example.test");
    assertThatThrownBy(() -> EnvelopeArguments.rcpt("<>", false, "example.test"))
        .isInstanceOf(AddressSyntaxException.class).hasMessageContaining("null path");
    assertThat(EnvelopeArguments.rcpt("user@example.test", false, "example.test").bracketed()).isFalse();
    assertThatThrownBy(() -> EnvelopeArguments.rcpt("<user>", false, "example.test"))
        .isInstanceOfSatisfying(AddressSyntaxException.class,
            e -> assertThat(e.kind()).isEqualTo(AddressSyntaxException.Kind.MISSING_DOMAIN));
  }

  @Test
  void aTransactionHasATotalDeadlineThatBoundsEveryCommandInIt() {
    SessionState state = new SessionState(java.net.InetAddress.getLoopbackAddress(), 1);
    Duration commandTimeout = Duration.ofMinutes(5);
    assertThat(state.transactionDeadline()).isEqualTo(Long.MAX_VALUE);
    state.beginTransaction(Duration.ofSeconds(1));
    assertThat(state.inTransaction()).isTrue();
    assertThat(state.commandDeadline(commandTimeout)).isEqualTo(state.transactionDeadline());
    state.recipientAccepted();
    assertThat(state.recipients()).isEqualTo(1);
    assertThat(state.overshoot()).isEqualTo(1);
    state.esmtp = true;
    state.forgetGreeting();
    assertThat(state.esmtp).isFalse();
    assertThat(state.inTransaction()).isFalse();
    assertThat(state.recipients()).isZero();
    assertThat(state.transactionDeadline()).isEqualTo(Long.MAX_VALUE);
  }
}
