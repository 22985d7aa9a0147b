package org.portcullis.dmarc;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.portcullis.dns.DnsAnswer;
import org.portcullis.dns.DnsRecord;
import org.portcullis.dns.DnsResolver;
import org.portcullis.dns.DnsType;
import org.portcullis.mail.EmailAddress;
import org.portcullis.mail.OrganizationalDomain;

/**
 * Where a domain's aggregate reports may go (RFC 7489 6.2, 7.1): the {@code mailto:} URIs of its
 * {@code rua=}, each with its optional size limit ({@code !10m}), and for an address outside the
 * domain's organisation only when that organisation agrees, by publishing a {@code v=DMARC1}
 * record at {@code <policy domain>._report._dmarc.<destination host>}. Without that check anyone
 * could publish {@code rua=mailto:victim@elsewhere} and have every receiver mail the victim.
 * Other URI schemes are ignored (RFC 7489 names only mailto). Thread-safe.
 */
public final class ReportDestinations {

  /** Destinations used per domain, at most; RFC 7489 6.2 lets a receiver choose a limit. */
  public static final int MAX = 3;

  /**
   * One report address.
   *
   * @param address the mailbox
   * @param maxBytes the largest report it takes, 0 for no limit
   */
  public record Destination(EmailAddress address, long maxBytes) {}

  /**
   * The destinations of one domain's {@code rua=}.
   *
   * @param accepted where reports go
   * @param refused URIs left out, each with why
   * @param unanswered true when a verification lookup did not answer: ask again later rather than
   *     send to part of the list
   */
  public record Verdict(List<Destination> accepted, List<String> refused, boolean unanswered) {
    public Verdict {
      accepted = List.copyOf(accepted);
      refused = List.copyOf(refused);
    }
  }

  private final DnsResolver resolver;
  private final Duration timeout;

  /** @param timeout the time all lookups of one domain's destinations must fit in */
  public ReportDestinations(DnsResolver resolver, Duration timeout) {
    this.resolver = resolver;
    this.timeout = timeout;
  }

  /** Checks each {@code rua=} URI of {@code record}, found at {@code policyDomain}. */
  public Verdict of(String policyDomain, DmarcRecord record) {
    String domain = policyDomain.toLowerCase(Locale.ROOT);
    String organisation = OrganizationalDomain.of(domain).orElse(domain);
    long deadline = System.nanoTime() + timeout.toNanos();
    List<Destination> accepted = new ArrayList<>();
    List<String> refused = new ArrayList<>();
    boolean unanswered = false;
    for (String uri : record.aggregateReports()) {
      if (accepted.size() == MAX) {
        refused.add(uri + ": more than " + MAX + " destinations");
        continue;
      }
      Optional<Destination> parsed;
      try {
        parsed = parse(uri);
      } catch (IllegalArgumentException e) {
        refused.add(uri + ": " + e.getMessage());
        continue;
      }
      if (parsed.isEmpty()) {
        refused.add(uri + ": not a mailto: URI");
        continue;
      }
      String host = parsed.get().address().domain().toLowerCase(Locale.ROOT);
      if (OrganizationalDomain.of(host).orElse(host).equals(organisation)) {
        accepted.add(parsed.get());
        continue;
      }
      String name = domain + "._report._dmarc." + host;
      if (name.length() > 253) {
        refused.add(uri + ": " + name + " is too long to ask");
        continue;
      }
      DnsAnswer answer = resolver.lookupBy(name, DnsType.TXT, deadline);
      if (!answer.status().isDefinite()) {
        unanswered = true;
      } else if (answer.recordsOf(DnsRecord.Txt.class).stream().anyMatch(t -> DmarcRecord.claims(t.text()))) {
        accepted.add(parsed.get());
      } else {
        refused.add(uri + ": " + host + " does not accept reports for " + domain + " (no v=DMARC1 at " + name + ")");
      }
    }
    return new Verdict(accepted, refused, unanswered);
  }

  /**
   * One URI of {@code rua=}: {@code mailto:} an address, optionally {@code !} a size with a unit
   * k, m, g or t (powers of 1024); anything after {@code ?} is ignored.
   *
   * @return empty for another scheme
   * @throws IllegalArgumentException a mailto: URI that does not hold one address, or a bad size
   */
  static Optional<Destination> parse(String uri) {
    String u = uri.strip();
    if (!u.regionMatches(true, 0, "mailto:", 0, 7)) {
      return Optional.empty();
    }
    String rest = u.substring(7);
    long max = 0;
    int bang = rest.lastIndexOf('!');
    if (bang >= 0) {
      max = size(rest.substring(bang + 1));
      rest = rest.substring(0, bang);
    }
    int query = rest.indexOf('?');
    if (query >= 0) {
      rest = rest.substring(0, query);
    }
    String address = URLDecoder.decode(rest.replace("+", "%2B"), StandardCharsets.UTF_8);
    if (address.contains(",")) {
      throw new IllegalArgumentException("more than one address in one URI");
    }
    return Optional.of(new Destination(EmailAddress.parse(address), max));
  }

  private static long size(String text) {
    if (!text.matches("[0-9]{1,12}[kKmMgGtT]?")) {
      throw new IllegalArgumentException("\"!" + text + "\" is not a size");
    }
    char unit = Character.toLowerCase(text.charAt(text.length() - 1));
    int shift = switch (unit) {
      case 'k' -> 10;
      case 'm' -> 20;
      case 'g' -> 30;
      case 't' -> 40;
      default -> 0;
    };
    long n = Long.parseLong(shift == 0 ? text : text.substring(0, text.length() - 1));
    return n >= (Long.MAX_VALUE >> shift) ? Long.MAX_VALUE : n << shift;
  }
}
