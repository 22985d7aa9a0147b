package org.portcullis.store.sqlite;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.portcullis.history.TrafficLog;
import org.portcullis.store.StoreException;

/** {@link TrafficLog} on SQLite: one connection, used by one thread at a time. */
final class SqliteTrafficLog implements TrafficLog, AutoCloseable {

  private final Connection connection;

  SqliteTrafficLog(Connection connection) {
    this.connection = connection;
  }

  @Override
  public synchronized void save(Minute minute) {
    try {
      WriteTransaction.run(connection, () -> {
        try (PreparedStatement p = connection.prepareStatement(
            "INSERT OR REPLACE INTO traffic_minute (minute, series, count) VALUES (?, ?, ?)")) {
          for (Map.Entry<String, Long> e : minute.counts().entrySet()) {
            p.setLong(1, minute.at().getEpochSecond());
            p.setString(2, e.getKey());
            p.setLong(3, e.getValue());
            p.addBatch();
          }
          return p.executeBatch();
        }
      });
    } catch (SQLException e) {
      throw new StoreException("cannot save the traffic of " + minute.at() + ": " + e.getMessage(), e);
    }
  }

  @Override
  public synchronized List<Minute> since(Instant since) {
    try (PreparedStatement p = connection.prepareStatement(
        "SELECT minute, series, count FROM traffic_minute WHERE minute >= ? ORDER BY minute")) {
      p.setLong(1, since.getEpochSecond());
      List<Minute> out = new ArrayList<>();
      try (ResultSet rs = p.executeQuery()) {
        long current = Long.MIN_VALUE;
        Map<String, Long> counts = null;
        while (rs.next()) {
          if (rs.getLong(1) != current) {
            current = rs.getLong(1);
            counts = new LinkedHashMap<>();
            out.add(new Minute(Instant.ofEpochSecond(current), counts));
          }
          counts.put(rs.getString(2), rs.getLong(3));
        }
      }
      return out;
    } catch (SQLException e) {
      throw new StoreException("cannot read the traffic: " + e.getMessage(), e);
    }
  }

  @Override
  public synchronized int prune(Instant olderThan) {
    try (PreparedStatement p = connection.prepareStatement("DELETE FROM traffic_minute WHERE minute < ?")) {
      p.setLong(1, olderThan.getEpochSecond());
      return p.executeUpdate();
    } catch (SQLException e) {
      throw new StoreException("cannot prune the traffic: " + e.getMessage(), e);
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
