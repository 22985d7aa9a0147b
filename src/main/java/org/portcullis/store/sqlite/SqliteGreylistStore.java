package org.portcullis.store.sqlite;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiConsumer;
import org.portcullis.greylist.GreylistEntry;
import org.portcullis.greylist.GreylistStore;
import org.portcullis.greylist.Triplet;
import org.portcullis.store.StoreException;

/** {@link GreylistStore} on SQLite: one connection, one transaction per batch of writes. */
final class SqliteGreylistStore implements GreylistStore, AutoCloseable {

  private final Connection connection;

  SqliteGreylistStore(Connection connection) {
    this.connection = connection;
  }

  @Override
  public synchronized void saveAll(Map<Triplet, GreylistEntry> entries) {
    if (entries.isEmpty()) {
      return;
    }
    try {
      WriteTransaction.run(connection, () -> {
        try (PreparedStatement p = connection.prepareStatement("INSERT INTO greylist_triplet (client, sender, "
            + "recipient, first_seen, last_seen, passed_at, attempts) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT "
            + "(client, sender, recipient) DO UPDATE SET first_seen = excluded.first_seen, last_seen = "
            + "excluded.last_seen, passed_at = excluded.passed_at, attempts = excluded.attempts")) {
          for (Map.Entry<Triplet, GreylistEntry> entry : entries.entrySet()) {
            Triplet t = entry.getKey();
            GreylistEntry e = entry.getValue();
            p.setString(1, t.client());
            p.setString(2, t.sender());
            p.setString(3, t.recipient());
            p.setLong(4, e.firstSeen().toEpochMilli());
            p.setLong(5, e.lastSeen().toEpochMilli());
            if (e.passed().isPresent()) {
              p.setLong(6, e.passed().get().toEpochMilli());
            } else {
              p.setNull(6, Types.INTEGER);
            }
            p.setInt(7, e.attempts());
            p.addBatch();
          }
          p.executeBatch();
        }
        return null;
      });
    } catch (SQLException e) {
      throw new StoreException("cannot write the greylist: " + e.getMessage(), e);
    }
  }

  @Override
  public synchronized long count() {
    try (PreparedStatement p = connection.prepareStatement("SELECT count(*) FROM greylist_triplet");
        ResultSet rs = p.executeQuery()) {
      return rs.next() ? rs.getLong(1) : 0;
    } catch (SQLException e) {
      throw new StoreException("cannot read the greylist: " + e.getMessage(), e);
    }
  }

  @Override
  public synchronized void forEach(BiConsumer<Triplet, GreylistEntry> each) {
    try (PreparedStatement p = connection.prepareStatement("SELECT client, sender, recipient, first_seen, last_seen, "
        + "passed_at, attempts FROM greylist_triplet");
        ResultSet rs = p.executeQuery()) {
      while (rs.next()) {
        long passed = rs.getLong(6);
        Optional<Instant> passedAt = rs.wasNull() ? Optional.empty() : Optional.of(Instant.ofEpochMilli(passed));
        each.accept(new Triplet(rs.getString(1), rs.getString(2), rs.getString(3)), new GreylistEntry(
            Instant.ofEpochMilli(rs.getLong(4)), Instant.ofEpochMilli(rs.getLong(5)), passedAt, rs.getInt(7)));
      }
    } catch (SQLException e) {
      throw new StoreException("cannot read the greylist: " + e.getMessage(), e);
    }
  }

  @Override
  public synchronized Optional<GreylistEntry> find(Triplet triplet) {
    try {
      return select(triplet);
    } catch (SQLException e) {
      throw new StoreException("cannot read the greylist: " + e.getMessage(), e);
    }
  }

  private Optional<GreylistEntry> select(Triplet t) throws SQLException {
    try (PreparedStatement p = connection.prepareStatement("SELECT first_seen, last_seen, passed_at, attempts "
        + "FROM greylist_triplet WHERE client = ? AND sender = ? AND recipient = ?")) {
      p.setString(1, t.client());
      p.setString(2, t.sender());
      p.setString(3, t.recipient());
      try (ResultSet rs = p.executeQuery()) {
        if (!rs.next()) {
          return Optional.empty();
        }
        long passed = rs.getLong(3);
        Optional<Instant> passedAt = rs.wasNull() ? Optional.empty() : Optional.of(Instant.ofEpochMilli(passed));
        return Optional.of(new GreylistEntry(Instant.ofEpochMilli(rs.getLong(1)), Instant.ofEpochMilli(rs.getLong(2)),
            passedAt, rs.getInt(4)));
      }
    }
  }

  @Override
  public synchronized int clientPasses(String client, Instant since) {
    try (PreparedStatement p = connection.prepareStatement("SELECT count(*) FROM greylist_triplet "
        + "WHERE client = ? AND last_seen >= ? AND passed_at IS NOT NULL")) {
      p.setString(1, client);
      p.setLong(2, since.toEpochMilli());
      try (ResultSet rs = p.executeQuery()) {
        rs.next();
        return rs.getInt(1);
      }
    } catch (SQLException e) {
      throw new StoreException("cannot read the greylist: " + e.getMessage(), e);
    }
  }

  @Override
  public synchronized java.util.List<GreylistEntry> history(String client, Instant since, int limit) {
    try (PreparedStatement p = connection.prepareStatement("SELECT first_seen, last_seen, passed_at, attempts FROM "
        + "greylist_triplet WHERE client = ? AND last_seen >= ? ORDER BY last_seen DESC LIMIT ?")) {
      p.setString(1, client);
      p.setLong(2, since.toEpochMilli());
      p.setInt(3, limit);
      java.util.List<GreylistEntry> out = new java.util.ArrayList<>();
      try (ResultSet rs = p.executeQuery()) {
        while (rs.next()) {
          long passed = rs.getLong(3);
          Optional<Instant> passedAt = rs.wasNull() ? Optional.empty() : Optional.of(Instant.ofEpochMilli(passed));
          out.add(new GreylistEntry(Instant.ofEpochMilli(rs.getLong(1)), Instant.ofEpochMilli(rs.getLong(2)), passedAt,
              rs.getInt(4)));
        }
      }
      return out;
    } catch (SQLException e) {
      throw new StoreException("cannot read the greylist: " + e.getMessage(), e);
    }
  }

  @Override
  public synchronized int prune(Instant before) {
    try (PreparedStatement p = connection.prepareStatement("DELETE FROM greylist_triplet WHERE last_seen < ?")) {
      p.setLong(1, before.toEpochMilli());
      return p.executeUpdate();
    } catch (SQLException e) {
      throw new StoreException("cannot prune the greylist: " + e.getMessage(), e);
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
