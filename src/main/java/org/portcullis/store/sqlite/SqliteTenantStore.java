package org.portcullis.store.sqlite;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.portcullis.store.StoreException;
import org.portcullis.tenant.TenantAdmin;
import org.portcullis.tenant.TenantStore;

/** {@link TenantStore} on SQLite ({@code tenant_user}, {@code tenant_domain}): one connection, one thread at a time. */
final class SqliteTenantStore implements TenantStore, AutoCloseable {

  private final Connection connection;

  SqliteTenantStore(Connection connection) {
    this.connection = connection;
  }

  @Override
  public synchronized Optional<TenantAdmin> find(String name) {
    return read("WHERE u.name = ?", name).stream().findFirst();
  }

  @Override
  public synchronized List<TenantAdmin> list() {
    return read("", null);
  }

  private List<TenantAdmin> read(String where, String name) {
    try (PreparedStatement p = connection.prepareStatement("SELECT u.name, u.answers_requests, d.domain FROM tenant_user u "
        + "JOIN tenant_domain d ON d.name = u.name " + where + " ORDER BY u.name, d.domain")) {
      if (name != null) {
        p.setString(1, name);
      }
      Map<String, Set<String>> domains = new LinkedHashMap<>();
      Map<String, Boolean> answers = new LinkedHashMap<>();
      try (ResultSet rs = p.executeQuery()) {
        while (rs.next()) {
          domains.computeIfAbsent(rs.getString(1), k -> new TreeSet<>()).add(rs.getString(3));
          answers.put(rs.getString(1), rs.getInt(2) != 0);
        }
      }
      List<TenantAdmin> out = new ArrayList<>();
      domains.forEach((n, d) -> out.add(new TenantAdmin(n, d, answers.get(n))));
      return out;
    } catch (SQLException e) {
      throw new StoreException("cannot read tenant administrators: " + e.getMessage(), e);
    }
  }

  @Override
  public synchronized boolean save(TenantAdmin admin) {
    try {
      return WriteTransaction.run(connection, () -> {
        try (PreparedStatement p = connection.prepareStatement(
            "UPDATE tenant_user SET answers_requests = ? WHERE name = ?")) {
          p.setInt(1, admin.answersRequests() ? 1 : 0);
          p.setString(2, admin.name());
          if (p.executeUpdate() != 1) {
            return false;
          }
        }
        try (PreparedStatement p = connection.prepareStatement("DELETE FROM tenant_domain WHERE name = ?")) {
          p.setString(1, admin.name());
          p.executeUpdate();
        }
        try (PreparedStatement p = connection.prepareStatement("INSERT INTO tenant_domain (name, domain) VALUES (?, ?)")) {
          for (String domain : admin.domains()) {
            p.setString(1, admin.name());
            p.setString(2, domain);
            p.executeUpdate();
          }
        }
        return true;
      });
    } catch (SQLException e) {
      throw new StoreException("cannot save the tenant administrator " + admin.name() + ": " + e.getMessage(), e);
    }
  }

  @Override
  public synchronized boolean remove(String name) {
    try {
      return WriteTransaction.run(connection, () -> {
        try (PreparedStatement p = connection.prepareStatement("DELETE FROM tenant_domain WHERE name = ?")) {
          p.setString(1, name);
          p.executeUpdate();
        }
        try (PreparedStatement p = connection.prepareStatement("DELETE FROM tenant_user WHERE name = ?")) {
          p.setString(1, name);
          return p.executeUpdate() == 1;
        }
      });
    } catch (SQLException e) {
      throw new StoreException("cannot remove the tenant administrator " + name + ": " + e.getMessage(), e);
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
