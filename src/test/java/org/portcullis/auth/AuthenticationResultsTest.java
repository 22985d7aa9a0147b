package org.portcullis.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** The Authentication-Results field we write, and which arriving fields claim our authserv-id. */
class AuthenticationResultsTest {

  @ParameterizedTest
  @ValueSource(strings = {"Authentication-Results: mx.example.test; dkim=pass",
      "authentication-results:MX.EXAMPLE.TEST;spf=pass",
      "Authentication-Results: (a comment; with a semicolon)\r\n\tmx.example.test\r\n\t; dkim=pass",
      "Authentication-Results : \"mx.example.test\"; none",
      "Authentication-Results: mx.example.test 1; dkim=pass"})
  void fieldsThatClaimOurAuthservIdInAnyCaseFoldingOrComment(String field) {
    assertThat(AuthenticationResults.claims(field, "mx.example.test")).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {"Authentication-Results: relay.example.org; spf=pass smtp.mailfrom=a@mx.example.test",
      "Authentication-Results: mx.example.test.evil; dkim=pass", "X-Authentication-Results: mx.example.test; dkim=pass",
      "ARC-Authentication-Results: i=1; mx.example.test; dkim=pass", "Authentication-Results", "Subject: mx.example.test"})
  void otherFieldsAreKept(String field) {
    assertThat(AuthenticationResults.claims(field, "mx.example.test")).isFalse();
  }

  @Test
  void theFieldHasOneResultPerLineAndNoneWhenThereIsNothing() {
    assertThat(AuthenticationResults.field("mx.example.test", List.of("spf=pass smtp.mailfrom=a@b.example",
        "dkim=none"))).isEqualTo("Authentication-Results: mx.example.test;\r\n\tspf=pass smtp.mailfrom=a@b.example;"
            + "\r\n\tdkim=none\r\n");
    assertThat(AuthenticationResults.field("mx.example.test", List.of()))
        .isEqualTo("Authentication-Results: mx.example.test; none\r\n");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "alice@example.com|alice@example.com",
      "example.com|example.com",
      "@example.com|@example.com",
      "a b@example.com|\"a b@example.com\"",
      "x\"y|\"x\\\"y\""})
  void propertyValuesAreTokensAddressesOrQuotedStrings(String value, String written) {
    assertThat(Resinfo.pvalue(value)).isEqualTo(written);
  }

  @Test
  void commentsCannotBeClosedOrFoldedByWhatTheyQuote() {
    assertThat(Resinfo.of("spf", "fail").comment("evil) smtp.mailfrom=ceo@bank.example (\r\n\tX-Injected: 1").toString())
        .isEqualTo("spf=fail (evil smtp.mailfrom=ceo@bank.example X-Injected: 1)");
    assertThat(Resinfo.of("dkim", "pass").comment("x".repeat(500)).toString()).hasSizeLessThan(230);
    assertThat(Resinfo.of("auth", "pass").property("smtp.auth", "bob\r\nX-Evil: 1").toString())
        .isEqualTo("auth=pass smtp.auth=\"bob??X-Evil: 1\"");
  }
}
