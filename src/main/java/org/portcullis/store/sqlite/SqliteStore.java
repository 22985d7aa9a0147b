package org.portcullis.store.sqlite;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import org.flywaydb.core.Flyway;
import org.portcullis.files.PrivateFiles;
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
import org.portcullis.store.Store;
import org.portcullis.store.StoreException;
import org.portcullis.submission.MailUserStore;
import org.sqlite.SQLiteDataSource;

/**
 * The embedded store: one SQLite file in the data directory, in WAL mode, migrated by Flyway
 * ({@code db/migration/sqlite}). Writes go through one connection owned by a writer thread;
 * reads use their own connections, which WAL lets run beside the writer.
 */
public final class SqliteStore implements Store {

  private final String url;
  private final SqliteRefusalLog refusals;
  private final SqliteBlocklistStore blocklist;
  private final SqliteApiTokenStore apiTokens;
  private final SqliteGreylistStore greylist;
  private final SqliteAccessListStore lists;
  private final SqliteAdminUserStore adminUsers;
  private final SqliteCheckModeStore checkModes;
  private final SqliteTransactionLog transactions;
  private final SqliteTrafficLog traffic;
  private final SqliteMailUserStore mailUsers;
  private final SqliteSourceStore sources;
  private final SqliteOutbox outbox;
  private final SqliteMailboxStore mailboxes;
  private final SqliteDmarcTallyStore dmarcTally;
  private final SqliteDmarcReportStore dmarcReports;
  private final SqliteQuarantineStore quarantine;
  private final SqliteChoiceStore choices;
  private final SqliteDigestStore digests;
  private final SqliteAdminUserStore tenantUsers;
  private final SqliteTenantStore tenants;
  private final SqliteCorrespondentStore correspondents;
  private final SqliteRetryProbeStore retryProbes;

  private SqliteStore(String url, SqliteRefusalLog refusals, SqliteBlocklistStore blocklist,
      SqliteApiTokenStore apiTokens, SqliteGreylistStore greylist, SqliteAccessListStore lists,
      SqliteAdminUserStore adminUsers, SqliteCheckModeStore checkModes, SqliteTransactionLog transactions,
      SqliteTrafficLog traffic, SqliteMailUserStore mailUsers, SqliteSourceStore sources, SqliteOutbox outbox,
      SqliteMailboxStore mailboxes, SqliteDmarcTallyStore dmarcTally, SqliteDmarcReportStore dmarcReports,
      SqliteQuarantineStore quarantine, SqliteChoiceStore choices, SqliteDigestStore digests,
      SqliteAdminUserStore tenantUsers, SqliteTenantStore tenants, SqliteCorrespondentStore correspondents,
      SqliteRetryProbeStore retryProbes) {
    this.correspondents = correspondents;
    this.retryProbes = retryProbes;
    this.tenantUsers = tenantUsers;
    this.tenants = tenants;
    this.dmarcTally = dmarcTally;
    this.dmarcReports = dmarcReports;
    this.quarantine = quarantine;
    this.choices = choices;
    this.digests = digests;
    this.sources = sources;
    this.outbox = outbox;
    this.mailboxes = mailboxes;
    this.traffic = traffic;
    this.mailUsers = mailUsers;
    this.checkModes = checkModes;
    this.transactions = transactions;
    this.lists = lists;
    this.adminUsers = adminUsers;
    this.greylist = greylist;
    this.url = url;
    this.refusals = refusals;
    this.blocklist = blocklist;
    this.apiTokens = apiTokens;
  }

  /**
   * Opens (creating and migrating if needed) {@code file}.
   *
   * @throws StoreException naming the file if it cannot be opened or migrated
   */
  public static SqliteStore open(Path file) {
    try {
      PrivateFiles.createDirectories(file.toAbsolutePath().getParent());
      if (!Files.exists(file)) {
        // An empty file is a new database to SQLite; made 0600 first, its WAL and shared-memory
        // files get the same mode (SQLite copies the database file's).
        PrivateFiles.open(file, java.util.EnumSet.of(java.nio.file.StandardOpenOption.CREATE_NEW,
            java.nio.file.StandardOpenOption.WRITE)).close();
      }
      String url = "jdbc:sqlite:" + file.toAbsolutePath();
      SQLiteDataSource dataSource = new SQLiteDataSource();
      dataSource.setUrl(url);
      Flyway.configure().dataSource(dataSource).locations("classpath:db/migration/sqlite")
          .loggers("slf4j").load().migrate();
      Connection writer = connect(url, BIG_CACHE_KIB);
      return new SqliteStore(url, new SqliteRefusalLog(writer, () -> connect(url)),
          new SqliteBlocklistStore(connect(url), connect(url)), new SqliteApiTokenStore(connect(url)),
          new SqliteGreylistStore(connect(url, BIG_CACHE_KIB)), new SqliteAccessListStore(connect(url)),
          new SqliteAdminUserStore(connect(url)), new SqliteCheckModeStore(connect(url)),
          new SqliteTransactionLog(connect(url), connect(url)), new SqliteTrafficLog(connect(url)),
          new SqliteMailUserStore(connect(url)), new SqliteSourceStore(connect(url)), new SqliteOutbox(connect(url)),
          new SqliteMailboxStore(connect(url)), new SqliteDmarcTallyStore(connect(url)),
          new SqliteDmarcReportStore(connect(url)), new SqliteQuarantineStore(connect(url)),
          new SqliteChoiceStore(connect(url)), new SqliteDigestStore(connect(url)),
          new SqliteAdminUserStore(connect(url), "tenant_user"), new SqliteTenantStore(connect(url)),
          new SqliteCorrespondentStore(connect(url)), new SqliteRetryProbeStore(connect(url)));
    } catch (java.io.IOException e) {
      throw new StoreException("cannot open the store " + file + ": " + PrivateFiles.why(e), e);
    } catch (Exception e) {
      throw new StoreException("cannot open the store " + file + ": " + e.getMessage(), e);
    }
  }

  static Connection connect(String url) throws SQLException {
    return connect(url, 2048);
  }

  /**
   * The connections that write most (refusal records, greylist triplets) insert in random key
   * order into tables of millions of rows; a 64 MiB page cache instead of SQLite's 2 MiB keeps
   * their B-trees' upper pages in memory.
   */
  private static final int BIG_CACHE_KIB = 65_536;

  static Connection connect(String url, int cacheKib) throws SQLException {
    Connection connection = DriverManager.getConnection(url);
    try (Statement s = connection.createStatement()) {
      s.execute("PRAGMA journal_mode=WAL");
      s.execute("PRAGMA synchronous=NORMAL");
      s.execute("PRAGMA busy_timeout=5000");
      s.execute("PRAGMA cache_size=-" + cacheKib);
    }
    return connection;
  }

  @Override
  public DmarcReportStore dmarcReports() {
    return dmarcReports;
  }

  @Override
  public org.portcullis.quarantine.QuarantineStore quarantine() {
    return quarantine;
  }

  @Override
  public org.portcullis.verdicts.ChoiceStore choices() {
    return choices;
  }

  @Override
  public org.portcullis.quarantine.DigestStore digests() {
    return digests;
  }

  @Override
  public AdminUserStore tenantUsers() {
    return tenantUsers;
  }

  @Override
  public org.portcullis.tenant.TenantStore tenants() {
    return tenants;
  }

  @Override
  public org.portcullis.correspondents.CorrespondentStore correspondents() {
    return correspondents;
  }

  @Override
  public org.portcullis.probe.RetryProbeStore retryProbes() {
    return retryProbes;
  }

  @Override
  public DmarcTallyStore dmarcTally() {
    return dmarcTally;
  }

  @Override
  public RefusalLog refusals() {
    return refusals;
  }

  @Override
  public BlocklistStore blocklist() {
    return blocklist;
  }

  @Override
  public GreylistStore greylist() {
    return greylist;
  }

  @Override
  public AccessListStore lists() {
    return lists;
  }

  @Override
  public TransactionLog transactions() {
    return transactions;
  }

  @Override
  public SuspensionStore sourceSuspensions() {
    return sources;
  }

  @Override
  public MailUserStore mailUsers() {
    return mailUsers;
  }

  @Override
  public TrafficLog traffic() {
    return traffic;
  }

  @Override
  public CheckModeStore checkModes() {
    return checkModes;
  }

  @Override
  public AdminUserStore adminUsers() {
    return adminUsers;
  }

  @Override
  public ApiTokenStore apiTokens() {
    return apiTokens;
  }

  @Override
  public Outbox outbox() {
    return outbox;
  }

  @Override
  public MailboxStore mailboxes() {
    return mailboxes;
  }

  @Override
  public int pruneRefusals(Instant olderThan) {
    refusals.flush();
    try (Connection c = connect(url);
        PreparedStatement delete = c.prepareStatement("DELETE FROM refusal WHERE created_at < ?")) {
      delete.setLong(1, olderThan.toEpochMilli());
      int removed = delete.executeUpdate();
      if (removed > 0) {
        refusals.pruneTexts();
      }
      transactions.prune(olderThan);
      traffic.prune(olderThan);
      return removed;
    } catch (SQLException e) {
      throw new StoreException("cannot prune refusal records: " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    dmarcTally.close();
    dmarcReports.close();
    quarantine.close();
    choices.close();
    digests.close();
    tenantUsers.close();
    tenants.close();
    correspondents.close();
    retryProbes.close();
    refusals.close();
    blocklist.close();
    apiTokens.close();
    lists.close();
    adminUsers.close();
    checkModes.close();
    transactions.close();
    traffic.close();
    mailUsers.close();
    sources.close();
    outbox.close();
    mailboxes.close();
    greylist.close();
  }
}
