package org.portcullis.store.sqlite;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicLong;
import org.portcullis.policy.Explanation;
import org.portcullis.policy.Fact;
import org.portcullis.policy.Phase;
import org.portcullis.policy.RefusalLog;
import org.portcullis.policy.RefusalRecord;
import org.portcullis.store.StoreException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@link RefusalLog} on SQLite. {@link #record} only queues; a {@link BatchWriter} inserts queued
 * records in batches (gathered for up to 20 ms), one transaction per batch, so a burst of refusals
 * costs one commit, and the
 * SMTP session never waits for the disk. If the queue is full (the disk is far behind), records
 * are dropped with a warning: explanations are worth less than staying up.
 */
final class SqliteRefusalLog implements RefusalLog, AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger("portcullis.store");
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final int READERS_KEPT = 8;
  private static final String INSERT = "INSERT INTO refusal (reference, created_at, server, check_name, phase, "
      + "outcome, reply_code, status, reply_text, client_address, client_name, helo, sender, recipient, facts, rule, fix, "
      + "rule_id, fix_id, links) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '', '', ?, ?, ?) "
      + "ON CONFLICT (reference) DO NOTHING";
  private static final String TEXT_ID = "INSERT INTO explanation_text (text) VALUES (?) "
      + "ON CONFLICT (text) DO UPDATE SET text = excluded.text RETURNING id";
  private static final String SELECT = "SELECT r.*, coalesce(rt.text, r.rule) AS rule_text, "
      + "coalesce(ft.text, r.fix) AS fix_text FROM refusal r LEFT JOIN explanation_text rt ON rt.id = r.rule_id "
      + "LEFT JOIN explanation_text ft ON ft.id = r.fix_id WHERE r.reference = ?";
  /** Texts whose ids the writer remembers (rules and fixes are few; some name a domain or a delay). */
  private static final int TEXT_IDS_MAX = 4096;

  /** Opens a reading connection. */
  interface ConnectionFactory {
    Connection open() throws SQLException;
  }

  private record FactJson(String label, String value) {}

  private record LinkJson(String label, String url) {}

  private final Connection writer;
  private final ConnectionFactory readers;
  /** Reading connections kept open between lookups (the portal's explanation pages read here). */
  private final BlockingQueue<Connection> idleReaders = new ArrayBlockingQueue<>(READERS_KEPT);
  private final BatchWriter<RefusalRecord> batches;
  private final AtomicLong dropped = new AtomicLong();
  /** Explanation texts already stored, with their ids; used only under the writer's lock. */
  private final Map<String, Long> textIds = new LinkedHashMap<>(256, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
      return size() > TEXT_IDS_MAX;
    }
  };

  SqliteRefusalLog(Connection writer, ConnectionFactory readers) {
    this.writer = writer;
    this.readers = readers;
    this.batches = new BatchWriter<>("store-refusal-writer",
        "refusal record(s); they are lost (the log lines remain)", this::insert);
  }

  @Override
  public void record(RefusalRecord record) {
    if (!batches.offer(record) && dropped.incrementAndGet() % 1000 == 1) {
      log.warn("refusal log queue full; dropped {} record(s) so far (reference {})", dropped.get(), record.reference());
    }
  }

  @Override
  public Optional<RefusalRecord> find(String reference) {
    Connection c = idleReaders.poll();
    boolean keep = false;
    try {
      if (c == null) {
        c = readers.open();
      }
      try (PreparedStatement select = c.prepareStatement(SELECT)) {
        select.setString(1, reference.toUpperCase(Locale.ROOT));
        try (ResultSet rows = select.executeQuery()) {
          Optional<RefusalRecord> found = rows.next() ? Optional.of(read(rows)) : Optional.empty();
          keep = true;
          return found;
        }
      }
    } catch (SQLException e) {
      throw new StoreException("cannot read refusal " + reference + ": " + e.getMessage(), e);
    } finally {
      release(c, keep);
    }
  }

  @Override
  public List<ClientCount> topClients(Instant since, int limit) {
    Connection c = idleReaders.poll();
    boolean keep = false;
    try {
      if (c == null) {
        c = readers.open();
      }
      try (PreparedStatement select = c.prepareStatement("SELECT client_address, count(*) AS n FROM refusal "
          + "WHERE created_at >= ? AND outcome IN ('reject', 'tempfail', 'disconnect') GROUP BY client_address "
          + "ORDER BY n DESC LIMIT ?")) {
        select.setLong(1, since.toEpochMilli());
        select.setInt(2, limit);
        try (ResultSet rows = select.executeQuery()) {
          List<ClientCount> out = new ArrayList<>();
          while (rows.next()) {
            out.add(new ClientCount(rows.getString(1), rows.getLong(2)));
          }
          keep = true;
          return out;
        }
      }
    } catch (SQLException e) {
      throw new StoreException("cannot count refusals: " + e.getMessage(), e);
    } finally {
      release(c, keep);
    }
  }

  /** Keeps a reading connection for the next lookup (up to a few), or closes it. */
  private void release(Connection c, boolean healthy) {
    if (c == null) {
      return;
    }
    if (healthy && !batches.closing() && idleReaders.offer(c)) {
      return;
    }
    try {
      c.close();
    } catch (SQLException e) {
      // a broken connection is dropped either way
    }
  }

  @Override
  public void flush() {
    batches.flush();
  }



  private void insert(List<RefusalRecord> batch) throws SQLException {
    synchronized (writer) {
      insertLocked(batch);
    }
  }

  private void insertLocked(List<RefusalRecord> batch) throws SQLException {
    writer.setAutoCommit(false);
    try (PreparedStatement insert = writer.prepareStatement(INSERT);
        PreparedStatement textId = writer.prepareStatement(TEXT_ID)) {
      for (RefusalRecord r : batch) {
        insert.setString(1, r.reference());
        insert.setLong(2, r.time().toEpochMilli());
        insert.setString(3, r.server());
        insert.setString(4, r.check());
        insert.setString(5, r.phase().name());
        insert.setString(6, r.outcome());
        insert.setInt(7, r.replyCode());
        insert.setString(8, r.status());
        insert.setString(9, r.replyText());
        insert.setString(10, r.clientAddress());
        insert.setString(11, r.clientName());
        insert.setString(12, r.helo());
        insert.setString(13, r.sender());
        insert.setString(14, r.recipient());
        insert.setString(15, JSON.writeValueAsString(r.explanation().facts().stream()
            .map(f -> new FactJson(f.label(), f.value())).toList()));
        insert.setLong(16, textId(textId, r.explanation().rule()));
        insert.setLong(17, textId(textId, r.explanation().fix()));
        insert.setString(18, JSON.writeValueAsString(r.explanation().links().stream()
            .map(l -> new LinkJson(l.label(), l.url())).toList()));
        insert.addBatch();
      }
      int[] inserted = insert.executeBatch();
      writer.commit();
      for (int i = 0; i < inserted.length; i++) {
        if (inserted[i] == 0) {
          // References are 80 random bits: this is a broken random source, not bad luck.
          log.warn("refusal reference {} is already taken; this record was not stored", batch.get(i).reference());
        }
      }
    } catch (SQLException | RuntimeException e) {
      writer.rollback();
      textIds.clear(); // ids taken in the rolled-back transaction are gone
      throw e;
    }
  }

  private long textId(PreparedStatement statement, String text) throws SQLException {
    Long known = textIds.get(text);
    if (known != null) {
      return known;
    }
    statement.setString(1, text);
    try (ResultSet rs = statement.executeQuery()) {
      rs.next();
      long id = rs.getLong(1);
      textIds.put(text, id);
      return id;
    }
  }

  /** Deletes explanation texts no refusal record uses any more (after old records were pruned). */
  int pruneTexts() {
    synchronized (writer) {
      try (Statement delete = writer.createStatement()) {
        writer.setAutoCommit(false);
        int removed = delete.executeUpdate("DELETE FROM explanation_text WHERE id NOT IN (SELECT rule_id FROM refusal "
            + "WHERE rule_id IS NOT NULL UNION SELECT fix_id FROM refusal WHERE fix_id IS NOT NULL)");
        writer.commit();
        textIds.clear();
        return removed;
      } catch (SQLException e) {
        try {
          writer.rollback();
        } catch (SQLException ignored) {
          // the transaction is gone with the error
        }
        throw new StoreException("cannot prune explanation texts: " + e.getMessage(), e);
      }
    }
  }

  private static RefusalRecord read(ResultSet row) throws SQLException {
    List<FactJson> facts = JSON.readValue(row.getString("facts"), new TypeReference<List<FactJson>>() {});
    List<LinkJson> links = JSON.readValue(row.getString("links"), new TypeReference<List<LinkJson>>() {});
    Explanation explanation = new Explanation(facts.stream().map(f -> new Fact(f.label(), f.value())).toList(),
        row.getString("rule_text"), row.getString("fix_text"),
        links.stream().map(l -> new Explanation.Link(l.label(), l.url())).toList());
    return new RefusalRecord(row.getString("reference"), Instant.ofEpochMilli(row.getLong("created_at")),
        row.getString("server"), row.getString("check_name"), Phase.valueOf(row.getString("phase")),
        row.getString("outcome"), row.getInt("reply_code"), row.getString("status"), row.getString("reply_text"),
        row.getString("client_address"), row.getString("client_name"), row.getString("helo"),
        row.getString("sender"), row.getString("recipient"), explanation);
  }

  @Override
  public void close() {
    batches.close();
    try {
      writer.close();
      for (Connection c; (c = idleReaders.poll()) != null; ) {
        c.close();
      }
    } catch (SQLException e) {
      log.warn("closing the store", e);
    }
  }
}
