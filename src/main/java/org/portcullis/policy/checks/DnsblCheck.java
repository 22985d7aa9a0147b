package org.portcullis.policy.checks;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.portcullis.dnsbl.DnsblReport;
import org.portcullis.dnsbl.ZoneResult;
import org.portcullis.mail.EnhancedStatus;
import org.portcullis.policy.CheckContext;
import org.portcullis.policy.ClientLookup;
import org.portcullis.policy.Explanation;
import org.portcullis.policy.Phase;
import org.portcullis.policy.RefusalKind;
import org.portcullis.policy.Verdict;

/**
 * {@code dnsbl}: DNS blocklists and allowlists with a postscreen-style score ("blocked
 * using a blocklist"), with per-listener blacklist settings.
 *
 * <p>Phase CONNECT. Lookups: every configured zone, started when the client connected
 * ({@link #LOOKUP}). The score is the sum of the weights of the zones that list the client
 * (allow zones are negative). At or above the threshold the client is refused with
 * {@code 554 5.7.1}, naming the listing zone of highest weight and its TXT reason (secret zones
 * by their display name, without TXT). A zone that did not answer (timeout, SERVFAIL) and whose
 * weight could reach the threshold gives {@code 451 4.7.1}: unknown is never a pass. Error
 * answers (127.255.255.x) and suspended zones count as not listed. LAN and authenticated clients
 * are not judged.
 */
public final class DnsblCheck extends CatalogCheck {

  public static final String NAME = "dnsbl";
  public static final String DEFAULT_REPLY = "Service unavailable; client [{client}] blocked using {zone} ({label}): {txt}";

  /** The zone lookups the engine starts at connect. */
  public static ClientLookup<DnsblReport> lookup(org.portcullis.dnsbl.DnsblLookups lookups) {
    return new ClientLookup<>(NAME, lookups::start);
  }

  private final ClientLookup<DnsblReport> lookup;
  private final double threshold;
  private final String replyTemplate;

  /**
   * @param lookup the lookups started at connect (empty zones: the check has no opinion)
   * @param threshold the score at which a client is refused
   * @param replyTemplate the reply text: {client}, {zone}, {label}, {txt}
   */
  public DnsblCheck(Optional<ClientLookup<DnsblReport>> lookup, double threshold, String replyTemplate) {
    super(NAME, Judges.STRANGERS, Phase.CONNECT);
    this.lookup = lookup.orElse(null);
    this.threshold = threshold;
    this.replyTemplate = replyTemplate;
  }

  @Override
  protected Verdict judge(CheckContext context) {
    if (lookup == null) {
      return Verdict.CONTINUE;
    }
    Optional<DnsblReport> report = context.session().client().started(lookup);
    if (report.isEmpty()) {
      return Verdict.CONTINUE;
    }
    List<ZoneResult> results = new ArrayList<>();
    for (CompletableFuture<ZoneResult> future : report.get().results()) {
      results.add(context.await(future));
    }
    double score = 0;
    double unknownWeight = 0;
    for (ZoneResult r : results) {
      if (r.listed()) {
        score += r.zone().weight();
      } else if (r.outcome() == ZoneResult.Outcome.UNKNOWN) {
        unknownWeight += Math.max(0, r.zone().weight());
      }
    }
    String ip = context.session().client().addressText();
    Explanation.Builder facts = Observed.client(context);
    for (ZoneResult r : results) {
      facts.fact("DNS list " + r.zone().publicName() + " (" + r.zone().type().label() + ", weight "
          + format(r.zone().weight()) + ")", describe(r));
    }
    facts.fact("score", format(score) + " (threshold " + format(threshold) + ")");
    for (ZoneResult r : results) {
      if (r.listed() && r.zone().type() != org.portcullis.dnsbl.DnsblZone.Type.ALLOW) {
        r.zone().lookupFor(ip, r.txt()).ifPresent(url ->
            facts.link("Look up " + ip + " on " + r.zone().publicName() + " (its evidence and removal)", url));
      }
    }
    if (score >= threshold) {
      ZoneResult top = results.stream().filter(ZoneResult::listed)
          .max(Comparator.comparingDouble(r -> r.zone().weight())).orElseThrow();
      String zone = top.zone().publicName();
      String reason = render(ip, zone, String.join(", ", top.labels()), top.zone().secret() ? "" : top.txt());
      return new Verdict.Reject(RefusalKind.TRANSACTION, EnhancedStatus.parse("5.7.1"), reason, facts.rule(
          "The client's address is listed on DNS blocklists whose weights reach the threshold. Lists "
              + "are queried per RFC 5782; each list decides what it lists and why.",
          "Follow the list's explanation" + (top.txt().isEmpty() || top.zone().secret() ? "" : " (" + top.txt() + ")")
              + " and fix the cause: an infected machine, an open relay or proxy, or a compromised account "
              + "sending through " + ip + ". Then request removal from " + zone + ". This server does not run "
              + "that list and cannot remove you from it; once you are delisted, mail from " + ip + " is "
              + "accepted again without any action here.")).withFinding("client [" + ip + "] is listed on " + zone
          + (top.labels().isEmpty() ? "" : " (" + String.join(", ", top.labels()) + ")") + ", DNS list score "
          + format(score) + " of " + format(threshold));
    }
    if (score + unknownWeight >= threshold) {
      return new Verdict.Tempfail(RefusalKind.LOCAL_ERROR, EnhancedStatus.parse("4.7.1"),
          "Service temporarily unavailable; client [" + ip + "]: DNS blocklist lookup failed", facts.rule(
              "A DNS list whose listing could decide did not answer (timeout or server failure). An unknown "
                  + "result is never treated as a pass, so the server answers with a temporary failure.",
              "Nothing to do: your server retries later (RFC 5321 4.5.4.1) and the message goes through once "
                  + "the list answers."));
    }
    return Verdict.CONTINUE;
  }

  private String render(String ip, String zone, String label, String txt) {
    String text = replyTemplate.replace("{client}", ip).replace("{zone}", zone).replace("{label}", label)
        .replace("{txt}", txt).strip();
    while (text.endsWith(":") || text.endsWith("()")) {
      text = text.substring(0, text.length() - (text.endsWith(":") ? 1 : 2)).strip();
    }
    return text;
  }

  private static String describe(ZoneResult r) {
    String query = r.zone().secret() ? "" : r.query() + " -> ";
    return switch (r.outcome()) {
      case LISTED -> query + String.join(", ", r.answers()) + " listed (" + String.join(", ", r.labels()) + ")"
          + (r.txt().isEmpty() || r.zone().secret() ? "" : "; TXT: " + r.txt());
      case NOT_LISTED -> query + (r.answers().isEmpty() ? "NXDOMAIN (not listed)"
          : String.join(", ", r.answers()) + " (not a listing under the configured codes)");
      case ZONE_ERROR -> query + String.join(", ", r.answers()) + ": the list refuses to answer us; ignored";
      case UNKNOWN -> query + "no answer (timeout or SERVFAIL)";
      case SUSPENDED -> "not asked: the list is suspended by its health check";
    };
  }

  private static String format(double v) {
    return v == Math.rint(v) ? String.format(Locale.ROOT, "%.0f", v) : String.format(Locale.ROOT, "%.2f", v);
  }
}
