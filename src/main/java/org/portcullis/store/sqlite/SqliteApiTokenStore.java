package org.portcullis.store.sqlite;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.portcullis.access.ApiTokenStore;
import org.portcullis.store.StoreException;

/** {@link ApiTokenStore} on SQLite: one connection, used by one thread at a time. */
final class SqliteApiTokenStore implements ApiTokenStore, AutoCloseable {

  private final Connection connection;

  SqliteApiTokenStore(Connection connection) {
    this.connection = connection;
  }

  @Override
  public synchronized boolean add(String name, String hash, Instant created,
      java.util.Set<org.portcullis.access.ApiScope> scopes) {
    try (PreparedStatement p = connection.prepareStatement(
        "INSERT OR IGNORE INTO api_token (name, token_hash, created_at, scopes) VALUES (?, ?, ?, ?)")) {
      p.setString(1, name);
      p.setString(2, hash);
      p.setLong(3, created.toEpochMilli());
      p.setString(4, org.portcullis.access.ApiScope.text(scopes));
      return p.executeUpdate() == 1;
    } catch (SQLException e) {
      throw new StoreException("cannot add the API token " + name + ": " + e.getMessage(), e);
    }
  }

  @Override
  public synchronized Optional<Entry> use(String hash, Instant now) {
    try (PreparedStatement update = connection.prepareStatement(
        "UPDATE api_token SET last_used_at = ? WHERE token_hash = ? RETURNING name, token_hash, created_at, scopes")) {
      update.setLong(1, now.toEpochMilli());
      update.setString(2, hash);
      try (ResultSet rs = update.executeQuery()) {
        if (!rs.next()) {
          return Optional.empty();
        }
        return Optional.of(new Entry(rs.getString(1), rs.getString(2), Instant.ofEpochMilli(rs.getLong(3)),
            Optional.of(now), org.portcullis.access.ApiScope.parse(rs.getString(4))));
      }
    } catch (SQLException e) {
      throw new StoreException("cannot check an API token: " + e.getMessage(), e);
    }
  }

  @Override
  public synchronized List<Entry> list() {
    try (PreparedStatement p = connection.prepareStatement(
        "SELECT name, token_hash, created_at, last_used_at, scopes FROM api_token ORDER BY name");
        ResultSet rs = p.executeQuery()) {
      List<Entry> out = new ArrayList<>();
      while (rs.next()) {
        long used = rs.getLong(4);
        Optional<Instant> lastUsed = rs.wasNull() ? Optional.empty() : Optional.of(Instant.ofEpochMilli(used));
        out.add(new Entry(rs.getString(1), rs.getString(2), Instant.ofEpochMilli(rs.getLong(3)), lastUsed,
            org.portcullis.access.ApiScope.parse(rs.getString(5))));
      }
      return out;
    } catch (SQLException e) {
      throw new StoreException("cannot list API tokens: " + e.getMessage(), e);
    }
  }

  @Override
  public synchronized boolean remove(String name) {
    try (PreparedStatement p = connection.prepareStatement("DELETE FROM api_token WHERE name = ?")) {
      p.setString(1, name);
      return p.executeUpdate() == 1;
    } catch (SQLException e) {
      throw new StoreException("cannot remove the API token " + name + ": " + e.getMessage(), e);
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
