package org.portcullis.submission;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.portcullis.mail.EmailAddress;

/** Sender ownership: the login address, listed addresses, whole domains, any sender. */
class MailUserTest {

  private static MailUser user(String name, List<String> senders, boolean any) {
    return new MailUser(name, "$argon2id$x", senders, any, Instant.EPOCH);
  }

  @Test
  void aUserOwnsTheirLoginTheirListedAddressesAndDomains() {
    MailUser alice = user("alice@example.test", List.of("billing@example.test", "@example.net"), false);
    assertThat(alice.owns(EmailAddress.parse("alice@example.test"))).isTrue();
    assertThat(alice.owns(EmailAddress.parse("ALICE@Example.TEST"))).isTrue();
    assertThat(alice.owns(EmailAddress.parse("billing@example.test"))).isTrue();
    assertThat(alice.owns(EmailAddress.parse("whoever@example.net"))).isTrue();
    assertThat(alice.owns(EmailAddress.parse("whoever@sub.example.net"))).as("a domain is not its subdomains").isFalse();
    assertThat(alice.owns(EmailAddress.parse("bob@example.test"))).isFalse();
    assertThat(alice.ownedSenders()).containsExactly("alice@example.test", "billing@example.test", "@example.net");
  }

  @Test
  void aPlainLoginOwnsOnlyWhatIsListedAndAnySenderOwnsEverything() {
    assertThat(user("newsletter", List.of(), false).owns(EmailAddress.parse("newsletter@example.test"))).isFalse();
    assertThat(user("newsletter", List.of(), false).ownedSenders()).isEmpty();
    assertThat(user("crm", List.of(), true).owns(EmailAddress.parse("anyone@anywhere.example"))).isTrue();
    assertThat(user("crm", List.of(), true).ownedSenders()).containsExactly("any");
  }
}
