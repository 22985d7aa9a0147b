package org.portcullis.policy.checks;

import java.time.format.DateTimeFormatter;
import java.util.Optional;
import org.portcullis.lists.AccessLists;
import org.portcullis.lists.ListEntry;
import org.portcullis.mail.EnhancedStatus;
import org.portcullis.policy.CheckContext;
import org.portcullis.policy.Explanation;
import org.portcullis.policy.Phase;
import org.portcullis.policy.RefusalKind;
import org.portcullis.policy.Verdict;

/**
 * {@code deny-list}: the operator's deny entries (by client network, HELO, sender, recipient).
 * Each entry is judged once, at the phase where everything it looks at is known (a recipient
 * entry at RCPT); a match is {@code 554 5.7.1} with the entry's own reply text. Nothing skips this
 * check: no allow entry, whitelist or exception outranks a deny entry.
 */
public final class DenyListCheck extends CatalogCheck {

  public static final String NAME = "deny-list";
  static final String DEFAULT_REPLY = "Access denied by this server's policy";
  private final Optional<AccessLists> lists;

  public DenyListCheck(Optional<AccessLists> lists) {
    super(NAME, Judges.EVERYONE, Phase.CONNECT, Phase.HELO, Phase.MAIL, Phase.RCPT);
    this.lists = lists;
  }

  @Override
  protected Verdict judge(CheckContext context) {
    if (lists.isEmpty()) {
      return Verdict.CONTINUE;
    }
    Optional<ListEntry> entry = lists.get().deny(context.phase(), context.session(), context.recipient());
    if (entry.isEmpty()) {
      return Verdict.CONTINUE;
    }
    ListEntry e = entry.get();
    Explanation.Builder facts = Observed.client(context).fact("deny entry", e.id() + ": " + e.criteria());
    e.expires().ifPresent(at -> facts.fact("entry expires", DateTimeFormatter.ISO_INSTANT.format(at)));
    return new Verdict.Reject(RefusalKind.TRANSACTION, EnhancedStatus.POLICY, e.reply().orElse(DEFAULT_REPLY), facts.rule(
        "The administrator of this server refuses mail matching this entry of its deny list ("
            + e.criteria() + ").",
        "If you believe this is a mistake, contact the postmaster of the domain you were writing to by "
            + "other means (telephone, web form), quoting the reference."));
  }
}
