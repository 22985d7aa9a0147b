package org.portcullis.verify;

import static org.assertj.core.api.Assertions.assertThat;

import com.unboundid.ldap.listener.InMemoryDirectoryServer;
import com.unboundid.ldap.listener.InMemoryDirectoryServerConfig;
import com.unboundid.ldap.listener.InMemoryListenerConfig;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.portcullis.mail.EmailAddress;
import org.portcullis.smtp.TlsContexts;
import org.portcullis.testing.Senders;
import org.portcullis.testing.SmtpTestClient;
import org.portcullis.testing.TestCertificates;
import org.portcullis.testing.TestDnsServer;
import org.portcullis.testing.TestGateway;

/**
 * Recipients looked up in a directory ({@code [[recipients.ldap]]}), against UnboundID's in-memory
 * directory server on loopback: found, not found, the address escaped in the filter, several
 * directories in order, an outage giving 450 (never a pass), and over SMTP with StartTLS, a bind
 * whose password comes from a file and a certificate checked against a CA file.
 */
class LdapRecipientsTest {

  private static final String BASE = "dc=example,dc=test";
  private static final String SERVICE = "cn=portcullis,ou=services," + BASE;

  @TempDir
  Path data;

  private static InMemoryDirectoryServer directory(Optional<SSLContext> startTls, String... mails) throws Exception {
    InMemoryDirectoryServerConfig config = new InMemoryDirectoryServerConfig(BASE);
    config.setListenerConfigs(InMemoryListenerConfig.createLDAPConfig("ldap", InetAddress.getByName("localhost"), 0,
        startTls.map(SSLContext::getSocketFactory).orElse(null)));
    config.addAdditionalBindCredentials(SERVICE, "directory secret");
    config.setAuthenticationRequiredOperationTypes(com.unboundid.ldap.sdk.OperationType.SEARCH);
    InMemoryDirectoryServer server = new InMemoryDirectoryServer(config);
    server.add("dn: " + BASE, "objectClass: top", "objectClass: domain", "dc: example");
    int n = 0;
    for (String mail : mails) {
      n++;
      server.add("dn: uid=user" + n + "," + BASE, "objectClass: inetOrgPerson", "uid: user" + n, "cn: User " + n,
          "sn: " + n, "mail: " + mail);
    }
    server.startListening();
    return server;
  }

  private static LdapVerifier.Directory plain(InMemoryDirectoryServer server, String filter) {
    return new LdapVerifier.Directory("localhost", server.getListenPort(), false, false, Optional.empty(),
        Optional.of(SERVICE), Optional.of("directory secret"), BASE, filter, Duration.ofSeconds(2));
  }

  private static long soon() {
    return System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
  }

  @Test
  void anEntryForTheAddressExistsAndNoEntryIsMissing() throws Exception {
    InMemoryDirectoryServer server = directory(Optional.empty(), "bob@example.test");
    try (LdapVerifier ldap = new LdapVerifier(List.of(plain(server, "(mail=%s)")))) {
      assertThat(ldap.verify(EmailAddress.parse("bob@example.test"), soon()))
          .isInstanceOfSatisfying(Verification.Exists.class, e -> assertThat(e.detail()).contains("uid=user1"));
      assertThat(ldap.verify(EmailAddress.parse("Bob@Example.Test"), soon())).as("mail matches without case")
          .isInstanceOf(Verification.Exists.class);
      assertThat(ldap.verify(EmailAddress.parse("nobody@example.test"), soon()))
          .isInstanceOf(Verification.Missing.class);
    } finally {
      server.shutDown(true);
    }
  }

  @Test
  void theAddressIsEscapedSoAWildcardMatchesNoOne() throws Exception {
    InMemoryDirectoryServer server = directory(Optional.empty(), "bob@example.test", "carol@example.test");
    try (LdapVerifier ldap = new LdapVerifier(List.of(plain(server, "(|(mail=%s)(uid=%s))")))) {
      assertThat(ldap.verify(EmailAddress.parse("*@example.test"), soon())).isInstanceOf(Verification.Missing.class);
      assertThat(LdapVerifier.filterFor("(mail=%s)", "a*)(uid=*").toString()).isEqualTo("(mail=a\\2a\\29\\28uid=\\2a)");
    } finally {
      server.shutDown(true);
    }
  }

  @Test
  void directoriesAreAskedInOrderAndAnOutageIsUnknownUnlessAnotherFindsIt() throws Exception {
    InMemoryDirectoryServer first = directory(Optional.empty(), "bob@example.test");
    InMemoryDirectoryServer second = directory(Optional.empty(), "carol@example.test");
    try (LdapVerifier ldap = new LdapVerifier(List.of(plain(first, "(mail=%s)"), plain(second, "(mail=%s)")))) {
      assertThat(ldap.verify(EmailAddress.parse("carol@example.test"), soon()))
          .isInstanceOf(Verification.Exists.class);
      first.shutDown(true);
      assertThat(ldap.verify(EmailAddress.parse("carol@example.test"), soon())).as("the second still finds her")
          .isInstanceOf(Verification.Exists.class);
      assertThat(ldap.verify(EmailAddress.parse("dave@example.test"), soon())).as("the first cannot say")
          .isInstanceOf(Verification.Unknown.class);
    } finally {
      first.shutDown(true);
      second.shutDown(true);
    }
  }

  @Test
  void aWrongBindPasswordIsUnknownNeverAPass() throws Exception {
    InMemoryDirectoryServer server = directory(Optional.empty(), "bob@example.test");
    LdapVerifier.Directory wrong = new LdapVerifier.Directory("localhost", server.getListenPort(), false, false,
        Optional.empty(), Optional.of(SERVICE), Optional.of("not it"), BASE, "(mail=%s)", Duration.ofSeconds(2));
    try (LdapVerifier ldap = new LdapVerifier(List.of(wrong))) {
      assertThat(ldap.verify(EmailAddress.parse("nobody@example.test"), soon()))
          .isInstanceOfSatisfying(Verification.Unknown.class, u -> assertThat(u.detail()).contains("invalid"));
    } finally {
      server.shutDown(true);
    }
  }

  @Test
  void aCertificateTheTrustStoreDoesNotKnowIsUnknownAndNoPasswordIsSent() throws Exception {
    TestCertificates.Pem pem = TestCertificates.write(Files.createDirectories(data.resolve("dc")), "localhost");
    InMemoryDirectoryServer server = directory(Optional.of(TlsContexts.fromPem(pem.certificate(), pem.key())),
        "bob@example.test");
    LdapVerifier.Directory untrusted = new LdapVerifier.Directory("localhost", server.getListenPort(), false, true,
        Optional.of(SSLContext.getDefault()), Optional.of(SERVICE), Optional.of("directory secret"), BASE,
        "(mail=%s)", Duration.ofSeconds(2));
    try (LdapVerifier ldap = new LdapVerifier(List.of(untrusted))) {
      assertThat(ldap.verify(EmailAddress.parse("bob@example.test"), soon()))
          .isInstanceOf(Verification.Unknown.class);
    } finally {
      server.shutDown(true);
    }
  }

  @Test
  void overSmtpWithStartTlsAndABindPasswordFromAFile() throws Exception {
    TestCertificates.Pem pem = TestCertificates.write(Files.createDirectories(data.resolve("dc")), "localhost");
    InMemoryDirectoryServer server = directory(Optional.of(TlsContexts.fromPem(pem.certificate(), pem.key())),
        "bob@example.test");
    Path password = data.resolve("ldap.password");
    Files.writeString(password, "directory secret\n");
    try (TestDnsServer dns = Senders.describe(TestDnsServer.start());
        TestGateway gateway = TestGateway.start(data, dns, "[[recipients.ldap]]\nurl = \"ldap://localhost:"
            + server.getListenPort() + "\"\nstart-tls = true\nca-file = \"" + pem.certificate() + "\"\nbind-dn = \""
            + SERVICE + "\"\npassword-file = \"" + password + "\"\nbase = \"" + BASE + "\"\n")) {
      assertThat(rcpt(gateway, "bob@example.test")).startsWith("250");
      assertThat(rcpt(gateway, "nobody@example.test")).startsWith("550 5.1.1");
      server.shutDown(true);
      assertThat(rcpt(gateway, "bob@example.test")).as("cached").startsWith("250");
      assertThat(rcpt(gateway, "carol@example.test")).as("the directory is down").startsWith("450 4.4.3");
    } finally {
      server.shutDown(true);
    }
  }

  @Test
  void portcullisVerifyAsksTheDirectoryAndNamesTheTenant() throws Exception {
    TestCertificates.Pem pem = TestCertificates.write(Files.createDirectories(data.resolve("dc")), "localhost");
    InMemoryDirectoryServer server = directory(Optional.of(TlsContexts.fromPem(pem.certificate(), pem.key())),
        "bob@example.test");
    server.modify("dn: uid=user1," + BASE, "changetype: modify", "add: o", "o: acme");
    Path password = data.resolve("ldap.password");
    Files.writeString(password, "directory secret\n");
    Path config = data.resolve("portcullis.toml");
    try (TestDnsServer dns = TestDnsServer.start()) {
      Files.writeString(config, TestGateway.toml(data, dns.addressText(), "[[recipients.ldap]]\nurl = \"ldap://localhost:"
          + server.getListenPort() + "\"\nstart-tls = true\nca-file = \"" + pem.certificate() + "\"\nbind-dn = \""
          + SERVICE + "\"\npassword-file = \"" + password + "\"\nbase = \"" + BASE + "\"\ntenant-attribute = \"o\"\n"));
      org.portcullis.testing.Cli.Run found = org.portcullis.testing.Cli.run(config, "verify", "bob@example.test");
      assertThat(found.code()).as(found.out() + found.err()).isZero();
      assertThat(found.out()).contains("bob@example.test: exists", "uid=user1", "tenant acme");
      org.portcullis.testing.Cli.Run missing = org.portcullis.testing.Cli.run(config, "verify", "nobody@example.test");
      assertThat(missing.code()).isEqualTo(1);
      assertThat(missing.out()).contains("does not exist");
      server.shutDown(true);
      org.portcullis.testing.Cli.Run down = org.portcullis.testing.Cli.run(config, "verify", "bob@example.test");
      assertThat(down.code()).as("the directory is down: unknown, never a pass").isEqualTo(3);
      assertThat(org.portcullis.testing.Cli.run(config, "verify", "--sender", "a@b.example").code())
          .as("sender verification is off").isEqualTo(2);
      assertThat(org.portcullis.testing.Cli.run(config, "verify", "not an address").err()).contains("is not an address");
    } finally {
      server.shutDown(true);
    }
  }

  private static String rcpt(TestGateway gateway, String to) throws Exception {
    try (SmtpTestClient smtp = SmtpTestClient.connect(gateway.smtp(), Senders.GOOD)) {
      smtp.reply();
      return smtp.startTransaction(Senders.GOOD_NAME, "someone@good.example", to);
    }
  }
}
