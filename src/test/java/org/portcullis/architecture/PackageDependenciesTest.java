package org.portcullis.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The package dependencies of docs/architecture.md, checked over the compiled classes (ArchUnit's
 * importer): each package of ours may use only the packages of ours listed for it. A new edge that
 * breaks the design fails here, naming the classes; an edge the design allows is added here and to
 * the architecture page together.
 */
class PackageDependenciesTest {

  private static final String BASE = "org.portcullis.";

  /** Package (under org.portcullis) to the packages of ours it may use; app and cli may use any. */
  private static final Map<String, Set<String>> ALLOWED = Map.ofEntries(
      Map.entry("mail", Set.of()),
      Map.entry("files", Set.of()),
      Map.entry("notices", Set.of()),
      Map.entry("history", Set.of()),
      Map.entry("logging", Set.of()),
      Map.entry("dns", Set.of("mail")),
      Map.entry("dsn", Set.of("mail")),
      Map.entry("policy", Set.of("mail", "dns")),
      Map.entry("spf", Set.of("mail", "dns")),
      Map.entry("dkim", Set.of("mail", "dns", "files")),
      Map.entry("dmarc", Set.of("mail", "dns")),
      Map.entry("scan", Set.of("mail")),
      Map.entry("auth", Set.of("mail", "dns", "policy")),
      Map.entry("dnsbl", Set.of("mail", "dns")),
      Map.entry("greylist", Set.of("mail")),
      Map.entry("access", Set.of("mail")),
      Map.entry("blocklist", Set.of("mail", "policy", "notices")),
      Map.entry("blocklist.server", Set.of("mail", "blocklist")),
      Map.entry("lists", Set.of("mail", "policy", "notices")),
      Map.entry("mailbox", Set.of("mail", "policy")),
      Map.entry("policy.checks", Set.of("mail", "dns", "policy", "dnsbl", "blocklist", "greylist", "lists", "spf",
          "dkim", "dmarc", "auth", "scan", "verify", "probe")),
      Map.entry("queue", Set.of("mail", "files")),
      Map.entry("smtp", Set.of("mail", "policy", "files", "auth")),
      Map.entry("submission", Set.of("mail", "access", "smtp")),
      Map.entry("policyd", Set.of("mail", "dns", "policy")),
      Map.entry("delivery", Set.of("mail", "dns", "dnsbl", "dsn", "queue", "files", "notices", "dmarc")),
      Map.entry("control", Set.of("mail", "delivery", "queue", "quarantine")),
      Map.entry("quarantine", Set.of("mail", "queue", "files")),
      Map.entry("verdicts", Set.of("mail", "policy", "policy.checks")),
      // the diagnosis asks what the gateway's own checks ask: its resolver, patterns, DNS lists, SPF
      Map.entry("diagnose", Set.of("mail", "dns", "spf", "dnsbl", "policy.checks", "verify")),
      // the retry probe: its addresses, attempts and verdict
      Map.entry("probe", Set.of("mail", "policy")),
      // a sender callout goes where a delivery would (NextHops)
      Map.entry("verify", Set.of("mail", "dns", "delivery")),
      // correspondents are a live exception of the policy's kind
      Map.entry("correspondents", Set.of("mail", "policy")),
      // a tenant administrator is a login of access's kind, bound to domains
      Map.entry("tenant", Set.of("access")),
      // web reads refusal records and the check catalogue's names, and maps StoreException to a 503
      Map.entry("web", Set.of("mail", "policy", "policy.checks", "access", "blocklist", "lists", "history", "store",
          "dmarc", "quarantine", "verdicts", "tenant", "diagnose", "probe")),
      Map.entry("store", Set.of("policy", "access", "blocklist", "delivery", "dmarc", "greylist", "history", "lists",
          "mailbox", "notices", "submission", "quarantine", "verdicts", "tenant", "correspondents", "probe")),
      Map.entry("store.sqlite", Set.of("store", "mail", "files", "policy", "access", "blocklist", "delivery",
          "dmarc", "greylist", "history", "lists", "mailbox", "notices", "submission", "quarantine", "verdicts",
          "tenant", "correspondents", "probe")),
      Map.entry("config", Set.of("mail", "policy", "policy.checks", "blocklist", "dnsbl", "greylist", "delivery",
          "smtp", "scan")));

  /** The edges (wiring and commands) that may reach everything. */
  private static final Set<String> ANYTHING = Set.of("app", "cli");

  @Test
  void everyPackageUsesOnlyThePackagesTheArchitectureAllowsIt() {
    JavaClasses classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .importPackages("org.portcullis");
    Set<String> violations = new TreeSet<>();
    Set<String> unknown = new TreeSet<>();
    for (JavaClass origin : classes) {
      String from = ours(origin.getPackageName());
      if (from == null || ANYTHING.contains(from)) {
        continue;
      }
      Set<String> allowed = ALLOWED.get(from);
      if (allowed == null) {
        unknown.add(from);
        continue;
      }
      for (Dependency d : origin.getDirectDependenciesFromSelf()) {
        String to = ours(d.getTargetClass().getPackageName());
        if (to != null && !to.equals(from) && !allowed.contains(to)) {
          violations.add(from + " -> " + to + ": " + d.getDescription());
        }
      }
    }
    assertThat(unknown).as("packages without a rule here (add them, and to docs/architecture.md)").isEmpty();
    assertThat(violations).as("dependencies the architecture does not allow").isEmpty();
  }

  @Test
  void onlyTheApplicationAndTheStoreNameTheStoresImplementation() {
    JavaClasses classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .importPackages("org.portcullis");
    Set<String> violations = new TreeSet<>();
    for (JavaClass origin : classes) {
      String from = ours(origin.getPackageName());
      if (from == null || from.equals("app") || from.startsWith("store")) {
        continue;
      }
      for (Dependency d : origin.getDirectDependenciesFromSelf()) {
        if (d.getTargetClass().getPackageName().startsWith(BASE + "store.")) {
          violations.add(d.getDescription());
        }
      }
    }
    assertThat(violations).as("a second store backend must be a change to app and store only").isEmpty();
  }

  private static String ours(String packageName) {
    return packageName.startsWith(BASE) ? packageName.substring(BASE.length()) : null;
  }
}
