package org.portcullis.mail;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The From field's domains, as DMARC and signing read them; what cannot be read gives nothing. */
class AuthorAddressesTest {

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "alice@example.com|example.com",
      "Alice <alice@Example.COM>|example.com",
      "\"Smith, Alice\" <alice@example.com>|example.com",
      "\"a <fake@bank.example>\" <alice@example.com>|example.com",
      "alice@example.com (Alice <x@bank.example>)|example.com",
      "alice@example.com, bob@example.net|example.com example.net",
      "team: alice@example.com, bob@example.net;|example.com example.net",
      "<alice@example.com.>|example.com",
      "\"odd local\"@example.org|example.org",
      "undisclosed-recipients:;|''",
      "no address at all|''",
      "<>|''",
      "alice@exa mple.com|''"})
  void domains(String from, String domains) {
    List<String> expected = domains.isEmpty() ? List.of() : List.of(domains.split(" "));
    assertThat(AuthorAddresses.domains(from)).isEqualTo(expected);
  }
}
