package org.portcullis.policy.checks;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.portcullis.auth.Resinfo;
import org.portcullis.dkim.DkimOutcome;
import org.portcullis.dkim.DkimResult;
import org.portcullis.dkim.DkimSignature;
import org.portcullis.dkim.DkimVerifier;
import org.portcullis.mail.AuthorAddresses;
import org.portcullis.mail.EnhancedStatus;
import org.portcullis.mail.MessageText;
import org.portcullis.policy.CheckContext;
import org.portcullis.policy.Explanation;
import org.portcullis.policy.Phase;
import org.portcullis.policy.RefusalKind;
import org.portcullis.policy.Verdict;

/**
 * {@code dkim}: verifies the message's DKIM signatures (RFC 6376) and records each result in
 * Authentication-Results. A failed or missing signature alone refuses nothing (RFC 6376 6.3):
 * DMARC decides what it means. Only for author domains named in {@code dkim.require-signature-from}
 * must the message carry a passing signature of the From domain: none at all is 550 5.7.20, only
 * failing or unacceptable ones (rsa-sha1, short keys) 550 5.7.21, passing ones of other domains
 * only 550 5.7.22 (RFC 7372); a key that did not come is 451 4.7.5, never a pass.
 *
 * <p>Phase END_OF_DATA. Lookups: the TXT key record of each signature (at most
 * {@value DkimVerifier#SIGNATURES_MAX}). LAN and authenticated clients are not judged: their mail
 * is signed, not verified.
 */
public final class DkimCheck extends CatalogCheck {

  public static final String NAME = "dkim";

  private final DkimVerifier verifier;
  private final Set<String> requiredFrom;

  /**
   * @param verifier empty: DKIM is off ({@code dkim.enabled = false}) and the check has no opinion
   * @param requiredFrom {@code dkim.require-signature-from}, lower case
   */
  public DkimCheck(Optional<DkimVerifier> verifier, Set<String> requiredFrom) {
    super(NAME, Judges.STRANGERS, Phase.END_OF_DATA);
    this.verifier = verifier.orElse(null);
    this.requiredFrom = Set.copyOf(requiredFrom);
  }

  @Override
  protected Verdict judge(CheckContext context) {
    Optional<MessageText> message = context.session().message();
    if (verifier == null || message.isEmpty()) {
      return Verdict.CONTINUE;
    }
    DkimOutcome outcome = verifier.verify(message.get().headerFields(), message.get().body());
    context.session().facts().put(DkimOutcome.class, outcome);
    results(outcome).forEach(context.session().facts()::authenticated);
    List<String> authors = context.session().headers().flatMap(h -> h.first("From")).map(AuthorAddresses::domains)
        .orElse(List.of());
    Optional<String> required = authors.stream().filter(requiredFrom::contains).findFirst();
    if (required.isPresent() && !outcome.passedFor(required.get())) {
      return refuse(context, outcome, required.get());
    }
    return Verdict.CONTINUE;
  }

  /** One result per signature verified; {@code dkim=none} for a message without any. */
  static List<String> results(DkimOutcome outcome) {
    if (outcome.signatures().isEmpty()) {
      return List.of(Resinfo.of("dkim", "none").toString());
    }
    List<String> results = new ArrayList<>(outcome.signatures().size());
    for (DkimSignature s : outcome.signatures()) {
      results.add(Resinfo.of("dkim", s.result().label()).comment(s.passed() ? "" : s.reason())
          .property("header.d", s.domain()).property("header.s", s.selector()).property("header.a", s.algorithm())
          .property("header.b", s.signatureStart()).toString());
    }
    return results;
  }

  private static Verdict refuse(CheckContext context, DkimOutcome outcome, String author) {
    Explanation.Builder facts = Observed.client(context).fact("author domain", author);
    int n = 1;
    for (DkimSignature s : outcome.signatures()) {
      facts.fact("signature " + n++, s.result().label() + " d=" + s.domain() + " s=" + s.selector() + ": " + s.reason());
    }
    for (String lookup : outcome.lookups()) {
      facts.fact("lookup", lookup);
    }
    String fix = "If you sent this mail, send it through the mail servers of " + author + ", which sign it; if they "
        + "do, ask the administrator of " + author + " to check that the signing key and its DNS record match.";
    boolean temporary = outcome.signatures().stream().anyMatch(s -> s.result() == DkimResult.TEMPERROR
        && s.domain().equalsIgnoreCase(author));
    if (temporary) {
      return new Verdict.Tempfail(RefusalKind.POLICY, EnhancedStatus.parse("4.7.5"),
          "DKIM: the signing key of " + author + " could not be looked up; try again later",
          facts.rule("Mail from " + author + " must carry a valid DKIM signature of " + author + " here, and the "
              + "key needed to check it did not come from DNS in time. An unknown result is never taken as a pass.",
              "Nothing to do if the DNS of " + author + " is healthy: the sending server retries."));
    }
    String rule = "Mail whose author (From) is at " + author + " must carry a valid DKIM signature (RFC 6376) of "
        + author + " here: the domain signs all its mail, so mail without its signature is forged or was altered.";
    if (outcome.signatures().isEmpty()) {
      return reject("5.7.20", "DKIM: mail from " + author + " must be signed by " + author + "; it is not signed",
          facts.rule(rule, fix));
    }
    if (outcome.passingDomains().isEmpty()) {
      return reject("5.7.21", "DKIM: no signature of this message verifies", facts.rule(rule, fix));
    }
    return reject("5.7.22", "DKIM: no valid signature of the author domain " + author, facts.rule(rule, fix));
  }

  private static Verdict reject(String status, String reason, Explanation explanation) {
    return new Verdict.Reject(RefusalKind.POLICY, EnhancedStatus.parse(status), reason, explanation);
  }
}
