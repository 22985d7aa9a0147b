package org.portcullis.mailbox;

import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import org.portcullis.mail.EmailAddress;
import org.portcullis.policy.RecipientDirectory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The recipients that exist, as the running server judges RCPT: the configuration's
 * {@code mail.known-recipients}, the mailboxes made with {@code portcullis mailbox add}, and the
 * submission users whose login is an address. Kept in memory and reloaded when the store's version
 * moves ({@link #refresh}, a few times a second), so a mailbox added by the CLI is accepted within a
 * second. Thread-safe.
 */
public final class KnownRecipients implements RecipientDirectory {

  private static final Logger log = LoggerFactory.getLogger("portcullis.mailbox");

  private record Snapshot(long version, Set<String> addresses) {}

  private final MailboxStore store;
  private final Set<String> configured;
  private final boolean enforced;
  private volatile Snapshot current = new Snapshot(-1, Set.of());

  /**
   * @param configured {@code mail.known-recipients}
   * @param enforced whether unknown recipients are refused ({@code mail.unknown-recipients = "reject"})
   */
  public KnownRecipients(MailboxStore store, Set<EmailAddress> configured, boolean enforced) {
    this.store = store;
    Set<String> keys = new HashSet<>();
    configured.forEach(a -> keys.add(key(a.localPart(), a.domain())));
    this.configured = Set.copyOf(keys);
    this.enforced = enforced;
    refresh();
  }

  /** Reloads when the store changed; a store error keeps the last good set. */
  public void refresh() {
    long version = store.version();
    if (version == current.version()) {
      return;
    }
    Set<String> all = new HashSet<>(configured);
    for (String address : store.known()) {
      all.add(address.toLowerCase(Locale.ROOT));
    }
    current = new Snapshot(version, Set.copyOf(all));
    log.debug("{} known recipient(s) loaded (version {})", all.size(), version);
  }

  @Override
  public boolean enforced() {
    return enforced;
  }

  @Override
  public boolean exists(EmailAddress address) {
    return current.addresses().contains(key(address.localPart(), address.domain()));
  }

  private static String key(String localPart, String domain) {
    return (localPart + "@" + domain).toLowerCase(Locale.ROOT);
  }
}
