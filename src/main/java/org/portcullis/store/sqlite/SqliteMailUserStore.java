package org.portcullis.store.sqlite;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.portcullis.store.StoreException;
import org.portcullis.submission.MailUser;
import org.portcullis.submission.MailUserStore;

/** {@link MailUserStore} on SQLite: one connection, used by one thread at a time. */
final class SqliteMailUserStore implements MailUserStore, AutoCloseable {

  private static final String COLUMNS = "name, password_hash, senders, any_sender, created_at";

  private final Connection connection;

  SqliteMailUserStore(Connection connection) {
    this.connection = connection;
  }

  @Override
  public synchronized boolean add(MailUser user) {
    try (PreparedStatement p = connection.prepareStatement(
        "INSERT OR IGNORE INTO mail_user (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?)")) {
      p.setString(1, user.name());
      p.setString(2, user.passwordHash());
      p.setString(3, String.join("\n", user.senders()));
      p.setInt(4, user.anySender() ? 1 : 0);
      p.setLong(5, user.created().toEpochMilli());
      return p.executeUpdate() == 1;
    } catch (SQLException e) {
      throw new StoreException("cannot add the user " + user.name() + ": " + e.getMessage(), e);
    }
  }

  @Override
  public synchronized boolean setPassword(String name, String passwordHash) {
    try (PreparedStatement p = connection.prepareStatement("UPDATE mail_user SET password_hash = ? WHERE name = ?")) {
      p.setString(1, passwordHash);
      p.setString(2, name);
      return p.executeUpdate() == 1;
    } catch (SQLException e) {
      throw new StoreException("cannot change the password of " + name + ": " + e.getMessage(), e);
    }
  }

  @Override
  public synchronized boolean setSenders(String name, List<String> senders, boolean anySender) {
    try (PreparedStatement p = connection.prepareStatement(
        "UPDATE mail_user SET senders = ?, any_sender = ? WHERE name = ?")) {
      p.setString(1, String.join("\n", senders));
      p.setInt(2, anySender ? 1 : 0);
      p.setString(3, name);
      return p.executeUpdate() == 1;
    } catch (SQLException e) {
      throw new StoreException("cannot change the senders of " + name + ": " + e.getMessage(), e);
    }
  }

  @Override
  public synchronized Optional<MailUser> find(String name) {
    try (PreparedStatement p = connection.prepareStatement("SELECT " + COLUMNS + " FROM mail_user WHERE name = ?")) {
      p.setString(1, name);
      try (ResultSet rs = p.executeQuery()) {
        return rs.next() ? Optional.of(user(rs)) : Optional.empty();
      }
    } catch (SQLException e) {
      throw new StoreException("cannot read users: " + e.getMessage(), e);
    }
  }

  @Override
  public synchronized List<MailUser> list() {
    try (PreparedStatement p = connection.prepareStatement("SELECT " + COLUMNS + " FROM mail_user ORDER BY name");
        ResultSet rs = p.executeQuery()) {
      List<MailUser> out = new ArrayList<>();
      while (rs.next()) {
        out.add(user(rs));
      }
      return out;
    } catch (SQLException e) {
      throw new StoreException("cannot read users: " + e.getMessage(), e);
    }
  }

  @Override
  public synchronized boolean remove(String name) {
    try (PreparedStatement p = connection.prepareStatement("DELETE FROM mail_user WHERE name = ?")) {
      p.setString(1, name);
      return p.executeUpdate() == 1;
    } catch (SQLException e) {
      throw new StoreException("cannot remove the user " + name + ": " + e.getMessage(), e);
    }
  }

  private static MailUser user(ResultSet rs) throws SQLException {
    String senders = rs.getString(3);
    return new MailUser(rs.getString(1), rs.getString(2),
        senders.isEmpty() ? List.of() : Arrays.asList(senders.split("\n")), rs.getInt(4) == 1,
        Instant.ofEpochMilli(rs.getLong(5)));
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
