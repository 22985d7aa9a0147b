package org.portcullis.policy.checks;

import java.time.format.DateTimeFormatter;
import java.util.Optional;
import org.portcullis.blocklist.Category;
import org.portcullis.blocklist.Evidence;
import org.portcullis.blocklist.Listing;
import org.portcullis.blocklist.LiveListings;
import org.portcullis.mail.EnhancedStatus;
import org.portcullis.policy.CheckContext;
import org.portcullis.policy.Explanation;
import org.portcullis.policy.Phase;
import org.portcullis.policy.RefusalKind;
import org.portcullis.policy.Verdict;

/**
 * {@code blocklist}: our own blocklist, read from memory (no DNS round trip): the provider side
 * of the provider's rules.
 *
 * <p>Phase CONNECT. A client whose address (or network) is listed is refused with
 * {@code 554 5.7.1}, in the same form as a DNSBL refusal; the explanation links to its evidence
 * and self-service delisting. The explanation shows the listing, first and last evidence, an
 * evidence excerpt and the delistings used. LAN and authenticated clients are not judged.
 */
public final class OwnBlocklistCheck extends CatalogCheck {

  public static final String NAME = "blocklist";

  private final LiveListings listings;
  private final String zone;
  private final String publicUrl;

  /**
   * @param listings the live listings (empty: the blocklist is disabled and the check has no opinion)
   * @param zone the zone name replies use
   * @param publicUrl where strangers reach the portal ({@code web.public-url}); empty: links are paths
   */
  public OwnBlocklistCheck(Optional<LiveListings> listings, String zone, String publicUrl) {
    super(NAME, Judges.STRANGERS, Phase.CONNECT);
    this.listings = listings.orElse(null);
    this.zone = zone;
    this.publicUrl = publicUrl;
  }

  @Override
  protected Verdict judge(CheckContext context) {
    if (listings == null) {
      return Verdict.CONTINUE;
    }
    int code = listings.current().lookup(context.session().client().address());
    if (code == 0) {
      return Verdict.CONTINUE;
    }
    String ip = context.session().client().addressText();
    String category = Category.fromCode(code).map(Category::label).orElse("listed");
    String link = publicUrl + "/lookup/" + ip;
    Explanation.Builder facts = Observed.client(context).fact("listed on", zone + " (" + category + ")")
        .link("The listing of " + ip + " on " + zone + ", its evidence and self-service delisting", link);
    int limit = listings.blocklist().settings().selfServiceLimit();
    String selfService = "delist it yourself at " + link;
    try {
      Optional<Listing> listing = listings.blocklist().active(context.session().client().address());
      if (listing.isPresent()) {
        Listing l = listing.get();
        facts.fact("listing", l.network() + ", " + l.state().label())
            .fact("first listed", DateTimeFormatter.ISO_INSTANT.format(l.firstListed()))
            .fact("last evidence", DateTimeFormatter.ISO_INSTANT.format(l.lastEvidence()));
        l.expires().ifPresent(e -> facts.fact("expires", DateTimeFormatter.ISO_INSTANT.format(e)));
        if (!l.evidence().isEmpty()) {
          facts.fact("latest evidence", excerpt(l.evidence().getLast()));
        }
        facts.fact("self-service delistings used", l.selfDelistings() + " of " + limit);
        if (l.state() == org.portcullis.blocklist.ListingState.PERMANENT || l.selfDelistings() >= limit
            || !l.network().isHost()) {
          selfService = "contact the operator through " + link + " (self-service delisting is not available for "
              + "this listing)";
        }
      }
    } catch (RuntimeException e) {
      // The listing's details are a courtesy: the refusal stands on the in-memory index. Whatever
      // the store's failure type, the explanation says the details are missing.
      facts.fact("listing details", "unavailable (store error)");
    }
    return new Verdict.Reject(RefusalKind.TRANSACTION, EnhancedStatus.parse("5.7.1"),
        "Service unavailable; client [" + ip + "] blocked using " + zone + " (" + category + ")",
        facts.rule("The client's address is on this server's own blocklist, listed on evidence (spam-trap hits, "
                + "reports, repeated refusals). Listings expire by themselves "
                + listings.blocklist().settings().expiry().toHours() + " hours after the last evidence.",
            "See the evidence at " + link + " and fix the cause (an infected machine, an open relay or proxy, a "
                + "compromised account). Then " + selfService + "; you may delist yourself " + limit + " times, "
                + "after that only the operator can. New evidence lists the address again."))
        .withFinding("client [" + ip + "] is listed on our blocklist " + zone + " (" + category + ")");
  }

  private static String excerpt(Evidence e) {
    StringBuilder out = new StringBuilder(DateTimeFormatter.ISO_INSTANT.format(e.at())).append(' ').append(e.source());
    if (!e.helo().isEmpty()) {
      out.append(", HELO ").append(e.helo());
    }
    if (!e.sender().isEmpty()) {
      out.append(", MAIL FROM ").append(e.sender());
    }
    if (!e.note().isEmpty()) {
      out.append(", ").append(e.note());
    }
    return out.length() > 300 ? out.substring(0, 300) : out.toString();
  }
}
