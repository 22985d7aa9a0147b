package org.portcullis.store.sqlite;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.portcullis.quarantine.QuarantineEntry;
import org.portcullis.quarantine.QuarantineStore;
import org.portcullis.store.StoreException;

/** {@link QuarantineStore} on SQLite: one connection, used by one thread at a time. */
final class SqliteQuarantineStore implements QuarantineStore, AutoCloseable {

  private static final String COLUMNS = "q.id, q.received, q.client_address, q.sender, q.subject, q.check_name, "
      + "q.reason, q.reference, q.size, q.state, q.changed, q.changed_by";

  private final Connection connection;

  SqliteQuarantineStore(Connection connection) {
    this.connection = connection;
  }

  @Override
  public synchronized void add(QuarantineEntry e) {
    try {
      WriteTransaction.run(connection, () -> {
        try (PreparedStatement p = connection.prepareStatement("INSERT INTO quarantine (id, received, client_address, "
            + "sender, subject, check_name, reason, reference, size, state, changed, changed_by) "
            + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
          p.setString(1, e.id());
          p.setLong(2, e.receivedAt().toEpochMilli());
          p.setString(3, e.clientAddress());
          p.setString(4, e.sender());
          p.setString(5, e.subject());
          p.setString(6, e.check());
          p.setString(7, e.reason());
          p.setString(8, e.reference());
          p.setLong(9, e.size());
          p.setString(10, e.state().name());
          p.setLong(11, e.changedAt().toEpochMilli());
          p.setString(12, e.changedBy());
          p.executeUpdate();
        }
        try (PreparedStatement p = connection.prepareStatement(
            "INSERT INTO quarantine_recipient (id, address, domain) VALUES (?, ?, ?)")) {
          for (String r : e.recipients()) {
            p.setString(1, e.id());
            p.setString(2, r);
            p.setString(3, r.substring(r.lastIndexOf('@') + 1).toLowerCase(Locale.ROOT));
            p.addBatch();
          }
          p.executeBatch();
        }
        return null;
      });
    } catch (SQLException ex) {
      throw new StoreException("cannot record the quarantined message " + e.id() + ": " + ex.getMessage(), ex);
    }
  }

  @Override
  public synchronized Optional<QuarantineEntry> find(String id) {
    List<QuarantineEntry> found = query("SELECT " + COLUMNS + " FROM quarantine q WHERE q.id = ?", List.of(id));
    return found.stream().findFirst();
  }

  @Override
  public synchronized List<QuarantineEntry> list(Optional<String> recipientDomain,
      Optional<QuarantineEntry.State> state, int limit) {
    StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM quarantine q WHERE 1 = 1");
    List<Object> args = new ArrayList<>();
    if (recipientDomain.isPresent()) {
      sql.append(" AND q.id IN (SELECT id FROM quarantine_recipient WHERE domain = ?)");
      args.add(recipientDomain.get().toLowerCase(Locale.ROOT));
    }
    if (state.isPresent()) {
      sql.append(" AND q.state = ?");
      args.add(state.get().name());
    }
    sql.append(" ORDER BY q.received DESC, q.id LIMIT ?");
    args.add(limit);
    return query(sql.toString(), args);
  }

  @Override
  public synchronized boolean transition(String id, QuarantineEntry.State from, QuarantineEntry.State to, Instant at,
      String by) {
    try (PreparedStatement p = connection.prepareStatement(
        "UPDATE quarantine SET state = ?, changed = ?, changed_by = ? WHERE id = ? AND state = ?")) {
      p.setString(1, to.name());
      p.setLong(2, at.toEpochMilli());
      p.setString(3, by);
      p.setString(4, id);
      p.setString(5, from.name());
      return p.executeUpdate() == 1;
    } catch (SQLException e) {
      throw new StoreException("cannot change the quarantined message " + id + ": " + e.getMessage(), e);
    }
  }

  @Override
  public synchronized List<QuarantineEntry> receivedBefore(Instant before, int limit) {
    return query("SELECT " + COLUMNS + " FROM quarantine q WHERE q.received < ? ORDER BY q.received LIMIT ?",
        List.of(before.toEpochMilli(), limit));
  }

  @Override
  public synchronized List<String> heldRecipients() {
    try (PreparedStatement p = connection.prepareStatement(
        "SELECT DISTINCT lower(address) FROM quarantine_recipient WHERE state = 'HELD' ORDER BY 1");
        ResultSet rs = p.executeQuery()) {
      List<String> out = new ArrayList<>();
      while (rs.next()) {
        out.add(rs.getString(1));
      }
      return out;
    } catch (SQLException e) {
      throw new StoreException("cannot read the quarantine: " + e.getMessage(), e);
    }
  }

  @Override
  public synchronized List<QuarantineEntry> heldFor(String recipient, Instant since, int limit) {
    return query("SELECT " + COLUMNS + " FROM quarantine q WHERE q.received > ? AND q.id IN (SELECT id FROM "
        + "quarantine_recipient WHERE lower(address) = lower(?) AND state = 'HELD') ORDER BY q.received, q.id LIMIT ?",
        List.of(since.toEpochMilli(), recipient, limit));
  }

  @Override
  public synchronized List<String> recipientsIn(String id, QuarantineEntry.State state) {
    try (PreparedStatement p = connection.prepareStatement(
        "SELECT address FROM quarantine_recipient WHERE id = ? AND state = ? ORDER BY rowid")) {
      p.setString(1, id);
      p.setString(2, state.name());
      List<String> out = new ArrayList<>();
      try (ResultSet rs = p.executeQuery()) {
        while (rs.next()) {
          out.add(rs.getString(1));
        }
      }
      return out;
    } catch (SQLException e) {
      throw new StoreException("cannot read the quarantine: " + e.getMessage(), e);
    }
  }

  @Override
  public synchronized boolean transitionRecipient(String id, String recipient, QuarantineEntry.State from,
      QuarantineEntry.State to) {
    try (PreparedStatement p = connection.prepareStatement(
        "UPDATE quarantine_recipient SET state = ? WHERE id = ? AND address = ? AND state = ?")) {
      p.setString(1, to.name());
      p.setString(2, id);
      p.setString(3, recipient);
      p.setString(4, from.name());
      return p.executeUpdate() > 0;
    } catch (SQLException e) {
      throw new StoreException("cannot change the quarantined message " + id + ": " + e.getMessage(), e);
    }
  }

  @Override
  public synchronized QuarantineEntry.State settle(String id, Instant at, String by) {
    try {
      return WriteTransaction.run(connection, () -> {
        java.util.Set<String> states = new java.util.HashSet<>();
        try (PreparedStatement p = connection.prepareStatement(
            "SELECT DISTINCT state FROM quarantine_recipient WHERE id = ?")) {
          p.setString(1, id);
          try (ResultSet rs = p.executeQuery()) {
            while (rs.next()) {
              states.add(rs.getString(1));
            }
          }
        }
        QuarantineEntry.State state = states.contains("HELD") ? QuarantineEntry.State.HELD
            : states.contains("RELEASING") ? QuarantineEntry.State.RELEASING
            : states.contains("RELEASED") ? QuarantineEntry.State.RELEASED : QuarantineEntry.State.DELETED;
        try (PreparedStatement p = connection.prepareStatement(
            "UPDATE quarantine SET state = ?, changed = ?, changed_by = ? WHERE id = ? AND state <> ?")) {
          p.setString(1, state.name());
          p.setLong(2, at.toEpochMilli());
          p.setString(3, by);
          p.setString(4, id);
          p.setString(5, state.name());
          p.executeUpdate();
        }
        return state;
      });
    } catch (SQLException e) {
      throw new StoreException("cannot change the quarantined message " + id + ": " + e.getMessage(), e);
    }
  }

  @Override
  public synchronized long count(QuarantineEntry.State state) {
    try (PreparedStatement p = connection.prepareStatement("SELECT count(*) FROM quarantine WHERE state = ?")) {
      p.setString(1, state.name());
      try (ResultSet rs = p.executeQuery()) {
        return rs.next() ? rs.getLong(1) : 0;
      }
    } catch (SQLException e) {
      throw new StoreException("cannot count the quarantine: " + e.getMessage(), e);
    }
  }

  @Override
  public synchronized void remove(String id) {
    try {
      WriteTransaction.run(connection, () -> {
        for (String table : List.of("quarantine_recipient", "quarantine")) {
          try (PreparedStatement p = connection.prepareStatement("DELETE FROM " + table + " WHERE id = ?")) {
            p.setString(1, id);
            p.executeUpdate();
          }
        }
        return null;
      });
    } catch (SQLException e) {
      throw new StoreException("cannot remove the quarantined message " + id + ": " + e.getMessage(), e);
    }
  }

  private List<QuarantineEntry> query(String sql, List<?> args) {
    try (PreparedStatement p = connection.prepareStatement(sql)) {
      for (int i = 0; i < args.size(); i++) {
        p.setObject(i + 1, args.get(i));
      }
      List<QuarantineEntry> out = new ArrayList<>();
      try (ResultSet rs = p.executeQuery()) {
        while (rs.next()) {
          out.add(new QuarantineEntry(rs.getString(1), Instant.ofEpochMilli(rs.getLong(2)), rs.getString(3),
              rs.getString(4), List.of(), rs.getString(5), rs.getString(6), rs.getString(7), rs.getString(8),
              rs.getLong(9), QuarantineEntry.State.valueOf(rs.getString(10)), Instant.ofEpochMilli(rs.getLong(11)),
              rs.getString(12)));
        }
      }
      List<QuarantineEntry> withRecipients = new ArrayList<>(out.size());
      try (PreparedStatement r = connection.prepareStatement(
          "SELECT address FROM quarantine_recipient WHERE id = ? ORDER BY rowid")) {
        for (QuarantineEntry e : out) {
          r.setString(1, e.id());
          List<String> recipients = new ArrayList<>();
          try (ResultSet rs = r.executeQuery()) {
            while (rs.next()) {
              recipients.add(rs.getString(1));
            }
          }
          withRecipients.add(new QuarantineEntry(e.id(), e.receivedAt(), e.clientAddress(), e.sender(), recipients,
              e.subject(), e.check(), e.reason(), e.reference(), e.size(), e.state(), e.changedAt(), e.changedBy()));
        }
      }
      return withRecipients;
    } catch (SQLException e) {
      throw new StoreException("cannot read the quarantine: " + e.getMessage(), e);
    }
  }

  @Override
  public synchronized void close() {
    try {
      connection.close();
    } catch (SQLException e) {
      throw new StoreException("cannot close the quarantine: " + e.getMessage(), e);
    }
  }
}
