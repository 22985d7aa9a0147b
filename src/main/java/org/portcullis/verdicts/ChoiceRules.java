package org.portcullis.verdicts;

import java.util.List;
import java.util.Locale;
import org.portcullis.mail.EmailAddress;
import org.portcullis.policy.RecipientChoice;
import org.portcullis.policy.checks.CheckCatalog;

/**
 * What a choice may name, the same for the CLI, the API and the admin pages: a scope that is one of
 * our domains or a plain mailbox at one, a check that can be per-recipient, a known choice. Each
 * method throws {@link IllegalArgumentException} with the reason in words.
 */
public final class ChoiceRules {

  private ChoiceRules() {}

  /** A domain of ours, or a mailbox at one, lower case. */
  public static String scope(String text, List<String> ourDomains) {
    String t = text == null ? "" : text.strip();
    if (t.isEmpty() || t.length() > 320) {
      throw new IllegalArgumentException("the scope must be one of our domains or a mailbox at one");
    }
    if (t.contains("@")) {
      EmailAddress address = EmailAddress.parse(t);
      if (address.isDomainLiteral() || address.hasRoutingCharacters()) {
        throw new IllegalArgumentException("\"" + printable(t) + "\" is not a plain mailbox address");
      }
      String domain = address.domain().toLowerCase(Locale.ROOT);
      requireOurs(domain, ourDomains);
      return (address.localPart() + "@" + domain).toLowerCase(Locale.ROOT);
    }
    String domain = t.toLowerCase(Locale.ROOT);
    requireOurs(domain, ourDomains);
    return domain;
  }

  private static void requireOurs(String domain, List<String> ourDomains) {
    if (!ourDomains.contains(domain)) {
      throw new IllegalArgumentException(printable(domain) + " is not one of our domains (mail.accepted-domains: "
          + String.join(", ", ourDomains) + ")");
    }
  }

  /** A check that can be per-recipient: in the catalogue, neither fixed nor the protocol's nor helo-ptr-match. */
  public static String check(String name) {
    String n = name == null ? "" : name.strip();
    if (CheckCatalog.find(n).isEmpty()) {
      throw new IllegalArgumentException("unknown check \"" + printable(n) + "\"; the checks are "
          + String.join(", ", CheckCatalog.names()));
    }
    if (CheckCatalog.FIXED.contains(n) || CheckCatalog.PROTOCOL.contains(n) || CheckCatalog.NEVER_REJECT.contains(n)) {
      throw new IllegalArgumentException(n + " cannot be a per-recipient check");
    }
    return n;
  }

  /** reject, tag, rewrite-subject, quarantine or accept. */
  public static RecipientChoice choice(String text) {
    String t = text == null ? "" : text.strip().toLowerCase(Locale.ROOT);
    return RecipientChoice.parse(t).orElseThrow(() -> new IllegalArgumentException("unknown choice \""
        + printable(t) + "\"; choose reject, tag, rewrite-subject, quarantine or accept"));
  }

  private static String printable(String text) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < text.length() && i < 100; i++) {
      char c = text.charAt(i);
      out.append(c >= 0x20 && c < 0x7f ? c : '?');
    }
    return out.toString();
  }
}
