package org.portcullis.lists;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.portcullis.mail.Cidr;
import org.portcullis.policy.AddressPattern;

/**
 * An allow or deny entry as a person writes it (CLI options, a JSON body): text fields, checked
 * one by one into a {@link ListEntry}. Errors name the field.
 *
 * @param skip check names, or {@code all} (allow only; default {@code all})
 * @param expires {@code 30d}, {@code 12h}, {@code 2026-12-31} or an ISO instant; empty: never
 */
public record EntryForm(ListEntry.Action action, Optional<String> client, Optional<String> sender,
    Optional<String> recipient, Optional<String> helo, List<String> skip, Optional<String> reply,
    Optional<String> expires, Optional<String> note) {

  private static final Pattern RELATIVE = Pattern.compile("([0-9]{1,5})([mhd])");
  private static final Duration EXPIRY_MAX = Duration.ofDays(3650);

  /**
   * @param knownChecks the names {@code skip} may use (besides {@code all})
   * @throws IllegalArgumentException naming the field that is wrong
   */
  public ListEntry toEntry(Set<String> knownChecks, Instant now) {
    Optional<Cidr> network = field("client", client, Cidr::parse);
    Optional<AddressPattern> from = field("sender", sender, AddressPattern::parse);
    Optional<AddressPattern> to = field("recipient", recipient, AddressPattern::parse);
    Optional<AddressPattern> host = field("helo", helo, text -> {
      AddressPattern p = AddressPattern.parse(text);
      if (text.contains("@")) {
        throw new IllegalArgumentException("a HELO name is a host name, not an address");
      }
      return p;
    });
    Set<String> skipped = Set.of();
    if (action == ListEntry.Action.ALLOW) {
      skipped = skips(skip, knownChecks);
    } else if (!skip.isEmpty()) {
      throw new IllegalArgumentException("skip: a deny entry skips nothing");
    }
    Optional<Instant> until = expires.map(text -> expiry(text, now));
    try {
      return new ListEntry(0, action, network, from, to, host, skipped, reply.map(String::strip), until,
          note.map(String::strip).orElse(""), now);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
  }

  /**
   * The checks an allow entry skips, as written (empty: all), checked: each is {@code all} or a
   * known check, and never one that cannot be skipped.
   *
   * @throws IllegalArgumentException naming the first bad name
   */
  public static Set<String> skips(List<String> names, Set<String> knownChecks) {
    Set<String> out = new LinkedHashSet<>();
    for (String name : names.isEmpty() ? List.of(ListEntry.ALL) : names) {
      String n = name.strip();
      if (ListEntry.NEVER_SKIPPED.contains(n)) {
        throw new IllegalArgumentException("skip: " + n + " cannot be skipped");
      }
      if (!n.equals(ListEntry.ALL) && !knownChecks.contains(n)) {
        throw new IllegalArgumentException("skip: \"" + printable(n) + "\" is not a check; use \"all\" or one of "
            + String.join(", ", knownChecks));
      }
      out.add(n);
    }
    return out;
  }

  private static <T> Optional<T> field(String name, Optional<String> text, java.util.function.Function<String, T> parse) {
    if (text.isEmpty() || text.get().isBlank()) {
      return Optional.empty();
    }
    try {
      return Optional.of(parse.apply(text.get().strip()));
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(name + ": " + (e.getMessage() == null ? "not valid" : e.getMessage()));
    }
  }

  /** {@code 30d}, {@code 12h}, {@code 90m}, {@code 2026-12-31} (end of that day, UTC) or an ISO instant. */
  public static Instant expiry(String text, Instant now) {
    String t = text.strip();
    Matcher m = RELATIVE.matcher(t);
    Instant at;
    if (m.matches()) {
      long n = Long.parseLong(m.group(1));
      at = now.plus(switch (m.group(2)) {
        case "m" -> Duration.ofMinutes(n);
        case "h" -> Duration.ofHours(n);
        default -> Duration.ofDays(n);
      });
    } else {
      try {
        at = t.length() == 10 ? LocalDate.parse(t).plusDays(1).atStartOfDay().toInstant(ZoneOffset.UTC) : Instant.parse(t);
      } catch (DateTimeParseException e) {
        throw new IllegalArgumentException("expires: \"" + printable(t)
            + "\" is not a time; use 30d, 12h, 90m, 2026-12-31 or 2026-12-31T18:00:00Z");
      }
    }
    if (!at.isAfter(now)) {
      throw new IllegalArgumentException("expires: " + at + " is not in the future");
    }
    if (at.isAfter(now.plus(EXPIRY_MAX))) {
      throw new IllegalArgumentException("expires: at most 10 years ahead; leave it out for an entry that never expires");
    }
    return at;
  }

  private static String printable(String text) {
    String clipped = text.length() > 60 ? text.substring(0, 60) + "..." : text;
    return clipped.replaceAll("[\\x00-\\x1F\\x7F]", "?");
  }
}
