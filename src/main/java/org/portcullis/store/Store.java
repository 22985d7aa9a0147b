package org.portcullis.store;

import org.portcullis.access.AdminUserStore;
import org.portcullis.access.ApiTokenStore;
import org.portcullis.blocklist.BlocklistStore;
import org.portcullis.delivery.SuspensionStore;
import org.portcullis.dmarc.DmarcReportStore;
import org.portcullis.dmarc.DmarcTallyStore;
import org.portcullis.greylist.GreylistStore;
import org.portcullis.history.TrafficLog;
import org.portcullis.history.TransactionLog;
import org.portcullis.lists.AccessListStore;
import org.portcullis.mailbox.MailboxStore;
import org.portcullis.notices.Outbox;
import org.portcullis.policy.CheckModeStore;
import org.portcullis.policy.RefusalLog;
import org.portcullis.submission.MailUserStore;

/**
 * The gateway's persistent state, behind interfaces its callers own ({@link RefusalLog},
 * {@link BlocklistStore}, {@link AccessListStore}, ...). One implementation per database:
 * SQLite embedded in the data directory by default; a shared PostgreSQL later, without touching
 * callers.
 *
 * <p>Lifecycle: opened (and migrated) at start, closed at shutdown after a final flush.
 */
public interface Store extends AutoCloseable {

  RefusalLog refusals();

  /** Our own blocklist's listings, evidence and false-positive reports. */
  BlocklistStore blocklist();

  /** Greylisting triplets. */
  GreylistStore greylist();

  /** Allow and deny entries, recipients' whitelists and whitelist requests. */
  AccessListStore lists();

  /** Accepted messages, and the search of recent transactions. */
  TransactionLog transactions();

  /** The traffic a minute at a time, behind the dashboard's charts. */
  TrafficLog traffic();

  /** Check modes switched on the admin pages. */
  CheckModeStore checkModes();

  /** Users of the admin pages. */
  AdminUserStore adminUsers();

  /** Suspended outbound source addresses. */
  SuspensionStore sourceSuspensions();

  /** Users of the submission listener. */
  MailUserStore mailUsers();

  /** API tokens (hashes) for {@code /api/}. */
  ApiTokenStore apiTokens();

  /** Answers to requesters, waiting for the outbound queue. */
  Outbox outbox();

  /** Mailboxes that exist (accepted at RCPT). */
  MailboxStore mailboxes();

  /** DMARC aggregate-report data: messages per day, author domain, source and results. */
  DmarcTallyStore dmarcTally();

  /** The DMARC aggregate reports others sent us about our domains. */
  DmarcReportStore dmarcReports();

  /** The quarantine's metadata (the messages are files under the data directory). */
  org.portcullis.quarantine.QuarantineStore quarantine();

  /** What tenants and mailboxes chose for per-recipient checks. */
  org.portcullis.verdicts.ChoiceStore choices();

  /** Each mailbox's quarantine digest settings, and the links digests hand out. */
  org.portcullis.quarantine.DigestStore digests();

  /** Tenant administrators' names and password hashes (apart from {@link #adminUsers}). */
  AdminUserStore tenantUsers();

  /** The domains each tenant administrator manages. */
  org.portcullis.tenant.TenantStore tenants();

  /** Whom our users wrote to. */
  org.portcullis.correspondents.CorrespondentStore correspondents();

  /** The retry probes of "test your server" and what reached them. */
  org.portcullis.probe.RetryProbeStore retryProbes();

  /**
   * Deletes refusal records, accepted-message records and traffic minutes older than the retention
   * period; returns how many refusal records went.
   */
  int pruneRefusals(java.time.Instant olderThan);

  @Override
  void close();
}
