package org.portcullis.store.sqlite;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Optional;
import org.portcullis.quarantine.DigestSettings;
import org.portcullis.quarantine.DigestStore;
import org.portcullis.store.StoreException;

/** {@link DigestStore} on SQLite: one connection, used by one thread at a time. */
final class SqliteDigestStore implements DigestStore, AutoCloseable {

  private final Connection connection;

  SqliteDigestStore(Connection connection) {
    this.connection = connection;
  }

  @Override
  public synchronized Optional<DigestSettings> settings(String mailbox) {
    try (PreparedStatement p = connection.prepareStatement(
        "SELECT schedule, format FROM quarantine_digest WHERE mailbox = ?")) {
      p.setString(1, mailbox);
      try (ResultSet rs = p.executeQuery()) {
        return rs.next() ? Optional.of(new DigestSettings(DigestSettings.Schedule.valueOf(rs.getString(1)),
            rs.getString(2).equals("html"))) : Optional.empty();
      }
    } catch (SQLException e) {
      throw new StoreException("cannot read the digest settings: " + e.getMessage(), e);
    }
  }

  @Override
  public synchronized void set(String mailbox, DigestSettings settings) {
    update("INSERT INTO quarantine_digest (mailbox, schedule, format) VALUES (?, ?, ?) ON CONFLICT (mailbox) "
        + "DO UPDATE SET schedule = excluded.schedule, format = excluded.format", mailbox,
        settings.schedule().name(), settings.html() ? "html" : "text");
  }

  @Override
  public synchronized java.util.SortedMap<String, DigestSettings> settingsAt(String domain) {
    java.util.SortedMap<String, DigestSettings> out = new java.util.TreeMap<>();
    // A suffix comparison, not LIKE: a domain's '_' must not match any character.
    try (PreparedStatement p = connection.prepareStatement("SELECT mailbox, schedule, format FROM quarantine_digest "
        + "WHERE length(mailbox) > length(?) + 1 AND substr(mailbox, length(mailbox) - length(?)) = ? LIMIT 10000")) {
      p.setString(1, domain);
      p.setString(2, domain);
      p.setString(3, "@" + domain);
      try (ResultSet rs = p.executeQuery()) {
        while (rs.next()) {
          out.put(rs.getString(1), new DigestSettings(DigestSettings.Schedule.valueOf(rs.getString(2)),
              rs.getString(3).equals("html")));
        }
      }
    } catch (SQLException e) {
      throw new StoreException("cannot read the digest settings: " + e.getMessage(), e);
    }
    return out;
  }

  @Override
  public synchronized Optional<Instant> lastSent(String mailbox) {
    try (PreparedStatement p = connection.prepareStatement("SELECT last_sent FROM quarantine_digest WHERE mailbox = ?")) {
      p.setString(1, mailbox);
      try (ResultSet rs = p.executeQuery()) {
        if (rs.next()) {
          long at = rs.getLong(1);
          return rs.wasNull() ? Optional.empty() : Optional.of(Instant.ofEpochMilli(at));
        }
        return Optional.empty();
      }
    } catch (SQLException e) {
      throw new StoreException("cannot read the digest settings: " + e.getMessage(), e);
    }
  }

  @Override
  public synchronized void sent(String mailbox, Instant at) {
    update("INSERT INTO quarantine_digest (mailbox, schedule, format, last_sent) VALUES (?, 'DAILY', 'html', ?) "
        + "ON CONFLICT (mailbox) DO UPDATE SET last_sent = excluded.last_sent", mailbox, at.toEpochMilli());
  }

  @Override
  public synchronized void addLink(String tokenHash, Link link) {
    update("INSERT INTO quarantine_link (token_hash, mailbox, entry, action, expires) VALUES (?, ?, ?, ?, ?)",
        tokenHash, link.mailbox(), link.entry(), link.action(), link.expires().toEpochMilli());
  }

  @Override
  public synchronized Optional<Link> link(String tokenHash) {
    try (PreparedStatement p = connection.prepareStatement(
        "SELECT mailbox, entry, action, expires, used FROM quarantine_link WHERE token_hash = ?")) {
      p.setString(1, tokenHash);
      try (ResultSet rs = p.executeQuery()) {
        return rs.next() ? Optional.of(new Link(rs.getString(1), rs.getString(2), rs.getString(3),
            Instant.ofEpochMilli(rs.getLong(4)), rs.getInt(5) != 0)) : Optional.empty();
      }
    } catch (SQLException e) {
      throw new StoreException("cannot read the quarantine links: " + e.getMessage(), e);
    }
  }

  @Override
  public synchronized boolean use(String tokenHash) {
    return update("UPDATE quarantine_link SET used = 1 WHERE token_hash = ? AND used = 0", tokenHash) == 1;
  }

  @Override
  public synchronized int pruneLinks(Instant before) {
    return update("DELETE FROM quarantine_link WHERE expires < ?", before.toEpochMilli());
  }

  private int update(String sql, Object... args) {
    try (PreparedStatement p = connection.prepareStatement(sql)) {
      for (int i = 0; i < args.length; i++) {
        p.setObject(i + 1, args[i]);
      }
      return p.executeUpdate();
    } catch (SQLException e) {
      throw new StoreException("cannot change the digest settings or links: " + e.getMessage(), e);
    }
  }

  @Override
  public synchronized void close() {
    try {
      connection.close();
    } catch (SQLException e) {
      throw new StoreException("cannot close the digest store: " + e.getMessage(), e);
    }
  }
}
