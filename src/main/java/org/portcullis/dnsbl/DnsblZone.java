package org.portcullis.dnsbl;

import java.util.Locale;

/**
 * One DNS list the gateway consults, from a {@code [[dnsbl.zones]]} table.
 *
 * @param name the zone, e.g. {@code zen.spamhaus.org}
 * @param type block, allow or score
 * @param weight what a listing adds to the client's score (negative for allow zones)
 * @param codes which answers count and their labels
 * @param secret whether the zone's name and TXT stay out of replies (keyed mirrors, paid feeds)
 * @param displayName what replies call a secret zone
 */
public record DnsblZone(String name, Type type, double weight, ReturnCodes codes, boolean secret, String displayName) {

  /** What a listing on the zone means. */
  public enum Type {
    /** A blocklist: by default one listing reaches the threshold. */
    BLOCK,
    /** An allowlist (DNSWL): a negative weight, and the client counts as allow-listed. */
    ALLOW,
    /** A list that only adds its weight. */
    SCORE;

    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** The name replies may show. */
  public String publicName() {
    return secret ? displayName : name;
  }
}
