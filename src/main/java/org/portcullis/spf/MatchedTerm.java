package org.portcullis.spf;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Predicate;
import org.portcullis.dns.DnsAnswer;
import org.portcullis.dns.DnsRecord;
import org.portcullis.dns.DnsResolver;
import org.portcullis.dns.DnsType;
import org.portcullis.mail.Cidr;

/**
 * Names the term of an SPF record that decided a result, for explanations only: jSPF gives the
 * result but not the mechanism behind it. The record's directives are walked in order (RFC 7208
 * 4.6.2) against the answers the evaluation just fetched (the resolver's cache), and the first
 * that matches is named. Whatever cannot be told for sure (a macro, {@code ptr}, a lookup that
 * does not answer) ends the walk with nothing named rather than a guess; the result itself always
 * comes from the evaluation, never from here.
 */
final class MatchedTerm {

  private static final int MX_NAMES_MAX = 10;

  private final DnsResolver resolver;
  private final long deadlineNanos;

  MatchedTerm(DnsResolver resolver, long deadlineNanos) {
    this.resolver = resolver;
    this.deadlineNanos = deadlineNanos;
  }

  /**
   * @param record the domain's SPF record, {@code v=spf1 ...}
   * @param domain the domain it was published at (the default of {@code a} and {@code mx})
   * @param includes whether an {@code include:} target's own evaluation passes for the client (RFC 7208 5.2)
   * @return the deciding term as published ({@code "ip4:192.0.2.0/24"}, {@code "-all"}), or
   *     {@code "(no term matched: neutral)"}, or {@code "redirect=..."}; empty when it cannot be told
   */
  Optional<String> find(String record, String domain, InetAddress client, Predicate<String> includes) {
    String[] terms = record.strip().split("[ \t]+");
    String redirect = null;
    for (int i = 1; i < terms.length; i++) {
      String term = terms[i];
      if (term.isEmpty()) {
        continue;
      }
      if (term.contains("%")) {
        return Optional.empty();
      }
      String lower = term.toLowerCase(Locale.ROOT);
      int eq = lower.indexOf('=');
      int colon = lower.indexOf(':');
      if (eq > 0 && (colon < 0 || eq < colon)) {
        if (lower.startsWith("redirect=")) {
          redirect = term;
        }
        continue;
      }
      String mechanism = "+-~?".indexOf(lower.charAt(0)) >= 0 ? lower.substring(1) : lower;
      Optional<Boolean> matched = matches(mechanism, domain, client, includes);
      if (matched.isEmpty()) {
        return Optional.empty();
      }
      if (matched.get()) {
        return Optional.of(term);
      }
    }
    return Optional.of(redirect != null ? redirect : "(no term matched: neutral)");
  }

  /** Empty when it cannot be told. */
  private Optional<Boolean> matches(String mechanism, String domain, InetAddress client, Predicate<String> includes) {
    if (mechanism.equals("all")) {
      return Optional.of(true);
    }
    if (mechanism.startsWith("ip4:") || mechanism.startsWith("ip6:")) {
      try {
        return Optional.of(Cidr.parse(mechanism.substring(4)).contains(client));
      } catch (IllegalArgumentException e) {
        return Optional.empty();
      }
    }
    if (mechanism.startsWith("include:")) {
      return Optional.of(includes.test(mechanism.substring(8)));
    }
    if (mechanism.startsWith("exists:")) {
      DnsAnswer answer = resolver.lookupBy(mechanism.substring(7), DnsType.A, deadlineNanos);
      return answer.status().isDefinite() ? Optional.of(!answer.records().isEmpty()) : Optional.empty();
    }
    if (mechanism.equals("a") || mechanism.startsWith("a:") || mechanism.startsWith("a/")) {
      Target t = Target.of(mechanism.substring(1), domain);
      return t == null ? Optional.empty() : addressesMatch(t.name, t, client);
    }
    if (mechanism.equals("mx") || mechanism.startsWith("mx:") || mechanism.startsWith("mx/")) {
      Target t = Target.of(mechanism.substring(2), domain);
      if (t == null) {
        return Optional.empty();
      }
      DnsAnswer mx = resolver.lookupBy(t.name, DnsType.MX, deadlineNanos);
      if (!mx.status().isDefinite()) {
        return Optional.empty();
      }
      List<DnsRecord.Mx> hosts = mx.recordsOf(DnsRecord.Mx.class);
      for (DnsRecord.Mx host : hosts.subList(0, Math.min(hosts.size(), MX_NAMES_MAX))) {
        Optional<Boolean> m = addressesMatch(host.exchange(), t, client);
        if (m.isEmpty() || m.get()) {
          return m;
        }
      }
      return Optional.of(false);
    }
    return Optional.empty(); // ptr, and anything jSPF let through that we do not know
  }

  private Optional<Boolean> addressesMatch(String name, Target t, InetAddress client) {
    boolean v4 = client instanceof Inet4Address;
    DnsAnswer answer = resolver.lookupBy(name, v4 ? DnsType.A : DnsType.AAAA, deadlineNanos);
    if (!answer.status().isDefinite()) {
      return Optional.empty();
    }
    int prefix = v4 ? t.prefix4 : t.prefix6;
    for (DnsRecord.Address a : answer.recordsOf(DnsRecord.Address.class)) {
      if (Cidr.of(a.address(), prefix).contains(client)) {
        return Optional.of(true);
      }
    }
    return Optional.of(false);
  }

  /** {@code [:domain][/prefix4][//prefix6]} after {@code a} or {@code mx}. */
  private record Target(String name, int prefix4, int prefix6) {
    static Target of(String rest, String domain) {
      String name = domain;
      int prefix4 = 32;
      int prefix6 = 128;
      String r = rest;
      if (r.startsWith(":")) {
        int slash = r.indexOf('/');
        name = slash < 0 ? r.substring(1) : r.substring(1, slash);
        r = slash < 0 ? "" : r.substring(slash);
      }
      try {
        int dual = r.indexOf("//");
        String six = dual < 0 ? null : r.substring(dual + 2);
        String four = dual < 0 ? r : r.substring(0, dual);
        if (four.startsWith("/")) {
          prefix4 = Integer.parseInt(four.substring(1));
        }
        if (six != null) {
          prefix6 = Integer.parseInt(six);
        }
      } catch (NumberFormatException e) {
        return null;
      }
      if (name.isEmpty() || prefix4 < 0 || prefix4 > 32 || prefix6 < 0 || prefix6 > 128) {
        return null;
      }
      return new Target(name, prefix4, prefix6);
    }
  }
}
