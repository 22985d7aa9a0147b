package org.portcullis.verdicts;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.portcullis.mail.EmailAddress;
import org.portcullis.policy.RecipientChoice;
import org.portcullis.policy.RecipientChoices;

/**
 * The recipients' choices, answered from an immutable snapshot (asked at every RCPT), reloaded when
 * the store's version moves ({@link #refresh}, every 250 ms from the gateway's upkeep, so a change
 * made with {@code portcullis prefs} applies within a second). The mailbox's choice wins over its
 * domain's; without either the check's verdict stands (reject). Thread-safe.
 */
public final class Preferences implements RecipientChoices {

  private final ChoiceStore store;
  private volatile Map<String, Map<String, RecipientChoice>> byScope = Map.of();
  private volatile long version = Long.MIN_VALUE;

  public Preferences(ChoiceStore store) {
    this.store = store;
    refresh();
  }

  /** Reloads the snapshot if the store changed. */
  public void refresh() {
    long now = store.version();
    if (now == version) {
      return;
    }
    Map<String, Map<String, RecipientChoice>> next = new HashMap<>();
    for (ChoiceStore.Row row : store.all()) {
      next.computeIfAbsent(row.scope(), s -> new HashMap<>()).put(row.check(), row.choice());
    }
    next.replaceAll((scope, choices) -> Map.copyOf(choices));
    byScope = Map.copyOf(next);
    version = now;
  }

  @Override
  public Decided choice(EmailAddress recipient, String check) {
    String domain = recipient.domain().toLowerCase(Locale.ROOT);
    String mailbox = (recipient.localPart() + "@" + domain).toLowerCase(Locale.ROOT);
    Map<String, Map<String, RecipientChoice>> snapshot = byScope;
    RecipientChoice own = snapshot.getOrDefault(mailbox, Map.of()).get(check);
    if (own != null) {
      return new Decided(own, "mailbox " + mailbox);
    }
    RecipientChoice tenant = snapshot.getOrDefault(domain, Map.of()).get(check);
    if (tenant != null) {
      return new Decided(tenant, "domain " + domain);
    }
    return new Decided(RecipientChoice.REJECT, DEFAULT);
  }

  /** The choices of one scope (a mailbox or a domain), by check. */
  public Map<String, RecipientChoice> of(String scope) {
    return byScope.getOrDefault(scope.toLowerCase(Locale.ROOT), Map.of());
  }

  /** Every row, for listing. */
  public List<ChoiceStore.Row> rows() {
    return store.all();
  }
}
