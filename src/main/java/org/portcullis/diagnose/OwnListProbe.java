package org.portcullis.diagnose;

import java.net.InetAddress;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.portcullis.mail.Addresses;

/**
 * {@code blocklist.own}: is the address on this server's own blocklist (check 6 of seed 001's
 * list: "every configured DNS list and our own")? Read from the store, as the explanation page
 * does, with a link to the evidence and self-service delisting. A store that cannot answer is
 * unknown, never a pass.
 */
public final class OwnListProbe implements Probe {

  public static final String ID = "blocklist.own";

  /**
   * What the blocklist holds for an address.
   *
   * @param category why it is listed ({@code spam-trap}, say)
   * @param selfService whether the sender may delist it from the lookup page
   */
  public record Listed(String network, String category, Instant firstListed, Instant lastEvidence,
      boolean selfService) {}

  private final String zone;
  private final String publicUrl;
  private final Function<InetAddress, Optional<Listed>> lookup;

  /**
   * @param zone the blocklist's zone, as replies name it
   * @param publicUrl where strangers reach the portal ({@code web.public-url})
   * @param lookup the active listing covering an address; may throw when the store fails
   */
  public OwnListProbe(String zone, String publicUrl, Function<InetAddress, Optional<Listed>> lookup) {
    this.zone = zone;
    this.publicUrl = publicUrl;
    this.lookup = lookup;
  }

  @Override
  public List<Finding> run(Subject subject, Lookups lookups, long deadlineNanos) {
    String ip = Addresses.toText(subject.ip());
    Values v = new Values(subject).put("zone", zone).put("link", publicUrl + "/lookup/" + ip);
    Optional<Listed> listed;
    try {
      listed = lookup.apply(subject.ip());
    } catch (RuntimeException e) {
      return List.of(v.fact("store", "did not answer").finding(ID, Status.UNKNOWN));
    }
    if (listed.isEmpty()) {
      return List.of(v.fact(zone, "not listed").finding(ID, Status.PASS));
    }
    Listed l = listed.get();
    return List.of(v.put("category", l.category()).put("first", DateTimeFormatter.ISO_INSTANT.format(l.firstListed()))
        .put("last", DateTimeFormatter.ISO_INSTANT.format(l.lastEvidence()))
        .put("delist", l.selfService() ? "delist it yourself there once the cause is fixed"
            : "ask the operator there (self-service delisting is not available for this listing)")
        .fact("listing", l.network() + " (" + l.category() + ")")
        .fact("first listed", DateTimeFormatter.ISO_INSTANT.format(l.firstListed()))
        .fact("last evidence", DateTimeFormatter.ISO_INSTANT.format(l.lastEvidence()))
        .finding(ID, Status.FAIL));
  }
}
