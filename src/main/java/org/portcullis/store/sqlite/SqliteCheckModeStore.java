package org.portcullis.store.sqlite;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.portcullis.policy.CheckMode;
import org.portcullis.policy.CheckModeStore;
import org.portcullis.store.StoreException;

/** {@link CheckModeStore} on SQLite: one connection, used by one thread at a time. */
final class SqliteCheckModeStore implements CheckModeStore, AutoCloseable {

  private final Connection connection;

  SqliteCheckModeStore(Connection connection) {
    this.connection = connection;
  }

  @Override
  public synchronized Map<String, CheckMode> load() {
    try (PreparedStatement p = connection.prepareStatement("SELECT name, mode FROM check_mode");
        ResultSet rs = p.executeQuery()) {
      Map<String, CheckMode> out = new TreeMap<>();
      while (rs.next()) {
        out.put(rs.getString(1), CheckMode.valueOf(rs.getString(2).toUpperCase(Locale.ROOT)));
      }
      return out;
    } catch (SQLException e) {
      throw new StoreException("cannot read check modes: " + e.getMessage(), e);
    }
  }

  @Override
  public synchronized void save(String check, Optional<CheckMode> mode, String by, Instant at) {
    try (PreparedStatement p = mode.isEmpty() ? connection.prepareStatement("DELETE FROM check_mode WHERE name = ?")
        : connection.prepareStatement("INSERT INTO check_mode (name, mode, changed_by, changed_at) VALUES (?, ?, ?, ?) "
            + "ON CONFLICT (name) DO UPDATE SET mode = excluded.mode, changed_by = excluded.changed_by, "
            + "changed_at = excluded.changed_at")) {
      p.setString(1, check);
      if (mode.isPresent()) {
        p.setString(2, mode.get().name().toLowerCase(Locale.ROOT));
        p.setString(3, by);
        p.setLong(4, at.toEpochMilli());
      }
      p.executeUpdate();
    } catch (SQLException e) {
      throw new StoreException("cannot save the mode of " + check + ": " + e.getMessage(), e);
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
