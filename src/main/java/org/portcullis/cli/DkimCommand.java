package org.portcullis.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import org.portcullis.app.Gateway;
import org.portcullis.config.PortcullisConfig;
import org.portcullis.dkim.DkimKeys;
import org.portcullis.dns.DnsAnswer;
import org.portcullis.dns.DnsRecord;
import org.portcullis.dns.DnsResolver;
import org.portcullis.dns.DnsType;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code portcullis dkim keygen|list|check}: the keys our users' mail is signed with (in
 * {@code <data-dir>/dkim/<domain>/<selector>.pem}) and the DNS records that publish them.
 */
@Command(name = "dkim", description = "DKIM signing keys for our domains: keygen, list, check.",
    subcommands = {DkimCommand.Keygen.class, DkimCommand.ListKeys.class, DkimCommand.Check.class})
final class DkimCommand implements Runnable {

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "name a subcommand: keygen, list, check");
  }

  /** The keys under the configuration's data directory; exit status 1 with the file named if one is unreadable. */
  static DkimKeys keys(PortcullisConfig config) {
    try {
      return DkimKeys.load(config.dkimKeysDir());
    } catch (IOException e) {
      throw new CliException(1, CliText.printable(e.getMessage()));
    }
  }

  @Command(name = "keygen", description = "Make an RSA signing key for a domain and print the TXT record to "
      + "publish. The server signs with it from its next start; publish the record first.")
  static final class Keygen extends ConfigCommand {
    @Option(names = "--domain", required = true, description = "The domain whose mail is signed (d=).")
    String domain;

    @Option(names = "--selector", required = true, description = "The selector (s=), e.g. 2026a: the key's name in DNS.")
    String selector;

    @Option(names = "--bits", description = "Key size: 1024, 2048 (default), 3072 or 4096.")
    int bits = 2048;

    @Override
    int run(PortcullisConfig loaded) {
      DkimKeys.Key key;
      try {
        key = DkimKeys.generate(loaded.dkimKeysDir(), domain, selector, bits);
      } catch (IllegalArgumentException e) {
        throw new CliException(2, CliText.printable(e.getMessage()));
      } catch (IOException e) {
        throw new CliException(1, CliText.printable(e.getMessage()));
      }
      PrintWriter out = out();
      out.println("key written to " + key.file() + " (mode 0600)");
      out.println("publish this record in the DNS zone of " + key.domain() + ":");
      out.println();
      out.println(DkimKeys.zoneLine(key));
      out.println();
      DkimKeys all = keys(loaded);
      boolean signs = all.keys().stream().anyMatch(k -> k.domain().equals(key.domain())
          && k.selector().equals(key.selector()) && all.signs(k));
      out.println(signs ? "after the next start the server signs mail from " + key.domain() + " with it; check the "
          + "record first with: portcullis dkim check --domain " + key.domain()
          : "another selector of " + key.domain() + " sorts after it and keeps signing (see portcullis dkim list)");
      return 0;
    }
  }

  @Command(name = "list", description = "The keys, their size, and which one signs each domain's mail.")
  static final class ListKeys extends ConfigCommand {
    @Override
    int run(PortcullisConfig loaded) {
      DkimKeys keys = keys(loaded);
      PrintWriter out = out();
      if (keys.keys().isEmpty()) {
        out.println("no DKIM keys: nothing is signed (make one with portcullis dkim keygen)");
        return 0;
      }
      out.printf("%-30s %-16s %-6s %-8s %s%n", "DOMAIN", "SELECTOR", "BITS", "SIGNS", "FILE");
      for (DkimKeys.Key key : keys.keys()) {
        out.printf("%-30s %-16s %-6d %-8s %s%n", key.domain(), key.selector(), key.bits(), keys.signs(key) ? "yes" : "no",
            key.file());
      }
      return 0;
    }
  }

  @Command(name = "check", description = "Look up each key's TXT record in DNS and say whether it matches the key. "
      + "Exit status 1 if any does not.")
  static final class Check extends ConfigCommand {
    @Option(names = "--domain", description = "Only this domain's keys.")
    String domain;

    @Override
    int run(PortcullisConfig loaded) {
      DkimKeys keys = keys(loaded);
      DnsResolver dns = Gateway.resolverFor(loaded);
      PrintWriter out = out();
      List<DkimKeys.Key> chosen = keys.keys().stream().filter(k -> domain == null || k.domain().equalsIgnoreCase(domain))
          .toList();
      if (chosen.isEmpty()) {
        throw new CliException(2, domain == null ? "no DKIM keys to check" : "no DKIM key for " + CliText.printable(domain));
      }
      int bad = 0;
      for (DkimKeys.Key key : chosen) {
        String name = key.selector() + "._domainkey." + key.domain();
        DnsAnswer answer = dns.lookupBy(name, DnsType.TXT, System.nanoTime() + Duration.ofSeconds(10).toNanos());
        List<String> published = answer.recordsOf(DnsRecord.Txt.class).stream().map(DnsRecord.Txt::text).toList();
        String verdict = verdict(key, answer, published);
        if (!verdict.startsWith("ok")) {
          bad++;
        }
        out.println(name + ": " + verdict);
      }
      return bad == 0 ? 0 : 1;
    }

    private static String verdict(DkimKeys.Key key, DnsAnswer answer, List<String> published) {
      if (!answer.status().isDefinite()) {
        return "unknown: the lookup did not answer (" + answer.status() + ")";
      }
      if (published.isEmpty()) {
        return "missing: no TXT record (" + answer.status() + "); publish: " + DkimKeys.zoneLine(key);
      }
      String wanted = key.record().substring(key.record().indexOf("p=") + 2);
      for (String text : published) {
        String p = text.replaceAll("\\s", "").replaceAll(".*;p=|^p=", "").replaceAll(";.*", "");
        if (p.equals(wanted)) {
          return "ok: the published key matches " + key.file().getFileName();
        }
      }
      return "different: the published record is not this key (" + CliText.printable(published.getFirst()) + ")";
    }
  }
}
