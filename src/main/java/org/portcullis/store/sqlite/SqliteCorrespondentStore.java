package org.portcullis.store.sqlite;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import org.portcullis.correspondents.CorrespondentStore;
import org.portcullis.store.StoreException;

/** {@link CorrespondentStore} on SQLite: one connection, used by one thread at a time. */
final class SqliteCorrespondentStore implements CorrespondentStore, AutoCloseable {

  private final Connection connection;

  SqliteCorrespondentStore(Connection connection) {
    this.connection = connection;
  }

  @Override
  public synchronized void wrote(String user, String correspondent, Instant at) {
    try (PreparedStatement p = connection.prepareStatement("INSERT INTO correspondent (user, correspondent, "
        + "last_written) VALUES (?, ?, ?) ON CONFLICT (user, correspondent) DO UPDATE SET last_written = "
        + "excluded.last_written")) {
      p.setString(1, user);
      p.setString(2, correspondent);
      p.setLong(3, at.toEpochMilli());
      p.executeUpdate();
    } catch (SQLException e) {
      throw new StoreException("cannot remember a correspondent: " + e.getMessage(), e);
    }
  }

  @Override
  public synchronized boolean wroteTo(String user, String correspondent, Instant since) {
    try (PreparedStatement p = connection.prepareStatement("SELECT 1 FROM correspondent WHERE user = ? AND "
        + "correspondent = ? AND last_written >= ?")) {
      p.setString(1, user);
      p.setString(2, correspondent);
      p.setLong(3, since.toEpochMilli());
      try (ResultSet rs = p.executeQuery()) {
        return rs.next();
      }
    } catch (SQLException e) {
      throw new StoreException("cannot read the correspondents: " + e.getMessage(), e);
    }
  }

  @Override
  public synchronized void deliveredTo(String address, Instant at) {
    try (PreparedStatement p = connection.prepareStatement("INSERT INTO correspondent_host (address, last_delivered) "
        + "VALUES (?, ?) ON CONFLICT (address) DO UPDATE SET last_delivered = excluded.last_delivered")) {
      p.setString(1, address);
      p.setLong(2, at.toEpochMilli());
      p.executeUpdate();
    } catch (SQLException e) {
      throw new StoreException("cannot remember a mail server delivered to: " + e.getMessage(), e);
    }
  }

  @Override
  public synchronized boolean deliveredToSince(String address, Instant since) {
    try (PreparedStatement p = connection.prepareStatement("SELECT 1 FROM correspondent_host WHERE address = ? AND "
        + "last_delivered >= ?")) {
      p.setString(1, address);
      p.setLong(2, since.toEpochMilli());
      try (ResultSet rs = p.executeQuery()) {
        return rs.next();
      }
    } catch (SQLException e) {
      throw new StoreException("cannot read the mail servers delivered to: " + e.getMessage(), e);
    }
  }

  @Override
  public synchronized int prune(Instant before, long keep) {
    try (PreparedStatement old = connection.prepareStatement("DELETE FROM correspondent WHERE last_written < ?");
        PreparedStatement over = connection.prepareStatement("DELETE FROM correspondent WHERE rowid IN (SELECT rowid "
            + "FROM correspondent ORDER BY last_written DESC LIMIT -1 OFFSET ?)");
        PreparedStatement oldHosts = connection.prepareStatement("DELETE FROM correspondent_host WHERE "
            + "last_delivered < ?");
        PreparedStatement overHosts = connection.prepareStatement("DELETE FROM correspondent_host WHERE rowid IN "
            + "(SELECT rowid FROM correspondent_host ORDER BY last_delivered DESC LIMIT -1 OFFSET ?)")) {
      old.setLong(1, before.toEpochMilli());
      int n = old.executeUpdate();
      over.setLong(1, keep);
      n += over.executeUpdate();
      oldHosts.setLong(1, before.toEpochMilli());
      n += oldHosts.executeUpdate();
      overHosts.setLong(1, keep);
      return n + overHosts.executeUpdate();
    } catch (SQLException e) {
      throw new StoreException("cannot prune the correspondents: " + e.getMessage(), e);
    }
  }

  @Override
  public synchronized long count() {
    try (PreparedStatement p = connection.prepareStatement("SELECT count(*) FROM correspondent");
        ResultSet rs = p.executeQuery()) {
      return rs.next() ? rs.getLong(1) : 0;
    } catch (SQLException e) {
      throw new StoreException("cannot count the correspondents: " + e.getMessage(), e);
    }
  }

  @Override
  public synchronized void close() {
    try {
      connection.close();
    } catch (SQLException e) {
      // closing anyway
    }
  }
}
