package org.portcullis.store.sqlite;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.portcullis.policy.RecipientChoice;
import org.portcullis.store.StoreException;
import org.portcullis.verdicts.ChoiceStore;

/** {@link ChoiceStore} on SQLite: one connection, used by one thread at a time. */
final class SqliteChoiceStore implements ChoiceStore, AutoCloseable {

  private final Connection connection;

  SqliteChoiceStore(Connection connection) {
    this.connection = connection;
  }

  @Override
  public synchronized void set(String scope, String check, RecipientChoice choice, Instant at) {
    try {
      WriteTransaction.run(connection, () -> {
        try (PreparedStatement p = connection.prepareStatement("INSERT INTO recipient_choice (scope, check_name, "
            + "choice, changed) VALUES (?, ?, ?, ?) ON CONFLICT (scope, check_name) DO UPDATE SET choice = "
            + "excluded.choice, changed = excluded.changed")) {
          p.setString(1, scope);
          p.setString(2, check);
          p.setString(3, choice.name());
          p.setLong(4, at.toEpochMilli());
          p.executeUpdate();
        }
        bump();
        return null;
      });
    } catch (SQLException e) {
      throw new StoreException("cannot store the choice of " + scope + " for " + check + ": " + e.getMessage(), e);
    }
  }

  @Override
  public synchronized boolean clear(String scope, String check) {
    try {
      return WriteTransaction.run(connection, () -> {
        int n;
        try (PreparedStatement p = connection.prepareStatement(
            "DELETE FROM recipient_choice WHERE scope = ? AND check_name = ?")) {
          p.setString(1, scope);
          p.setString(2, check);
          n = p.executeUpdate();
        }
        bump();
        return n > 0;
      });
    } catch (SQLException e) {
      throw new StoreException("cannot clear the choice of " + scope + " for " + check + ": " + e.getMessage(), e);
    }
  }

  private void bump() throws SQLException {
    try (PreparedStatement p = connection.prepareStatement(
        "UPDATE recipient_choice_version SET version = version + 1 WHERE id = 1")) {
      p.executeUpdate();
    }
  }

  @Override
  public synchronized List<Row> all() {
    try (PreparedStatement p = connection.prepareStatement(
        "SELECT scope, check_name, choice, changed FROM recipient_choice ORDER BY scope, check_name");
        ResultSet rs = p.executeQuery()) {
      List<Row> out = new ArrayList<>();
      while (rs.next()) {
        out.add(new Row(rs.getString(1), rs.getString(2), RecipientChoice.valueOf(rs.getString(3)),
            Instant.ofEpochMilli(rs.getLong(4))));
      }
      return out;
    } catch (SQLException e) {
      throw new StoreException("cannot read the recipients' choices: " + e.getMessage(), e);
    }
  }

  @Override
  public synchronized long version() {
    try (PreparedStatement p = connection.prepareStatement("SELECT version FROM recipient_choice_version WHERE id = 1");
        ResultSet rs = p.executeQuery()) {
      return rs.next() ? rs.getLong(1) : 0;
    } catch (SQLException e) {
      throw new StoreException("cannot read the recipients' choices: " + e.getMessage(), e);
    }
  }

  @Override
  public synchronized void close() {
    try {
      connection.close();
    } catch (SQLException e) {
      throw new StoreException("cannot close the recipients' choices: " + e.getMessage(), e);
    }
  }
}
