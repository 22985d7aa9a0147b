package org.portcullis.cli;

import java.net.InetAddress;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.portcullis.app.Gateway;
import org.portcullis.app.Policies;
import org.portcullis.config.PortcullisConfig;
import org.portcullis.mail.EmailAddress;
import org.portcullis.policy.checks.CheckCatalog;
import org.portcullis.verify.AddressVerifier;
import org.portcullis.verify.Verification;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code portcullis verify ADDRESS}: asks what {@code recipient-verify} (or, with {@code --sender},
 * {@code sender-verify}) would ask, as configured in {@code [verify]}: the internal server by a
 * callout, the directories of {@code [[recipients.ldap]]}, or the sender domain's MX; prints the
 * answer and where it came from (with LDAP's {@code tenant-attribute}, the tenant that owns it).
 * Like Postfix's {@code sendmail -bv}: nothing is cached or recorded. Exit 0 exists, 1 does not
 * exist, 3 unknown, 2 usage or nothing configured.
 */
@Command(name = "verify", description = {"Ask whether an address exists, as recipient-verify (or sender-verify with "
    + "--sender) would: a callout or the LDAP directories of [verify]. Nothing is cached.",
    "Exit 0: exists; 1: does not exist; 3: unknown (no definite answer); 2: usage or nothing configured."})
final class VerifyCommand implements java.util.concurrent.Callable<Integer> {

  @Mixin
  ConfigOption config;

  @Parameters(paramLabel = "ADDRESS", description = "The address to verify.")
  String address;

  @Option(names = "--sender", description = "Verify it as a stranger's sender: a callout to its domain's MX.")
  boolean sender;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    Logs.level("warn");
    PortcullisConfig c = config.load();
    EmailAddress parsed;
    try {
      parsed = EmailAddress.parse(address.strip());
    } catch (IllegalArgumentException e) {
      throw new CliException(2, "\"" + CliText.printable(address) + "\" is not an address: " + e.getMessage());
    }
    List<InetAddress> pool = c.delivery().sources().addresses();
    List<Optional<InetAddress>> sources = pool.isEmpty() ? List.of(Optional.empty())
        : pool.stream().map(Optional::of).toList();
    List<Runnable> closing = new ArrayList<>();
    try {
      CheckCatalog.Verifiers verifiers = Policies.verifiers(c, Gateway.resolverFor(c), domain -> sources,
          Clock.systemUTC(), closing::add);
      Optional<AddressVerifier> verifier = sender ? verifiers.senders() : verifiers.recipients();
      if (verifier.isEmpty()) {
        throw new CliException(2, sender ? "sender verification is off (verify.sender = false)"
            : "recipient verification is off (verify.recipients = \"off\")");
      }
      Verification v = verifier.get().verify(parsed, System.nanoTime() + verifiers.timeout().toNanos());
      String word = switch (v) {
        case Verification.Exists e -> "exists";
        case Verification.Missing m -> "does not exist" + (m.wholeDomain() ? " (nor any address of its domain)" : "");
        case Verification.Unknown u -> "unknown";
      };
      String detail = switch (v) {
        case Verification.Exists e -> e.detail();
        case Verification.Missing m -> m.detail();
        case Verification.Unknown u -> u.detail();
      };
      spec.commandLine().getOut().println(CliText.printable(parsed.toString()) + ": " + word + " (" + v.source()
          + ": " + CliText.printable(detail) + ")");
      return switch (v) {
        case Verification.Exists e -> 0;
        case Verification.Missing m -> 1;
        case Verification.Unknown u -> 3;
      };
    } catch (java.io.IOException e) {
      throw new CliException(2, e.getMessage());
    } finally {
      closing.forEach(Runnable::run);
    }
  }
}
