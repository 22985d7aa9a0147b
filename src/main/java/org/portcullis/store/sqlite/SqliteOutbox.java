package org.portcullis.store.sqlite;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.portcullis.notices.Notice;
import org.portcullis.notices.Outbox;
import org.portcullis.store.StoreException;

/** {@link Outbox} on SQLite: one connection, used by one thread at a time. */
final class SqliteOutbox implements Outbox, AutoCloseable {

  private static final String COLUMNS = "id, created_at, recipient, subject, body, sent_at";

  private final Connection connection;

  SqliteOutbox(Connection connection) {
    this.connection = connection;
  }

  @Override
  public synchronized long add(String recipient, String subject, String body, Instant at) {
    try (PreparedStatement p = connection.prepareStatement(
        "INSERT INTO notice (created_at, recipient, subject, body) VALUES (?, ?, ?, ?) RETURNING id")) {
      p.setLong(1, at.toEpochMilli());
      p.setString(2, recipient);
      p.setString(3, subject);
      p.setString(4, body);
      try (ResultSet rs = p.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    } catch (SQLException e) {
      throw new StoreException("cannot store a notice: " + e.getMessage(), e);
    }
  }

  @Override
  public synchronized List<Notice> pending(int limit) {
    return select("WHERE sent_at IS NULL ORDER BY id LIMIT ?", p -> p.setInt(1, limit));
  }

  @Override
  public synchronized List<Notice> to(String recipient, int limit) {
    return select("WHERE recipient = ? ORDER BY id DESC LIMIT ?", p -> {
      p.setString(1, recipient);
      p.setInt(2, limit);
    });
  }

  @Override
  public synchronized void sent(long id, String queueId, Instant at) {
    try (PreparedStatement p = connection.prepareStatement("UPDATE notice SET sent_at = ?, queue_id = ? WHERE id = ?")) {
      p.setLong(1, at.toEpochMilli());
      p.setString(2, queueId);
      p.setLong(3, id);
      p.executeUpdate();
    } catch (SQLException e) {
      throw new StoreException("cannot mark notice " + id + " sent: " + e.getMessage(), e);
    }
  }

  private List<Notice> select(String rest, Binder binder) {
    try (PreparedStatement p = connection.prepareStatement("SELECT " + COLUMNS + " FROM notice " + rest)) {
      binder.bind(p);
      try (ResultSet rs = p.executeQuery()) {
        List<Notice> out = new ArrayList<>();
        while (rs.next()) {
          long sent = rs.getLong(6);
          Optional<Instant> sentAt = rs.wasNull() ? Optional.empty() : Optional.of(Instant.ofEpochMilli(sent));
          out.add(new Notice(rs.getLong(1), Instant.ofEpochMilli(rs.getLong(2)), rs.getString(3), rs.getString(4),
              rs.getString(5), sentAt));
        }
        return out;
      }
    } catch (SQLException e) {
      throw new StoreException("cannot read notices: " + e.getMessage(), e);
    }
  }

  @Override
  public synchronized void close() {
    try {
      connection.close();
    } catch (SQLException e) {
      // closing at shutdown
    }
  }
}
