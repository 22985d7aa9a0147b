package org.portcullis.cli;

import java.io.PrintWriter;
import java.util.Map;
import org.portcullis.config.PortcullisConfig;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code portcullis check-config}: validate the configuration and show what it means. */
@Command(name = "check-config", description = "Validate the configuration file and print a summary.")
final class CheckConfigCommand implements java.util.concurrent.Callable<Integer> {

  @Mixin
  ConfigOption config;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    Logs.level("warn");
    PortcullisConfig c = config.load();
    PrintWriter out = spec.commandLine().getOut();
    out.println("configuration OK: " + config.describe());
    out.println("  host name         " + c.server().hostname());
    out.println("  data directory    " + c.server().dataDir().toAbsolutePath().normalize());
    out.println("  SMTP listener     " + c.smtp().listen().getHostString() + ":" + c.smtp().listen().getPort()
        + (c.smtp().proxyProtocol() ? " (PROXY protocol)" : ""));
    for (PortcullisConfig.Listener l : c.listeners()) {
      java.util.List<String> own = l.checks().entrySet().stream().filter(e -> !e.getValue().scope().isEmpty())
          .map(e -> e.getKey() + " " + describe(e.getValue())).sorted().toList();
      out.println("  SMTP listener     " + l.listen().getHostString() + ":" + l.listen().getPort() + " (listener "
          + l.name() + (own.isEmpty() ? "" : "; " + String.join(", ", own)) + ")");
    }
    out.println("  submission        " + (c.submission().enabled() ? c.submission().listen().getHostString() + ":"
        + c.submission().listen().getPort() + " (STARTTLS)" + c.submission().implicitTlsListen()
            .map(l -> ", " + l.getHostString() + ":" + l.getPort() + " (implicit TLS)").orElse("")
        + (c.submission().requireAuth() ? ", AUTH required" : ", AUTH optional") : "off"));
    out.println("  web               " + (c.web().enabled() ? c.web().listen().getHostString() + ":"
        + c.web().listen().getPort() + (c.web().https() ? " (HTTPS)" : " (HTTP)")
        + (c.web().adminEnabled() ? ", admin pages" : ", no admin pages")
        + (c.web().tenantEnabled() ? ", tenant portal" : ", no tenant portal") + "; public address "
        + (c.web().publicUrl().isEmpty() ? "none (replies carry a bare ref=)" : c.web().publicUrl()) : "off"));
    out.println("  accepted domains  " + String.join(", ", c.mail().acceptedDomains()));
    out.println("  recipients        " + (c.mail().rejectUnknownRecipients()
        ? "only existing mailboxes (portcullis mailbox, mail.known-recipients, submission users)"
        : "any local part of the accepted domains"));
    out.println("  LAN networks      " + c.mail().lanNetworks());
    out.println("  delivery          " + c.delivery().transport().name().toLowerCase()
        + (c.delivery().transport() == PortcullisConfig.Transport.MAILDIR
            ? " under " + c.delivery().maildirRoot() : " to " + c.delivery().relayHost().orElseThrow()));
    out.println("  DNS servers       " + (c.dns().servers().isEmpty() ? "from /etc/resolv.conf" : c.dns().servers()));
    out.println("  durable spool     " + (c.queue().fsync() ? "yes (fsync)" : "NO (queue.fsync = false)"));
    out.println("  DNS lists         " + (c.dnsbl().zones().isEmpty() ? "none" : c.dnsbl().zones().stream()
        .map(z -> z.name() + " (" + z.type().label() + ", weight " + z.weight() + ")")
        .collect(java.util.stream.Collectors.joining(", ")) + "; threshold " + c.dnsbl().threshold()));
    out.println("  own blocklist     " + (c.blocklist().enabled() ? c.blocklist().zone() + ", expiry "
        + c.blocklist().settings().expiry().toHours() + " h, self-service limit " + c.blocklist().settings().selfServiceLimit()
        + ", spam traps " + c.blocklist().spamTraps().size() : "disabled"));
    out.println("  DNSBL server      " + (c.dnsblServer().enabled() ? c.dnsblServer().listen().getHostString() + ":"
        + c.dnsblServer().listen().getPort() + " (UDP and TCP)" : "off"));
    out.println("  greylisting       " + (c.greylist().enabled() ? "on, delay " + c.greylist().delay().toSeconds()
        + " s, retry window " + c.greylist().retryWindow().toHours() + " h" : "off"));
    out.println("  policy service    " + (c.policyService().enabled() ? c.policyService().listen().getHostString() + ":"
        + c.policyService().listen().getPort() : "off"));
    out.println("  whitelists skip   " + String.join(", ", new java.util.TreeSet<>(c.lists().whitelistSkips()))
        + "; address books up to " + c.lists().importMaxBytes() + " bytes");
    out.println("  checks:");
    for (Map.Entry<String, PortcullisConfig.CheckConfig> check : new java.util.TreeMap<>(c.policy().checks()).entrySet()) {
      out.printf("    %-20s %s%n", check.getKey(), describe(check.getValue()));
    }
    if (c.policy().checks().values().stream().anyMatch(k -> k.onReject() == org.portcullis.policy.RejectAction.SCORE)
        || c.listeners().stream().anyMatch(l -> l.checks().values().stream()
            .anyMatch(k -> k.onReject() == org.portcullis.policy.RejectAction.SCORE))) {
      org.portcullis.policy.ScoreActions a = c.policy().actions();
      out.println("  score actions     tag " + threshold(a.tag()) + ", rewrite-subject " + threshold(a.rewriteSubject())
          + ", quarantine " + threshold(a.quarantine()) + ", reject " + threshold(a.reject()));
    }
    out.println("  exceptions        " + c.policy().exceptions().size());
    return 0;
  }

  /** {@code enforce  on-reject=score (6.0)}, {@code enforce  on-reject=per-recipient (default tag)}. */
  private static String describe(PortcullisConfig.CheckConfig k) {
    String extra = switch (k.onReject()) {
      case SCORE -> " (" + k.score() + ")";
      case PER_RECIPIENT -> k.defaultChoice() == org.portcullis.policy.RecipientChoice.REJECT ? ""
          : " (default " + k.defaultChoice().label() + ")";
      default -> "";
    };
    return String.format(java.util.Locale.ROOT, "%-8s on-reject=%s%s", k.mode().name().toLowerCase(java.util.Locale.ROOT),
        k.onReject().label(), extra);
  }

  private static String threshold(java.util.OptionalDouble t) {
    return t.isPresent() ? String.valueOf(t.getAsDouble()) : "off";
  }
}
