package org.portcullis.store.sqlite;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import org.portcullis.lists.AccessListStore;
import org.portcullis.lists.ListEntry;
import org.portcullis.lists.WhitelistRequest;
import org.portcullis.mail.Cidr;
import org.portcullis.policy.AddressPattern;
import org.portcullis.store.StoreException;

/** {@link AccessListStore} on SQLite: one connection, used by one thread at a time. */
final class SqliteAccessListStore implements AccessListStore, AutoCloseable {

  private static final String ENTRY_COLUMNS =
      "id, action, client, sender, recipient, helo, skip, reply, expires_at, note, created_at";
  private static final String REQUEST_COLUMNS =
      "id, email, client_ip, recipient, reason, status, created_at, decided_at, message, entry_id, reference, token";

  private final Connection connection;

  SqliteAccessListStore(Connection connection) {
    this.connection = connection;
  }

  @Override
  public synchronized ListEntry add(ListEntry entry) {
    try {
      return WriteTransaction.run(connection, () -> insert(entry));
    } catch (SQLException e) {
      throw new StoreException("cannot add the list entry: " + e.getMessage(), e);
    }
  }

  private ListEntry insert(ListEntry e) throws SQLException {
    try (PreparedStatement p = connection.prepareStatement("INSERT INTO list_entry (action, client, sender, "
        + "recipient, helo, skip, reply, expires_at, note, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
        + "RETURNING id")) {
      p.setString(1, e.action().label());
      p.setString(2, e.client().map(Cidr::toString).orElse(null));
      p.setString(3, e.sender().map(AddressPattern::toString).orElse(null));
      p.setString(4, e.recipient().map(AddressPattern::toString).orElse(null));
      p.setString(5, e.helo().map(AddressPattern::toString).orElse(null));
      p.setString(6, String.join(",", new TreeSet<>(e.skip())));
      p.setString(7, e.reply().orElse(null));
      if (e.expires().isPresent()) {
        p.setLong(8, e.expires().get().toEpochMilli());
      } else {
        p.setNull(8, Types.INTEGER);
      }
      p.setString(9, e.note());
      p.setLong(10, e.created().toEpochMilli());
      long id;
      try (ResultSet rs = p.executeQuery()) {
        rs.next();
        id = rs.getLong(1);
      }
      bumpVersion();
      return new ListEntry(id, e.action(), e.client(), e.sender(), e.recipient(), e.helo(), e.skip(), e.reply(),
          e.expires(), e.note(), e.created());
    }
  }

  @Override
  public synchronized boolean remove(long id) {
    try {
      return WriteTransaction.run(connection, () -> {
        try (PreparedStatement p = connection.prepareStatement("DELETE FROM list_entry WHERE id = ?")) {
          p.setLong(1, id);
          boolean removed = p.executeUpdate() == 1;
          if (removed) {
            bumpVersion();
          }
          return removed;
        }
      });
    } catch (SQLException e) {
      throw new StoreException("cannot remove list entry " + id + ": " + e.getMessage(), e);
    }
  }

  @Override
  public synchronized int pruneExpired(Instant expiredBefore) {
    try {
      return WriteTransaction.run(connection, () -> {
        try (PreparedStatement p = connection.prepareStatement(
            "DELETE FROM list_entry WHERE expires_at IS NOT NULL AND expires_at < ?")) {
          p.setLong(1, expiredBefore.toEpochMilli());
          int removed = p.executeUpdate();
          if (removed > 0) {
            bumpVersion();
          }
          return removed;
        }
      });
    } catch (SQLException e) {
      throw new StoreException("cannot prune expired list entries: " + e.getMessage(), e);
    }
  }

  @Override
  public synchronized List<ListEntry> entries() {
    try (PreparedStatement p = connection.prepareStatement("SELECT " + ENTRY_COLUMNS + " FROM list_entry ORDER BY id");
        ResultSet rs = p.executeQuery()) {
      List<ListEntry> out = new ArrayList<>();
      while (rs.next()) {
        out.add(entry(rs));
      }
      return out;
    } catch (SQLException e) {
      throw new StoreException("cannot read the allow and deny lists: " + e.getMessage(), e);
    }
  }

  private static ListEntry entry(ResultSet rs) throws SQLException {
    long expires = rs.getLong(9);
    Optional<Instant> expiresAt = rs.wasNull() ? Optional.empty() : Optional.of(Instant.ofEpochMilli(expires));
    String skip = rs.getString(7);
    return new ListEntry(rs.getLong(1), ListEntry.Action.valueOf(rs.getString(2).toUpperCase(java.util.Locale.ROOT)),
        optional(rs.getString(3), Cidr::parse), optional(rs.getString(4), AddressPattern::parse),
        optional(rs.getString(5), AddressPattern::parse), optional(rs.getString(6), AddressPattern::parse),
        skip.isEmpty() ? Set.of() : Set.copyOf(Arrays.asList(skip.split(","))), Optional.ofNullable(rs.getString(8)),
        expiresAt, rs.getString(10), Instant.ofEpochMilli(rs.getLong(11)));
  }

  private static <T> Optional<T> optional(String text, Function<String, T> parse) {
    return text == null ? Optional.empty() : Optional.of(parse.apply(text));
  }

  @Override
  public synchronized int addToWhitelist(String owner, Collection<String> senders, String source, Instant now) {
    try {
      return WriteTransaction.run(connection, () -> {
        int added = 0;
        try (PreparedStatement p = connection.prepareStatement(
            "INSERT OR IGNORE INTO whitelist_sender (owner, sender, added_at, source) VALUES (?, ?, ?, ?)")) {
          for (String sender : senders) {
            p.setString(1, owner);
            p.setString(2, sender);
            p.setLong(3, now.toEpochMilli());
            p.setString(4, source);
            added += p.executeUpdate();
          }
        }
        if (added > 0) {
          bumpVersion();
        }
        return added;
      });
    } catch (SQLException e) {
      throw new StoreException("cannot add to the whitelist of " + owner + ": " + e.getMessage(), e);
    }
  }

  @Override
  public synchronized boolean removeFromWhitelist(String owner, String sender) {
    try {
      return WriteTransaction.run(connection, () -> {
        try (PreparedStatement p = connection.prepareStatement(
            "DELETE FROM whitelist_sender WHERE owner = ? AND sender = ?")) {
          p.setString(1, owner);
          p.setString(2, sender);
          boolean removed = p.executeUpdate() == 1;
          if (removed) {
            bumpVersion();
          }
          return removed;
        }
      });
    } catch (SQLException e) {
      throw new StoreException("cannot remove from the whitelist of " + owner + ": " + e.getMessage(), e);
    }
  }

  @Override
  public synchronized List<String> whitelist(String owner) {
    try (PreparedStatement p = connection.prepareStatement(
        "SELECT sender FROM whitelist_sender WHERE owner = ? ORDER BY sender")) {
      p.setString(1, owner);
      try (ResultSet rs = p.executeQuery()) {
        List<String> out = new ArrayList<>();
        while (rs.next()) {
          out.add(rs.getString(1));
        }
        return out;
      }
    } catch (SQLException e) {
      throw new StoreException("cannot read the whitelist of " + owner + ": " + e.getMessage(), e);
    }
  }

  @Override
  public synchronized Map<String, Set<String>> whitelists() {
    try (PreparedStatement p = connection.prepareStatement("SELECT owner, sender FROM whitelist_sender");
        ResultSet rs = p.executeQuery()) {
      Map<String, Set<String>> out = new TreeMap<>();
      while (rs.next()) {
        out.computeIfAbsent(rs.getString(1), o -> new TreeSet<>()).add(rs.getString(2));
      }
      return out;
    } catch (SQLException e) {
      throw new StoreException("cannot read the whitelists: " + e.getMessage(), e);
    }
  }

  @Override
  public synchronized long version() {
    try (PreparedStatement p = connection.prepareStatement("SELECT version FROM list_version WHERE id = 1");
        ResultSet rs = p.executeQuery()) {
      return rs.next() ? rs.getLong(1) : 0;
    } catch (SQLException e) {
      throw new StoreException("cannot read the lists' version: " + e.getMessage(), e);
    }
  }

  private void bumpVersion() throws SQLException {
    try (Statement s = connection.createStatement()) {
      s.executeUpdate("UPDATE list_version SET version = version + 1 WHERE id = 1");
    }
  }

  @Override
  public synchronized WhitelistRequest submit(WhitelistRequest r) {
    try {
      return WriteTransaction.run(connection, () -> {
        try (PreparedStatement open = connection.prepareStatement("SELECT " + REQUEST_COLUMNS + " FROM whitelist_request "
            + "WHERE status = 'pending' AND email = ? AND client_ip = ? AND recipient = ? ORDER BY id LIMIT 1")) {
          open.setString(1, r.email());
          open.setString(2, r.clientIp());
          open.setString(3, r.recipient());
          try (ResultSet rs = open.executeQuery()) {
            if (rs.next()) {
              return request(rs);
            }
          }
        }
        try (PreparedStatement p = connection.prepareStatement("INSERT INTO whitelist_request (email, client_ip, "
            + "recipient, reason, status, created_at, reference, token) VALUES (?, ?, ?, ?, 'pending', ?, ?, ?) "
            + "RETURNING id")) {
          p.setString(1, r.email());
          p.setString(2, r.clientIp());
          p.setString(3, r.recipient());
          p.setString(4, r.reason());
          p.setLong(5, r.created().toEpochMilli());
          p.setString(6, r.reference());
          p.setString(7, r.token());
          try (ResultSet rs = p.executeQuery()) {
            rs.next();
            return new WhitelistRequest(rs.getLong(1), r.email(), r.clientIp(), r.recipient(), r.reason(),
                WhitelistRequest.Status.PENDING, r.created(), Optional.empty(), Optional.empty(), Optional.empty(),
                r.reference(), r.token());
          }
        }
      });
    } catch (SQLException e) {
      throw new StoreException("cannot store the whitelist request: " + e.getMessage(), e);
    }
  }

  @Override
  public synchronized Optional<WhitelistRequest> requestByToken(String token) {
    try (PreparedStatement p = connection.prepareStatement("SELECT " + REQUEST_COLUMNS
        + " FROM whitelist_request WHERE token = ?")) {
      p.setString(1, token);
      try (ResultSet rs = p.executeQuery()) {
        return rs.next() ? Optional.of(request(rs)) : Optional.empty();
      }
    } catch (SQLException e) {
      throw new StoreException("cannot read whitelist requests: " + e.getMessage(), e);
    }
  }

  @Override
  public synchronized List<WhitelistRequest> requests(Optional<WhitelistRequest.Status> status, int limit) {
    String where = status.isPresent() ? " WHERE status = ?" : "";
    try (PreparedStatement p = connection.prepareStatement("SELECT " + REQUEST_COLUMNS + " FROM whitelist_request"
        + where + " ORDER BY id DESC LIMIT ?")) {
      int i = 1;
      if (status.isPresent()) {
        p.setString(i++, status.get().label());
      }
      p.setInt(i, limit);
      try (ResultSet rs = p.executeQuery()) {
        List<WhitelistRequest> out = new ArrayList<>();
        while (rs.next()) {
          out.add(request(rs));
        }
        return out;
      }
    } catch (SQLException e) {
      throw new StoreException("cannot read whitelist requests: " + e.getMessage(), e);
    }
  }

  @Override
  public synchronized Optional<WhitelistRequest> request(long id) {
    try {
      return find(id);
    } catch (SQLException e) {
      throw new StoreException("cannot read whitelist request " + id + ": " + e.getMessage(), e);
    }
  }

  private Optional<WhitelistRequest> find(long id) throws SQLException {
    try (PreparedStatement p = connection.prepareStatement("SELECT " + REQUEST_COLUMNS
        + " FROM whitelist_request WHERE id = ?")) {
      p.setLong(1, id);
      try (ResultSet rs = p.executeQuery()) {
        return rs.next() ? Optional.of(request(rs)) : Optional.empty();
      }
    }
  }

  private static WhitelistRequest request(ResultSet rs) throws SQLException {
    long decided = rs.getLong(8);
    Optional<Instant> decidedAt = rs.wasNull() ? Optional.empty() : Optional.of(Instant.ofEpochMilli(decided));
    long entry = rs.getLong(10);
    Optional<Long> entryId = rs.wasNull() ? Optional.empty() : Optional.of(entry);
    return new WhitelistRequest(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
        WhitelistRequest.Status.valueOf(rs.getString(6).toUpperCase(java.util.Locale.ROOT)),
        Instant.ofEpochMilli(rs.getLong(7)), decidedAt, Optional.ofNullable(rs.getString(9)), entryId,
        rs.getString(11), rs.getString(12) == null ? "" : rs.getString(12));
  }

  @Override
  public synchronized Optional<ListEntry> approve(long requestId, ListEntry entry, String message, Instant at) {
    try {
      return WriteTransaction.run(connection, () -> {
        Optional<WhitelistRequest> request = find(requestId);
        if (request.isEmpty() || request.get().status() != WhitelistRequest.Status.PENDING) {
          return Optional.empty();
        }
        ListEntry stored = insert(entry);
        decide(requestId, WhitelistRequest.Status.APPROVED, message, Optional.of(stored.id()), at);
        return Optional.of(stored);
      });
    } catch (SQLException e) {
      throw new StoreException("cannot approve whitelist request " + requestId + ": " + e.getMessage(), e);
    }
  }

  @Override
  public synchronized boolean decline(long requestId, String message, Instant at) {
    try {
      return WriteTransaction.run(connection, () ->
          decide(requestId, WhitelistRequest.Status.DECLINED, message, Optional.empty(), at));
    } catch (SQLException e) {
      throw new StoreException("cannot decline whitelist request " + requestId + ": " + e.getMessage(), e);
    }
  }

  private boolean decide(long id, WhitelistRequest.Status status, String message, Optional<Long> entryId, Instant at)
      throws SQLException {
    try (PreparedStatement p = connection.prepareStatement("UPDATE whitelist_request SET status = ?, decided_at = ?, "
        + "message = ?, entry_id = ? WHERE id = ? AND status = 'pending'")) {
      p.setString(1, status.label());
      p.setLong(2, at.toEpochMilli());
      p.setString(3, message);
      if (entryId.isPresent()) {
        p.setLong(4, entryId.get());
      } else {
        p.setNull(4, Types.INTEGER);
      }
      p.setLong(5, id);
      return p.executeUpdate() == 1;
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
