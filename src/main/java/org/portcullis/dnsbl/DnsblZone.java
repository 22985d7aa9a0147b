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
 * @param lookupUrl the list's own lookup page for an address, {@code {ip}} standing for it (e.g.
 *     {@code https://check.spamhaus.org/listed/?searchterm={ip}}); empty: the link in its TXT
 */
public record DnsblZone(String name, Type type, double weight, ReturnCodes codes, boolean secret, String displayName,
    String lookupUrl) {

  public DnsblZone(String name, Type type, double weight, ReturnCodes codes, boolean secret, String displayName) {
    this(name, type, weight, codes, secret, displayName, "");
  }

  /**
   * Where a sender looks up {@code ip} on this list: the configured template, else the first link
   * in the list's TXT answer (never for a secret zone, whose TXT may name the key), else empty.
   */
  public java.util.Optional<String> lookupFor(String ip, String txt) {
    if (!lookupUrl.isEmpty()) {
      return java.util.Optional.of(lookupUrl.replace("{ip}", ip));
    }
    if (secret || txt.isEmpty()) {
      return java.util.Optional.empty();
    }
    java.util.regex.Matcher m = org.portcullis.mail.WebUrl.PATTERN.matcher(txt);
    if (!m.find()) {
      return java.util.Optional.empty();
    }
    String url = m.group();
    while (!url.isEmpty() && ".,;:)]'".indexOf(url.charAt(url.length() - 1)) >= 0) {
      url = url.substring(0, url.length() - 1);
    }
    return java.util.Optional.of(url);
  }

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
