package org.portcullis.dmarc;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * A parsed DMARC record (RFC 7489 6.3). Parsing follows 6.6.3: a record must start with
 * {@code v=DMARC1}; a missing or invalid {@code p=} makes it invalid unless it has a valid
 * {@code rua=} (then p=none); other broken values fall back to their defaults and are listed in
 * {@link #problems}; unknown tags are ignored.
 *
 * @param policy {@code p=}
 * @param subdomainPolicy {@code sp=}, if given
 * @param percent {@code pct=}, 0..100
 * @param strictDkim {@code adkim=s}
 * @param strictSpf {@code aspf=s}
 * @param aggregateReports {@code rua=} URIs with their size limits, where aggregate reports go
 * @param failureReports {@code ruf=} URIs
 * @param text the record as published
 * @param problems values that were broken and replaced by defaults, in words
 */
public record DmarcRecord(DmarcPolicy policy, Optional<DmarcPolicy> subdomainPolicy, int percent, boolean strictDkim,
    boolean strictSpf, List<String> aggregateReports, List<String> failureReports, String text, List<String> problems) {

  /** RFC 7489 gives no size; a record past this is not a policy anyone publishes. */
  public static final int TEXT_MAX = 4096;

  public DmarcRecord {
    aggregateReports = List.copyOf(aggregateReports);
    failureReports = List.copyOf(failureReports);
    problems = List.copyOf(problems);
  }

  /** Whether {@code text} claims to be a DMARC record at all (RFC 7489 6.6.3: others are discarded). */
  static boolean claims(String text) {
    return text.strip().regionMatches(true, 0, "v=DMARC1", 0, 8)
        && (text.strip().length() == 8 || ";  \t".indexOf(text.strip().charAt(8)) >= 0);
  }

  /**
   * @throws IllegalArgumentException why the record is not valid (too long, no valid policy)
   */
  public static DmarcRecord parse(String text) {
    if (text.length() > TEXT_MAX) {
      throw new IllegalArgumentException("the record is longer than " + TEXT_MAX + " characters");
    }
    if (!claims(text)) {
      throw new IllegalArgumentException("the record does not start with v=DMARC1");
    }
    List<String> problems = new ArrayList<>();
    DmarcPolicy policy = null;
    boolean policyBroken = false;
    DmarcPolicy subdomain = null;
    int percent = 100;
    boolean strictDkim = false;
    boolean strictSpf = false;
    List<String> rua = new ArrayList<>();
    List<String> ruf = new ArrayList<>();
    String[] tags = text.split(";");
    for (int i = 1; i < tags.length; i++) {
      String tag = tags[i].strip();
      int eq = tag.indexOf('=');
      if (tag.isEmpty() || eq <= 0) {
        if (!tag.isEmpty()) {
          problems.add("\"" + tag + "\" is not a tag=value pair");
        }
        continue;
      }
      String name = tag.substring(0, eq).strip().toLowerCase(Locale.ROOT);
      String value = tag.substring(eq + 1).strip();
      switch (name) {
        case "p" -> {
          policy = DmarcPolicy.parse(value).orElse(null);
          policyBroken = policy == null;
        }
        case "sp" -> {
          subdomain = DmarcPolicy.parse(value).orElse(null);
          if (subdomain == null) {
            problems.add("sp=" + value + " is not none, quarantine or reject; p= applies to subdomains");
          }
        }
        case "pct" -> percent = percent(value, problems);
        case "adkim" -> strictDkim = alignment(name, value, problems);
        case "aspf" -> strictSpf = alignment(name, value, problems);
        case "rua" -> rua = uris(value);
        case "ruf" -> ruf = uris(value);
        default -> { } // fo, rf, ri and tags of later versions: ignored (RFC 7489 6.3)
      }
    }
    if (policy == null) {
      if (rua.stream().noneMatch(u -> u.regionMatches(true, 0, "mailto:", 0, 7))) {
        throw new IllegalArgumentException(policyBroken ? "p= is not none, quarantine or reject" : "no p= tag");
      }
      problems.add((policyBroken ? "p= is not none, quarantine or reject" : "no p= tag") + "; with rua= it means p=none "
          + "(RFC 7489 6.6.3)");
      policy = DmarcPolicy.NONE;
    }
    return new DmarcRecord(policy, Optional.ofNullable(subdomain), percent, strictDkim, strictSpf, rua, ruf, text,
        problems);
  }

  private static int percent(String value, List<String> problems) {
    try {
      int pct = Integer.parseInt(value);
      if (pct >= 0 && pct <= 100) {
        return pct;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    problems.add("pct=" + value + " is not 0..100; 100 applies");
    return 100;
  }

  private static boolean alignment(String name, String value, List<String> problems) {
    if (value.equalsIgnoreCase("s")) {
      return true;
    }
    if (!value.equalsIgnoreCase("r")) {
      problems.add(name + "=" + value + " is not r or s; relaxed applies");
    }
    return false;
  }

  /** The URIs of rua= or ruf=, each with its size limit ({@code !10m}) as published. */
  private static List<String> uris(String value) {
    List<String> out = new ArrayList<>();
    for (String uri : value.split(",")) {
      String u = uri.strip();
      if (!u.isEmpty()) {
        out.add(u);
      }
    }
    return out;
  }
}
