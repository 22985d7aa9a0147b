package org.portcullis.store.sqlite;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.portcullis.history.Transaction;
import org.portcullis.history.TransactionLog;
import org.portcullis.history.TransactionSearch;
import org.portcullis.store.StoreException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link TransactionLog} on SQLite: accepted messages are queued and written in batches by a
 * {@link BatchWriter} (a session never waits for this disk write; the message itself is already in the spool);
 * a search reads them together with the refusal records.
 */
final class SqliteTransactionLog implements TransactionLog, AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger("portcullis.store");
  private static final String SEARCH = "SELECT * FROM ("
      + "SELECT created_at, client_address, client_name, helo, sender, recipients, 'accepted' AS verdict, "
      + "queue_id AS reference, '' AS check_name, size || ' bytes' AS detail FROM accepted_message WHERE created_at >= ? "
      + "UNION ALL SELECT created_at, client_address, client_name, helo, sender, recipient, CASE "
      + "WHEN outcome = 'tempfail' AND check_name = 'greylist' THEN 'greylisted' WHEN outcome = 'tempfail' THEN 'deferred' "
      + "ELSE 'refused' END, reference, check_name, reply_text FROM refusal WHERE created_at >= ? "
      + "AND outcome IN ('reject', 'tempfail', 'disconnect')) "
      + "WHERE (? IS NULL OR client_address = ?) AND (? IS NULL OR instr(lower(sender), lower(?)) > 0) "
      + "AND (? IS NULL OR instr(lower(recipients), lower(?)) > 0) AND (? IS NULL OR verdict = ?) "
      + "ORDER BY created_at DESC LIMIT ?";

  private final Connection writer;
  private final Connection reader;
  private final BatchWriter<Transaction> batches;

  SqliteTransactionLog(Connection writer, Connection reader) {
    this.writer = writer;
    this.reader = reader;
    this.batches = new BatchWriter<>("store-transaction-writer",
        "accepted-message record(s); the messages themselves are safe", this::insert);
  }

  @Override
  public void accepted(Transaction transaction) {
    batches.offer(transaction); // if the queue is full, the record is skipped: the message is in the spool
  }

  @Override
  public synchronized List<Transaction> search(TransactionSearch s) {
    try (PreparedStatement p = reader.prepareStatement(SEARCH)) {
      int i = 1;
      p.setLong(i++, s.since().toEpochMilli());
      p.setLong(i++, s.since().toEpochMilli());
      for (Optional<String> value : List.of(s.client(), s.sender(), s.recipient(), s.verdict())) {
        for (int twice = 0; twice < 2; twice++) { // "(? IS NULL OR column = ?)": the same value twice
          if (value.isPresent()) {
            p.setString(i++, value.get());
          } else {
            p.setNull(i++, Types.VARCHAR);
          }
        }
      }
      p.setInt(i, s.limit());
      try (ResultSet rs = p.executeQuery()) {
        List<Transaction> out = new ArrayList<>();
        while (rs.next()) {
          out.add(new Transaction(Instant.ofEpochMilli(rs.getLong(1)), rs.getString(2), rs.getString(3), rs.getString(4),
              rs.getString(5), rs.getString(6), rs.getString(7), rs.getString(8), rs.getString(9), rs.getString(10)));
        }
        return out;
      }
    } catch (SQLException e) {
      throw new StoreException("cannot search transactions: " + e.getMessage(), e);
    }
  }

  @Override
  public void flush() {
    batches.flush();
  }

  private void insert(List<Transaction> batch) throws SQLException {
    WriteTransaction.run(writer, () -> {
      try (PreparedStatement p = writer.prepareStatement("INSERT OR REPLACE INTO accepted_message (queue_id, "
          + "created_at, client_address, client_name, helo, sender, recipients, size) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
        for (Transaction t : batch) {
          p.setString(1, t.reference());
          p.setLong(2, t.at().toEpochMilli());
          p.setString(3, t.clientAddress());
          p.setString(4, t.clientName());
          p.setString(5, t.helo());
          p.setString(6, t.sender());
          p.setString(7, t.recipients());
          p.setLong(8, parseSize(t.detail()));
          p.executeUpdate();
        }
      }
      return null;
    });
  }

  private static long parseSize(String detail) {
    try {
      return Long.parseLong(detail);
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  /** Deletes accepted-message records older than {@code before}; returns how many. */
  synchronized int prune(Instant before) {
    try (PreparedStatement p = reader.prepareStatement("DELETE FROM accepted_message WHERE created_at < ?")) {
      p.setLong(1, before.toEpochMilli());
      return p.executeUpdate();
    } catch (SQLException e) {
      throw new StoreException("cannot prune accepted-message records: " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    batches.close();
    try {
      writer.close();
      reader.close();
    } catch (SQLException e) {
      log.warn("closing the store", e);
    }
  }
}
