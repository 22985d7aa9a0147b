package org.portcullis.store.sqlite;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.portcullis.mailbox.Mailbox;
import org.portcullis.mailbox.MailboxStore;
import org.portcullis.store.StoreException;

/** {@link MailboxStore} on SQLite: one connection, used by one thread at a time. */
final class SqliteMailboxStore implements MailboxStore, AutoCloseable {

  private final Connection connection;

  SqliteMailboxStore(Connection connection) {
    this.connection = connection;
  }

  @Override
  public synchronized boolean add(String address, String note, Instant at) {
    try (PreparedStatement p = connection.prepareStatement(
        "INSERT INTO mailbox (address, created_at, note) VALUES (?, ?, ?) ON CONFLICT (address) DO NOTHING")) {
      p.setString(1, address);
      p.setLong(2, at.toEpochMilli());
      p.setString(3, note);
      return p.executeUpdate() == 1;
    } catch (SQLException e) {
      throw new StoreException("cannot add the mailbox " + address + ": " + e.getMessage(), e);
    }
  }

  @Override
  public synchronized boolean remove(String address) {
    try (PreparedStatement p = connection.prepareStatement("DELETE FROM mailbox WHERE address = ?")) {
      p.setString(1, address);
      return p.executeUpdate() == 1;
    } catch (SQLException e) {
      throw new StoreException("cannot remove the mailbox " + address + ": " + e.getMessage(), e);
    }
  }

  @Override
  public synchronized List<Mailbox> mailboxes() {
    try (PreparedStatement p = connection.prepareStatement(
        "SELECT address, created_at, note FROM mailbox ORDER BY address"); ResultSet rs = p.executeQuery()) {
      List<Mailbox> out = new ArrayList<>();
      while (rs.next()) {
        out.add(new Mailbox(rs.getString(1), Instant.ofEpochMilli(rs.getLong(2)), rs.getString(3)));
      }
      return out;
    } catch (SQLException e) {
      throw new StoreException("cannot read mailboxes: " + e.getMessage(), e);
    }
  }

  @Override
  public synchronized Set<String> known() {
    try (PreparedStatement p = connection.prepareStatement(
        "SELECT address FROM mailbox UNION SELECT name FROM mail_user WHERE name LIKE '%_@_%'");
        ResultSet rs = p.executeQuery()) {
      Set<String> out = new HashSet<>();
      while (rs.next()) {
        out.add(rs.getString(1));
      }
      return out;
    } catch (SQLException e) {
      throw new StoreException("cannot read mailboxes: " + e.getMessage(), e);
    }
  }

  @Override
  public synchronized long version() {
    try (PreparedStatement p = connection.prepareStatement("SELECT version FROM mailbox_version WHERE id = 1");
        ResultSet rs = p.executeQuery()) {
      return rs.next() ? rs.getLong(1) : 0;
    } catch (SQLException e) {
      throw new StoreException("cannot read the mailbox version: " + e.getMessage(), e);
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
