package org.portcullis.dmarc;

import java.util.List;
import java.util.Optional;

/**
 * What evaluating a message's From domain gave.
 *
 * @param result the DMARC result
 * @param fromDomain the author domain (RFC 5322.From), lower case
 * @param recordDomain where the policy was found: the From domain or its organisational domain
 * @param record the policy record, if one valid record was found
 * @param requested the policy that applies to the From domain ({@code sp=} for a subdomain when given)
 * @param disposition what to do with the message after {@code pct} sampling and local overrides
 * @param spfAligned whether SPF passed for a domain aligned with the From domain
 * @param dkimAligned whether a DKIM signature of an aligned domain passed
 * @param override why the disposition is lower than the policy, in RFC 7489's words
 *     ({@code sampled_out}, {@code trusted_forwarder}, {@code mailing_list}, {@code local_policy})
 * @param lookups the DNS queries made, with what each gave
 * @param why the result in words, for explanations
 */
public record DmarcOutcome(DmarcResult result, String fromDomain, Optional<String> recordDomain,
    Optional<DmarcRecord> record, DmarcPolicy requested, DmarcPolicy disposition, boolean spfAligned,
    boolean dkimAligned, Optional<String> override, List<String> lookups, String why) {

  public DmarcOutcome {
    lookups = List.copyOf(lookups);
  }

  /**
   * The same outcome with the disposition lowered to none for a local reason (a trusted
   * forwarder, a mailing list): overrides never make a disposition stricter.
   */
  public DmarcOutcome overridden(String reason) {
    return new DmarcOutcome(result, fromDomain, recordDomain, record, requested, DmarcPolicy.NONE, spfAligned,
        dkimAligned, Optional.of(reason), lookups, why);
  }
}
