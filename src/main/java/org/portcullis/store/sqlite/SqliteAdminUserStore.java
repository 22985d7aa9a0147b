package org.portcullis.store.sqlite;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.portcullis.access.AdminUserStore;
import org.portcullis.store.StoreException;

/**
 * {@link AdminUserStore} on SQLite: one connection, used by one thread at a time. The admin pages'
 * users are in {@code admin_user}, tenant administrators' in {@code tenant_user}: the same rows, kept
 * apart so one kind of login never opens the other's pages.
 */
final class SqliteAdminUserStore implements AdminUserStore, AutoCloseable {

  private final Connection connection;
  private final String table;

  SqliteAdminUserStore(Connection connection) {
    this(connection, "admin_user");
  }

  /** @param table {@code admin_user} or {@code tenant_user} */
  SqliteAdminUserStore(Connection connection, String table) {
    if (!table.equals("admin_user") && !table.equals("tenant_user")) {
      throw new IllegalArgumentException("no user table " + table);
    }
    this.connection = connection;
    this.table = table;
  }

  @Override
  public synchronized boolean add(String name, String passwordHash, Instant created) {
    try (PreparedStatement p = connection.prepareStatement(
        "INSERT OR IGNORE INTO " + table + " (name, password_hash, created_at) VALUES (?, ?, ?)")) {
      p.setString(1, name);
      p.setString(2, passwordHash);
      p.setLong(3, created.toEpochMilli());
      return p.executeUpdate() == 1;
    } catch (SQLException e) {
      throw new StoreException("cannot add the admin user " + name + ": " + e.getMessage(), e);
    }
  }

  @Override
  public synchronized boolean setPassword(String name, String passwordHash) {
    try (PreparedStatement p = connection.prepareStatement("UPDATE " + table + " SET password_hash = ? WHERE name = ?")) {
      p.setString(1, passwordHash);
      p.setString(2, name);
      return p.executeUpdate() == 1;
    } catch (SQLException e) {
      throw new StoreException("cannot change the password of " + name + ": " + e.getMessage(), e);
    }
  }

  @Override
  public synchronized Optional<User> find(String name) {
    try (PreparedStatement p = connection.prepareStatement(
        "SELECT name, password_hash, created_at FROM " + table + " WHERE name = ?")) {
      p.setString(1, name);
      try (ResultSet rs = p.executeQuery()) {
        return rs.next() ? Optional.of(new User(rs.getString(1), rs.getString(2), Instant.ofEpochMilli(rs.getLong(3))))
            : Optional.empty();
      }
    } catch (SQLException e) {
      throw new StoreException("cannot read admin users: " + e.getMessage(), e);
    }
  }

  @Override
  public synchronized List<User> list() {
    try (PreparedStatement p = connection.prepareStatement(
        "SELECT name, password_hash, created_at FROM " + table + " ORDER BY name"); ResultSet rs = p.executeQuery()) {
      List<User> out = new ArrayList<>();
      while (rs.next()) {
        out.add(new User(rs.getString(1), rs.getString(2), Instant.ofEpochMilli(rs.getLong(3))));
      }
      return out;
    } catch (SQLException e) {
      throw new StoreException("cannot read admin users: " + e.getMessage(), e);
    }
  }

  @Override
  public synchronized boolean remove(String name) {
    try (PreparedStatement p = connection.prepareStatement("DELETE FROM " + table + " WHERE name = ?")) {
      p.setString(1, name);
      return p.executeUpdate() == 1;
    } catch (SQLException e) {
      throw new StoreException("cannot remove the admin user " + name + ": " + e.getMessage(), e);
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
